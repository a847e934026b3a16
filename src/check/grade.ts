import { UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import { compute, type Normals } from "../model/compute.js";
import type { Computation, Dims, ModelConfig } from "../model/dims.js";
import { drawOrder, getSlot, slotName } from "../model/input-slots.js";
import { type Computed, matrixAt } from "../model/trace/lookup.js";
import { type WhyNode, whyTree } from "../model/trace/provenance.js";
import { displayName, TraceTable } from "../model/trace/table.js";
import type { Answer } from "./answer.js";
import { type Comparison, compare, singlePrecision, type Tolerance } from "./compare.js";
import { acceptedVariant, type Diagnosis, diagnose } from "./diagnose.js";
import { lacksMessage, unnormalisedRow } from "./seed-hints.js";
import { fileSlip, type Slip } from "./slips.js";

export interface GradeOptions {
  tolerance: Tolerance;
  /** the notebook's seed, for inputs the answer does not hold (only named in messages here) */
  seed?: number | string;
  /** the draws of that seed */
  normals: Normals;
  /** where the seed came from, or what the search found: said in the report */
  seedNote?: string;
}

/**
 * correct: every matrix within tolerance; float32: so at float32's precision; renamed: the output
 * is right and every other mismatch equals another step; slip: a file slip (slips.ts); wrong.
 */
export type Verdict = "correct" | "float32" | "renamed" | "slip" | "wrong";

export interface Grade {
  file: string;
  computation: Computation;
  dims: Dims;
  pass: boolean;
  verdict: Verdict;
  /** every matrix the answer holds, in the order the layer computes them */
  compared: Comparison[];
  /** the first matrix out of tolerance, in that order */
  firstDivergence?: string;
  /** that matrix, the answer's and the reference's (for check --html) */
  divergence?: { answer: Matrix; reference: Matrix };
  /** the known mistakes that reproduce the answer's output and agree with its intermediates */
  diagnosis: Diagnosis[];
  /** how the reference made the first wrong entry of the first divergence, beside the answer's value */
  why?: { table: TraceTable; tree: WhyNode; actual: number };
  /** when several mistakes remain: why the answer cannot tell them apart */
  ambiguity?: string;
  /** why the known mistakes were not all replayed, when they were not */
  undiagnosed?: string;
  /** how the answer was read, and what was left out */
  notes: string[];
  slip?: Slip;
  /** the tolerance it was compared at */
  tolerance: Tolerance;
  /** the seed graded at (undefined: the answer held every input) */
  seed?: number | string;
  seedNote?: string;
  /** when nothing explains a wrong output: where to look (seed, draw order) */
  hints: string[];
  /** the draw order a seed search found, when not the homework's */
  drawOrder?: string;
}

/**
 * Recomputes what the answer should be, from its own inputs and the rest from the seed, then
 * compares every matrix it holds, in the trace table's order; a mismatching matrix is also
 * compared with every other step (the article's `scores` is our `scaled`); when the output is
 * wrong, replays each known mistake and keeps those its intermediates do not contradict.
 */
export function grade(answer: Answer, config: ModelConfig, o: GradeOptions): Grade {
  const { file, computation } = answer;
  const { seq, emb, dmodel, heads, layers, ffn, src } = config;
  const tolerance = answer.single ? singlePrecision(o.tolerance) : o.tolerance;
  const base = {
    file,
    computation,
    dims: { seq, emb, dmodel, heads, layers, ffn, src },
    seed: o.seed,
    seedNote: o.seedNote,
    hints: [] as string[],
  };
  const notes = [...answer.notes];
  const slip = fileSlip(answer, config);
  if (slip && !slip.output) return { ...gradeShape(answer, config, o.tolerance, slip), ...base };
  const held = new Map(answer.computed);
  // an answer holding every input is graded on them alone: no seed is used, none is named
  const complete = drawOrder(computation, config.layers, config.cross).every((s) =>
    getSlot(answer.inputs, s),
  );
  if (complete) {
    base.seed = undefined;
    base.seedNote = undefined;
  }
  if (slip?.output) held.set("output", slip.output);
  if (o.seed === undefined) assertComplete(answer, config);
  const reference = compute(config, answer.inputs, o.normals, { followStream: true });
  const expected = new Map(
    new TraceTable(config)
      .documentSteps()
      .map((s) => [s.path, matrixAt(reference, s.path) as Matrix]),
  );
  for (const path of [...held.keys()]) {
    if (!expected.has(path)) {
      notes.push(
        `${displayName(path, config)} not graded: ${computation} does not compute it${computation === "encode" && path.includes("masked") ? " (the encoder has no mask)" : ""}`,
      );
      held.delete(path);
    }
  }
  const compared: Comparison[] = [];
  let firstWrongPath: string | undefined;
  let divergence: Grade["divergence"];
  for (const [path, m] of expected) {
    const actual = held.get(path);
    if (!actual) continue;
    const c = compare(displayName(path, config), actual, m, tolerance);
    if (!c.pass) c.equals = otherStep(actual, path, expected, config, tolerance);
    compared.push(c);
    if (!c.pass && !divergence) {
      divergence = { answer: actual, reference: m };
      firstWrongPath = path;
    }
  }
  const outputOk = compared.at(-1)?.pass === true;
  const allOk = compared.every((c) => c.pass);
  const renamed = outputOk && !allOk && compared.every((c) => c.pass || c.equals);
  const verdict: Verdict = slip
    ? "slip"
    : allOk
      ? answer.single
        ? "float32"
        : "correct"
      : renamed
        ? "renamed"
        : "wrong";
  // a matrix that equals another step is named differently, not evidence against a mistake
  const evidence = new Map(
    [...held].filter(
      ([p]) => p === "output" || !compared.find((c) => c.name === displayName(p, config))?.equals,
    ),
  );
  const answered = held.get("output") as Matrix;
  const expectedOut = reference.trace.output;
  const sameShape = answered.rows === expectedOut.rows && answered.cols === expectedOut.cols;
  const found = outputOk
    ? { diagnosis: [] }
    : sameShape
      ? // the seed's stream goes on after the reference's draws (a mistake may draw more)
        diagnose(config, reference.inputs, evidence, tolerance, complete ? undefined : o.normals)
      : {
          diagnosis: [],
          undiagnosed: `the output is ${answered.rows}×${answered.cols}, not ${expectedOut.rows}×${expectedOut.cols}: no known mistake changes the shape`,
        };
  const accepted = outputOk
    ? acceptedVariant(
        config,
        reference.inputs,
        held.get("output") as Matrix,
        compared.at(-1)!.maxAbs,
      )
    : undefined;
  if (accepted) notes.push(accepted);
  const hints =
    outputOk || found.diagnosis.length > 0 || complete
      ? []
      : seedHints(compared, held, o.seed, computation);
  return {
    ...base,
    hints,
    pass: verdict === "correct" || verdict === "float32" || verdict === "renamed",
    verdict,
    compared,
    firstDivergence: compared.find((c) => !c.pass)?.name,
    divergence,
    ...found,
    notes,
    slip,
    tolerance,
    why: firstWrongPath ? whyFirstWrong(config, reference, compared, firstWrongPath) : undefined,
  };
}

/** The reference's account of the first wrong entry of the first divergence (one step back). */
function whyFirstWrong(
  config: ModelConfig,
  reference: Computed,
  compared: Comparison[],
  path: string,
): Grade["why"] {
  const first = compared.find((c) => !c.pass)?.first;
  if (!first) return undefined; // the shapes differ: no entry to explain
  const table = new TraceTable(config);
  const [i, j] = first.index;
  return {
    table,
    tree: whyTree(table, reference, { path, i, j }, { depth: 1 }),
    actual: first.actual,
  };
}

/** The name of another step the matrix matches (same shape, within tolerance), if any. */
function otherStep(
  actual: Matrix,
  path: string,
  expected: Map<string, Matrix>,
  config: ModelConfig,
  tolerance: Tolerance,
): string | undefined {
  for (const [other, m] of expected) {
    if (other === path || m.rows !== actual.rows || m.cols !== actual.cols) continue;
    if (compare(other, actual, m, tolerance).pass) return displayName(other, config);
  }
  return undefined;
}

/**
 * When nothing explains a wrong output but the layer's shape of work is there — norm1 right, or
 * every output row layer-normalised — the computation may be right with other draws.
 */
function seedHints(
  compared: Comparison[],
  held: ReadonlyMap<string, Matrix>,
  seed: number | string | undefined,
  computation: Computation,
): string[] {
  if (computation !== "encode") return [];
  const s = seed === undefined ? "" : `np.random.seed(${seed}) here, `;
  const order = `the seed (${s}set once before input_data) and the draw order: input_data, Wq, Wk, Wv, Wo, then feed_forward's two randn`;
  if (compared.find((c) => c.name === "norm1")?.pass) {
    return [
      `norm1 is right and the output is not: the computation may be right with other feed-forward weights; check ${order}`,
    ];
  }
  if (rowsNormalised(held.get("output") as Matrix)) {
    return [
      `every output row is layer-normalised (mean 0, variance 1) yet matches nothing known: the computation may be right; check ${order}`,
    ];
  }
  return [];
}

function rowsNormalised(m: Matrix): boolean {
  return unnormalisedRow(m) === undefined;
}

/**
 * A bare output whose shape is not the layer's (seq×emb), graded on its shape alone: at any seed
 * it is wrong, or a file slip (slips.ts) that keeps no matrix to grade. No seed is needed.
 */
export function gradeShape(
  answer: Answer,
  config: ModelConfig,
  tol: Tolerance,
  slip?: Slip,
): Grade {
  const { seq, emb, dmodel, heads, layers, ffn, src } = config;
  const tolerance = answer.single ? singlePrecision(tol) : tol;
  const output = answer.computed.get("output") as Matrix;
  const expected = { rows: seq, cols: emb } as Matrix;
  return {
    file: answer.file,
    computation: answer.computation,
    dims: { seq, emb, dmodel, heads, layers, ffn, src },
    hints: [],
    pass: false,
    verdict: slip ? "slip" : "wrong",
    compared: [compare("output", output, expected, tolerance)],
    firstDivergence: "output",
    diagnosis: [],
    undiagnosed: slip
      ? undefined
      : `the output is ${output.rows}×${output.cols}, not ${seq}×${emb}: no known mistake changes the shape`,
    notes: [...answer.notes],
    slip,
    tolerance,
  };
}

/** The inputs an answer lacks (what a seed would have to draw), by name. */
export function missingInputs(answer: Answer, config: ModelConfig): string[] {
  return drawOrder(config.computation, config.layers, config.cross)
    .filter((s) => !getSlot(answer.inputs, s))
    .map((s) => slotName(s, config.layers));
}

/** Without a seed, an answer must hold every input. */
function assertComplete(answer: Answer, config: ModelConfig): void {
  const missing = missingInputs(answer, config);
  if (missing.length > 0) {
    throw new UserError(lacksMessage(answer.file, missing));
  }
}
