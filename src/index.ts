/**
 * The library (`import { encode } from "transformer-lab"`): the CLI's commands as functions,
 * taking the command's flags as options by the same names and returning the trace the CLI
 * renders; `JSON.stringify` of a result is exactly what the command's `--json` prints. Below them,
 * the building blocks they are made of (pure: matrices in, matrices and traces out), which
 * `bench/bench.mjs` uses too.
 */
import type { Grade } from "./check/grade.js";
import { type Result, type Status, statusOf } from "./check/result.js";
import { UserError } from "./errors.js";
import { answerFiles } from "./io/answer-files.js";
import { gradeAnswerFiles } from "./io/check-answers.js";
import { runRequest } from "./io/run-request.js";
import { splitSubmissions } from "./io/submissions.js";
import type { Matrix } from "./math/matrix.js";
import { compute } from "./model/compute.js";
import type { Computation, DimFlags, Dims } from "./model/dims.js";
import type { Inputs } from "./model/input-slots.js";
import type { RunTrace } from "./model/run.js";
import { checkDocument } from "./render/check.js";
import { type RunConfig, runDocument } from "./render/document.js";
import { jsonText } from "./render/json.js";
import { makeNormals, type RngName } from "./rng/normals.js";
import { chooseSeed } from "./rng/seed.js";

export type { Computation, Grade, Inputs, RngName, RunConfig, RunTrace, Status };

/** What encode, decode and attention share: the generator and the matrices to use. */
export interface RunOptions {
  /** the generator's seed (default: a fresh one, kept in `config.seed`) */
  seed?: number | string;
  /** `numpy` (np.random.seed + np.random.randn; the default) or `seedrandom` (a text seed selects it) */
  rng?: RngName;
  /**
   * matrices to use instead of drawing them, as an `--input` file holds them: an object of
   * named matrices (lists of rows, or Matrix values), or a `--json` document (its config too)
   */
  inputs?: unknown;
  /** keep only the output, as `--quiet` (the trace's intermediates are not kept) */
  quiet?: boolean;
}

/** `encode`: the flags of `transformer-lab encode`. */
export interface EncodeOptions extends RunOptions {
  seq?: number;
  emb?: number;
  dmodel?: number;
  heads?: number;
  layers?: number;
  ffn?: number;
}

/** `decode`: the flags of `transformer-lab decode`; `cross: false` is `--no-cross`. */
export interface DecodeOptions extends EncodeOptions {
  src?: number;
  cross?: boolean;
}

/** `attention`: the flags of `transformer-lab attention`. */
export interface AttentionOptions extends RunOptions {
  seq?: number;
  src?: number;
  dmodel?: number;
  causal?: boolean;
}

/** A rows-of-numbers matrix, as in the JSON (−∞ is null). */
export type Rows = (number | null)[][];

/** The `--json` document (SPEC section 3). */
export interface RunDocument {
  schema: number;
  command: Computation;
  config: Record<string, unknown>;
  output: Rows;
  shape: [number, number];
  [key: string]: unknown;
}

/** One run: its config, every input, the trace of intermediates and the output. */
export interface Run {
  /** what was computed: dimensions, options, generator, seed (the JSON's `config`) */
  config: RunConfig;
  /** every input matrix, supplied or drawn */
  inputs: Inputs;
  /** every intermediate, by layer and head, as the CLI's report shows them (none with `quiet`) */
  trace: RunTrace;
  output: Matrix;
  /** the `--json` document as plain data; `JSON.stringify(run)` is the CLI's `--json` text */
  toJSON(): RunDocument;
}

/** One encoder layer (or a stack): `transformer-lab encode`. */
export function encode(options: EncodeOptions = {}): Promise<Run> {
  return computeRun("encode", options);
}

/** One decoder layer (or a stack): `transformer-lab decode`. */
export function decode(options: DecodeOptions = {}): Promise<Run> {
  return computeRun("decode", options);
}

/** Scaled dot-product attention alone: `transformer-lab attention`. */
export function attention(options: AttentionOptions = {}): Promise<Run> {
  return computeRun("attention", options);
}

const DIM_KEYS = ["seq", "src", "emb", "dmodel", "heads", "layers", "ffn"] as const;

/** The dimension options given, each checked as the CLI checks its flags. */
function dimOptions(o: Partial<Record<keyof Dims, unknown>>): DimFlags {
  const flags: DimFlags = {};
  for (const k of DIM_KEYS) {
    const v = o[k];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
      throw new UserError(`${k}: expected a positive whole number, got ${JSON.stringify(v)}`);
    }
    flags[k] = v;
  }
  return flags;
}

