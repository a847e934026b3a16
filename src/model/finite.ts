import type { ModelConfig } from "./dims.js";
import { type Computed, matrixAt } from "./trace/lookup.js";
import { displayName, TraceTable } from "./trace/table.js";

/** Where a run first left the finite numbers: the step, its entry and the value. */
export interface Overflow {
  /** the step as a student names it: `scores`, `layers[1].norm1` */
  step: string;
  formula: string;
  row: number;
  col: number;
  value: number;
}

/**
 * The first step, in the order computed, whose matrix holds NaN or ±∞ — from finite inputs, an
 * overflow of float64 (1e300·1e300). The mask and the masked scores hold −∞ by design and are
 * passed over (a step after them would show the damage). Steps the run did not keep (--quiet)
 * are skipped; the output is always kept.
 */
export function firstNonFinite(config: ModelConfig, run: Computed): Overflow | undefined {
  for (const step of new TraceTable(config).steps) {
    if (["input", "causal-mask", "mask"].includes(step.op.kind)) continue;
    const m = matrixAt(run, step.path);
    if (!m) continue;
    const at = m.data.findIndex((v) => !Number.isFinite(v));
    if (at < 0) continue;
    return {
      step: displayName(step.path, config),
      formula: step.formula,
      row: Math.floor(at / m.cols),
      col: at % m.cols,
      value: m.data[at],
    };
  }
  return undefined;
}
