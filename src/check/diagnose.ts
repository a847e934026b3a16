import type { Matrix } from "../math/matrix.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";
import { run } from "../model/run.js";
import { PAPER, type Variant } from "../model/variants.js";
import { compare, type Tolerance } from "./compare.js";
import { MISTAKES } from "./mistakes.js";

export interface Diagnosis {
  id: string;
  message: string;
  fix: string;
}

/**
 * The known mistakes that reproduce the answer's output: each one alone, and — when none does —
 * each pair that rewires different things (a student who forgot √d_k may also have kept scipy's
 * default softmax axis).
 */
export function diagnose(
  config: ModelConfig,
  inputs: Inputs,
  output: Matrix,
  tolerance: Tolerance,
): Diagnosis[] {
  const { computation, cross, causal } = config;
  const candidates = MISTAKES.filter(
    (m) => m.applies.includes(computation) && (m.fits?.(config) ?? true),
  );
  const reproduces = (variant: Partial<Variant>): boolean => {
    const replay = run(computation, inputs, config, {
      keep: false,
      cross,
      causal,
      variant: { ...PAPER, ...variant },
    });
    return compare("output", output, replay.output, tolerance).pass;
  };
  const single = candidates
    .filter((m) => reproduces(m.variant))
    .map(({ id, message, fix }) => ({ id, message, fix }));
  if (single.length > 0) return single;
  const pairs: Diagnosis[] = [];
  for (const [i, a] of candidates.entries()) {
    for (const b of candidates.slice(i + 1)) {
      const overlap = Object.keys(a.variant).some((k) => k in b.variant);
      if (!overlap && reproduces({ ...a.variant, ...b.variant })) {
        pairs.push({
          id: `${a.id}+${b.id}`,
          message: `${a.message}; and ${b.message}`,
          fix: `${a.fix}; and ${b.fix}`,
        });
      }
    }
  }
  return pairs;
}
