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
  /** dimensions a `--json` document states */
  stated: Partial<Dims> & { cross?: boolean; causal?: boolean };
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
  if (!hasInputs(answer.inputs)) {
    // A bare output: its shape tells seq and emb (dmodel for attention) unless flags do.
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