async function computeRun(
  computation: Computation,
  o: DecodeOptions & AttentionOptions,
): Promise<Run> {
  const loaded = o.inputs === undefined ? undefined : { file: "inputs", value: o.inputs };
  const request = runRequest(computation, loaded, {
    dims: dimOptions(o),
    rng: o.rng,
    seed: o.seed === undefined ? undefined : String(o.seed),
    cross: o.cross === false ? false : undefined,
    causal: o.causal === true ? true : undefined,
  });
  const { config, supplied, rng, seed } = request;
  const quiet = o.quiet === true;
  const run = compute(config, supplied, await makeNormals(rng, seed), { keep: !quiet });
  const runConfig: RunConfig = { ...config, rng, seed, input: request.input };
  return {
    config: runConfig,
    inputs: run.inputs,
    trace: run.trace,
    output: run.trace.output,
    toJSON: () => JSON.parse(jsonText(runDocument(runConfig, run, quiet))),
  };
}

/** `check`'s options: the flags of `transformer-lab check`. */
export interface CheckOptions extends Omit<DecodeOptions, "inputs" | "quiet"> {
  /** tolerance as np.allclose: |answer − reference| ≤ atol + rtol·|reference| (1e-5, 1e-8) */
  rtol?: number;
  atol?: number;
  /** what the answers compute, when a file does not tell */
  against?: Computation;
  causal?: boolean;
  /** `--seeds`: a CSV file of `file,seed`, each student's seed */
  seeds?: string;
}

/**
 * One answer's result, as a row of `check`: its `status` — `correct`, `wrong` (both with the
 * `grade`), `unreadable` or `ungraded` (with the `error` saying why) — as the CLI gives it.
 */
export type CheckResult = Result & { status: Status };

/** The grades of `check`: one result per answer file, counted by status as the CLI counts them. */
export interface CheckReport {
  results: CheckResult[];
  /** correct files */
  passed: number;
  /** wrong files */
  failed: number;
  /** files not graded: unreadable + ungraded */
  errors: number;
  unreadable: number;
  ungraded: number;
  /** the `check --json` document as plain data */
  toJSON(): Record<string, unknown>;
}

/**
 * Grades answer files (`.json`, `.npy`, `.npz`, or folders of them): `transformer-lab check`,
 * by the same path (io/check-answers.ts): each answer at its own seed, else `seeds`, else
 * `seed`, and a bare output with none searched for.
 */
export async function check(
  answers: string | string[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const { rtol = 1e-5, atol = 1e-8 } = options;
  const given =
    options.seed === undefined ? undefined : chooseSeed(options.rng, String(options.seed));
  const args = typeof answers === "string" ? [answers] : answers;
  const { code } = splitSubmissions(args);
  if (code.length > 0) {
    throw new UserError(
      `${code[0].file}: the library grades answer files (.json, .npy, .npz); grade notebooks and scripts with transformer-lab check`,
    );
  }
  const rows = await gradeAnswerFiles(answerFiles(args), {
    dims: dimOptions(options),
    cross: options.cross,
    causal: options.causal,
    against: options.against,
    tolerance: { rtol, atol },
    rng: options.rng,
    seed: given?.seed,
    seeds: options.seeds,
  });
  const results = rows.map((r) => ({ ...r, status: statusOf(r) }) as CheckResult);
  const rng = given?.rng ?? options.rng ?? "numpy";
  const doc = checkDocument(rows, { rtol, atol, rng, seed: given?.seed ?? null });
  return {
    results,
    passed: doc.passed as number,
    failed: doc.failed as number,
    errors: doc.errors as number,
    unreadable: doc.unreadable as number,
    ungraded: doc.ungraded as number,
    toJSON: () => JSON.parse(jsonText(doc)),
  };
}

export { UserError } from "./errors.js";
export { relu } from "./math/activations.js";
export { LAYER_NORM_EPS, layerNorm } from "./math/layer-norm.js";
export { matmul, matmulRows, matmulTransposed, setParallelMatmul } from "./math/matmul.js";
export {
  enableParallelMatmul,
  MIN_WORK,
  parallelProducts,
  startParallelMatmul,
} from "./math/matmul-parallel.js";
export { fromRows, Matrix, toRows, transpose } from "./math/matrix.js";
export { softmax } from "./math/softmax.js";
export { type AttentionTrace, attention as attentionHead } from "./model/attention.js";
export { compute, drawInputs } from "./model/compute.js";
export { type DecoderLayerTrace, decoderLayer } from "./model/decoder-layer.js";
export { DEFAULT_DIMS, type Dims, type ModelConfig } from "./model/dims.js";
export { type EncoderLayerTrace, encoderLayer } from "./model/encoder-layer.js";
export { feedForward } from "./model/feed-forward.js";
export { drawOrder } from "./model/input-slots.js";
export { causalMask } from "./model/mask.js";
export { type MultiHeadTrace, multiHeadAttention } from "./model/multi-head.js";
export { run } from "./model/run.js";
export { type Computed, matrixAt } from "./model/trace/lookup.js";
export {
  type At,
  type Explanation,
  explain,
  resolvePath,
  type Why,
  type WhyNode,
  whyTree,
} from "./model/trace/provenance.js";
export type { Op, Operand, Step } from "./model/trace/steps.js";
export { TraceTable } from "./model/trace/table.js";
export { PAPER } from "./model/variants.js";
export { jsonText } from "./render/json.js";
export { completeInputs } from "./rng/draw.js";
export { numpyNormals, seedrandomNormals } from "./rng/normals.js";
