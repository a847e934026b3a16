import { UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import {
  type Computation,
  type DimFlags,
  type Dims,
  type ModelConfig,
  resolveDims,
} from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";

/** What an answer file holds: the inputs it used (if any) and the matrices it computed. */
export interface Answer {
  file: string;
  computation: Computation;
  inputs: Inputs;
  /** the answer's computed matrices by trace path (`layers[0].self.heads[0].scores`, `output`) */
  computed: Map<string, Matrix>;
  /** what a `--json` document's config states: dimensions, options, generator and seed */
  stated: Partial<Dims> & {
    cross?: boolean;
    causal?: boolean;
    rng?: "numpy" | "seedrandom";
    seed?: number | string;
  };
  /** how its keys were read: aliases taken, keys left out */
  notes: string[];
  /** the seed the answer says it used (a `seed` entry) */
  seed?: number;
  /** saved as float32 (or float16): compared at that precision */
  single: boolean;
  /** a bare .npy's shape as saved, when it was not 2-D: [] (0-d), [1, 4, 8] */
  savedShape?: number[];
}

export interface AnswerFlags {
  /** dimension flags the user gave */
  dims: DimFlags;
  /** decode: --no-cross; attention: --causal (when the answer does not state them) */
  cross?: boolean;
  causal?: boolean;
}

/**
 * The run an answer is graded against: its computation, and the dimensions fixed by its
 * matrices, its document, the flags — and, for a bare output, by the output's shape.
 */
export function answerConfig(answer: Answer, flags: AnswerFlags): ModelConfig {
  const { file, computation } = answer;
  const output = answer.computed.get("output");
  if (!output) throw new UserError(`${file}: has no output to check (name it "output")`);
  const cross = computation === "decode" && (answer.stated.cross ?? flags.cross) !== false;
  const causal = computation === "attention" && (answer.stated.causal ?? flags.causal) === true;

  const dims: DimFlags = { ...answer.stated, ...flags.dims };
  const flagged = Object.values(flags.dims).some((v) => v !== undefined);
  if (!hasInputs(answer.inputs) && flagged) {
    // A bare output with dimension flags: its shape tells the rest of seq and emb (dmodel for
    // attention). Without flags it is graded at the homework's 4×8×3, and a shape that is not
    // that is a slip to name (check/slips.ts), not another layer to redraw.
    dims.seq ??= output.rows;
    if (computation === "attention") dims.dmodel ??= output.cols;
    else dims.emb ??= output.cols;
  }
  const resolved = resolveDims({ computation, cross, supplied: answer.inputs, file, flags: dims });
  return { computation, ...resolved, cross, causal };
}

function hasInputs(i: Inputs): boolean {
  return Object.keys(i.globals).length > 0 || i.layers.some((l) => Object.keys(l).length > 0);
}
