import type { Matrix } from "../../math/matrix.js";
import type { Inputs } from "../input-slots.js";
import type { RunTrace } from "../run.js";

/** What a run holds: its complete inputs and the trace of what it computed. */
export interface Computed {
  inputs: Inputs;
  trace: RunTrace;
}

/** The parts of a path: `layers[0].self.heads[1].q` → layers, 0, self, heads, 1, q. */
export function pathParts(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] ? Number(m[2]) : m[1]));
}

/**
 * The matrix at a path of the trace table (`inputs.layers[0].wq`, `layers[0].self.heads[1].weights`,
 * `steps.z`, `output`), or undefined when the run did not keep it.
 */
export function matrixAt({ inputs, trace }: Computed, path: string): Matrix | undefined {
  const [first, ...rest] = pathParts(path);
  const roots: Record<string, unknown> = {
    inputs: { ...inputs.globals, layers: inputs.layers },
    steps: trace.attention,
    layers: trace.layers,
    output: trace.output,
  };
  let v: unknown = roots[first as string];
  for (const part of rest) v = (v as Record<string | number, unknown> | undefined)?.[part];
  return v as Matrix | undefined;
}
