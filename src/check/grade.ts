import { UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import { compute, type Normals } from "../model/compute.js";
import type { Computation, Dims, ModelConfig } from "../model/dims.js";
import { drawOrder, getSlot, slotName } from "../model/input-slots.js";
import { matrixAt } from "../model/trace/lookup.js";
import { displayName, TraceTable } from "../model/trace/table.js";
import type { Answer } from "./answer.js";
import { type Comparison, compare, type Tolerance } from "./compare.js";
import { type Diagnosis, diagnose } from "./diagnose.js";

export interface GradeOptions {
  tolerance: Tolerance;
  /** the notebook's seed, for inputs the answer does not hold (only named in messages here) */
  seed?: number | string;
  /** the draws of that seed */
  normals: Normals;
}

export interface Grade {
  file: string;
  computation: Computation;
  dims: Dims;
  pass: boolean;
  /** every matrix the answer holds, in the order the layer computes them */
  compared: Comparison[];
  /** the first matrix out of tolerance, in that order */
  firstDivergence?: string;
  /** the known mistakes that reproduce the answer's output */
  diagnosis: Diagnosis[];
  /** why the known mistakes were not all replayed, when they were not */
  undiagnosed?: string;
}

/**
 * Recomputes what the answer should be, from its own inputs and the rest from the seed, then
 * compares every matrix it holds, in the trace table's order; when the output is wrong, replays
 * each known mistake.
 */
export function grade(answer: Answer, config: ModelConfig, o: GradeOptions): Grade {
  const { file, computation } = answer;
  if (o.seed === undefined) assertComplete(answer, config);
  const reference = compute(config, answer.inputs, o.normals, { followStream: true });
  const expected = new Map(
    new TraceTable(config)
      .documentSteps()
      .map((s) => [s.path, matrixAt(reference, s.path) as Matrix]),
  );
  for (const path of answer.computed.keys()) {
    if (!expected.has(path)) {
      throw new UserError(
        `${file}: ${displayName(path, config)} is not computed by ${computation}${computation === "encode" && path.includes("masked") ? " (the encoder has no mask)" : ""}`,
      );
    }
  }
  const compared: Comparison[] = [];
  for (const [path, m] of expected) {
    const actual = answer.computed.get(path);
    if (actual) compared.push(compare(displayName(path, config), actual, m, o.tolerance));
  }
  const { seq, emb, dmodel, heads, layers, ffn, src } = config;
  const output = answer.computed.get("output") as Matrix;
  const outputOk = compared.at(-1)?.pass === true;
  const expectedOutput = reference.trace.output;
  const sameShape = output.rows === expectedOutput.rows && output.cols === expectedOutput.cols;
  const diagnosed = outputOk
    ? { diagnosis: [] }
    : sameShape
      ? diagnose(config, reference.inputs, output, o.tolerance)
      : {
          diagnosis: [],
          undiagnosed: `the output is ${output.rows}×${output.cols}, not ${expectedOutput.rows}×${expectedOutput.cols}: no known mistake changes the shape`,
        };
  return {
    file,
    computation,
    dims: { seq, emb, dmodel, heads, layers, ffn, src },
    pass: compared.every((c) => c.pass),
    compared,
    firstDivergence: compared.find((c) => !c.pass)?.name,
    ...diagnosed,
  };
}

/** Without a seed, an answer must hold every input. */
function assertComplete(answer: Answer, config: ModelConfig): void {
  const missing = drawOrder(config.computation, config.layers, config.cross)
    .filter((s) => !getSlot(answer.inputs, s))
    .map((s) => slotName(s, config.layers));
  if (missing.length > 0) {
    throw new UserError(
      `${answer.file}: lacks ${missing.join(", ")}; put them in the file, or give the notebook's seed (--rng numpy --seed S) to draw them`,
    );
  }
}
