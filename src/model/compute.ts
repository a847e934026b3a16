import { Matrix } from "../math/matrix.js";
import type { ModelConfig } from "./dims.js";
import { axisSize, type GlobalKey, getSlot, type Inputs, type LayerKey } from "./input-slots.js";
import type { Progress } from "./progress.js";
import { run } from "./run.js";
import type { Computed } from "./trace/lookup.js";
import { TraceTable } from "./trace/table.js";

/** A source of standard normal draws (rng/): `fill` writes the next `out.length` draws in order. */
export interface Normals {
  fill(out: Float64Array): void;
}

export interface ComputeOptions {
  /** keep every intermediate (false: only the output survives, as for --quiet) */
  keep?: boolean;
  /** draw every input in turn, as the notebook did, even those supplied (see drawInputs) */
  followStream?: boolean;
  /** told where a layered run has got to (the CLI's progress line) */
  progress?: Progress;
}

/**
 * The one pipeline of encode, decode, attention, check and the tests: complete the supplied
 * inputs with draws, then run the model.
 */
export function compute(
  config: ModelConfig,
  supplied: Inputs,
  normals: Normals,
  { keep = true, followStream = false, progress }: ComputeOptions = {},
): Computed {
  const inputs = drawInputs(config, supplied, normals, followStream);
  const { computation, cross, causal } = config;
  return { inputs, trace: run(computation, inputs, config, { keep, cross, causal, progress }) };
}

/**
 * Every matrix the run needs: the supplied ones as they are, the rest drawn from `normals` in
 * the trace table's order (SPEC section 2), each row-major. A supplied matrix consumes no draws,
 * unless `followStream`: then every matrix is drawn in turn, as the notebook did, and a supplied
 * one replaces its draw (so `check --seed` finds the feed-forward weights the notebook drew
 * after x … Wo).
 */
export function drawInputs(
  config: ModelConfig,
  supplied: Inputs,
  normals: Normals,
  followStream = false,
): Inputs {
  const out: Inputs = {
    globals: { ...supplied.globals },
    layers: Array.from({ length: config.layers }, (_, l) => ({ ...supplied.layers[l] })),
  };
  for (const step of new TraceTable(config).inputs()) {
    const slot = { key: step.name as GlobalKey | LayerKey, layer: step.layer };
    const given = getSlot(supplied, slot);
    if (given && !followStream) continue;
    const m = new Matrix(axisSize(step.shape[0], config), axisSize(step.shape[1], config));
    normals.fill(m.data);
    if (given) continue;
    if (step.layer === undefined) out.globals[step.name as GlobalKey] = m;
    else out.layers[step.layer][step.name as LayerKey] = m;
  }
  return out;
}
