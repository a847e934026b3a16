/**
 * The library's four calls, for scripts: what the CLI's commands compute, as values. Each takes
 * the CLI's flags as options by the same names and returns the trace the CLI renders;
 * `JSON.stringify` of a result is exactly what the command's `--json` prints.
 */
import { type Grade, grade } from "./check/grade.js";
import { readAnswer } from "./io/answer.js";
import { type DimFlags, resolveDims } from "./io/dims.js";
import { UserError } from "./io/errors.js";
import { inputsFromDocument } from "./io/inputs.js";
import { readInput } from "./io/read.js";
import type { Matrix } from "./math/matrix.js";
import type { Dims } from "./model/config.js";
import type { Command, GlobalKey, Inputs } from "./model/inputs.js";
import { type RunTrace, run } from "./model/run.js";
import { checkDocument } from "./render/check.js";
import { type RunConfig, runDocument } from "./render/document.js";
import { jsonText } from "./render/json.js";
import { completeInputs } from "./rng/draw.js";
import { makeNormals, type RngName } from "./rng/normals.js";
import { chooseSeed } from "./rng/seed.js";

export type { Grade, RngName, RunConfig, RunTrace };

/** What encode, decode and attention share: the generator and the matrices to use. */
export interface RunOptions {
  /** the generator's seed (default: a fresh one, kept in `config.seed`) */
  seed?: number | string;
  /** `numpy` (np.random.seed + np.random.randn; the default) or `seedrandom` (a text seed selects it) */
  rng?: RngName;
  /**
   * matrices to use instead of drawing them, as an `--input` file holds them: an object of
   * named matrices (lists of rows, or Matrix values), or a `--json` document
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
  command: Command;
  config: Record<string, unknown>;
  output: Rows;
  shape: [number, number];
  [key: string]: unknown;
}

/** One run: its config, every input, the trace of intermediates and the output. */
export interface Run {
  /** what was computed: dimensions, generator, seed (the JSON's `config`) */
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
  return compute("encode", options);
}

/** One decoder layer (or a stack): `transformer-lab decode`. */
export function decode(options: DecodeOptions = {}): Promise<Run> {
  return compute("decode", options);
}

/** Scaled dot-product attention alone: `transformer-lab attention`. */
export function attention(options: AttentionOptions = {}): Promise<Run> {
  return compute("attention", options);
}

const DIM_KEYS = ["seq", "src", "emb", "dmodel", "heads", "layers", "ffn"] as const;

/** The dimension options given, each checked as the CLI checks its flags. */
function dimFlags(o: Partial<Record<keyof Dims, unknown>>): DimFlags {
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

/** What a lone matrix given as `inputs` is. */
const SINGLE: Record<Command, GlobalKey | undefined> = {
  encode: "x",
  decode: "y",
  attention: undefined,
};

async function compute(command: Command, o: DecodeOptions & AttentionOptions): Promise<Run> {
  const cross = command === "decode" ? o.cross !== false : false;
  const causal = command === "attention" ? o.causal === true : undefined;
  const supplied: Inputs =
    o.inputs === undefined
      ? { globals: {}, layers: [] }
      : inputsFromDocument(o.inputs, "inputs", undefined, SINGLE[command]).inputs;
  const dims = resolveDims(command, supplied, "inputs", dimFlags(o), cross);
  if (causal && dims.seq !== dims.src) {
    throw new UserError(
      `causal needs square attention: ${dims.seq} queries but ${dims.src} keys (query i may see keys 0…i)`,
    );
  }
  const { rng, seed } = chooseSeed(o.rng, o.seed);
  const inputs = completeInputs(command, dims, cross, supplied, await makeNormals(rng, seed));
  const quiet = o.quiet === true;
  const trace = run(command, inputs, dims, { keep: !quiet, cross, causal });
  const config: RunConfig = {
    command,
    ...dims,
    rng,
    seed,
    cross: command === "decode" ? cross : undefined,
    causal,
  };
  return {
    config,
    inputs,
    trace,
    output: trace.output,
    toJSON: () => JSON.parse(jsonText(runDocument(config, inputs, trace, quiet))),
  };
}

/** `check`'s options: the flags of `transformer-lab check`. */
export interface CheckOptions extends Omit<DecodeOptions, "inputs" | "quiet"> {
  /** tolerance as np.allclose: |answer − reference| ≤ atol + rtol·|reference| (1e-5, 1e-8) */
  rtol?: number;
  atol?: number;
  /** what the answers compute, when a file does not tell */
  against?: Command;
  causal?: boolean;
}

/** One answer's result: its grade, or why the file could not be read or used. */
export type CheckResult = { file: string; grade: Grade } | { file: string; error: string };

/** The grades of `check`: one result per answer file (a file that cannot be read has `error`). */
export interface CheckReport {
  results: CheckResult[];
  passed: number;
  failed: number;
  errors: number;
  /** the `check --json` document as plain data */
  toJSON(): Record<string, unknown>;
}

/** Grades answer files (`.json`, `.npy`, `.npz`): `transformer-lab check`. */
export async function check(
  answers: string | string[],
  options: CheckOptions = {},
): Promise<CheckReport> {
  const { rtol = 1e-5, atol = 1e-8 } = options;
  const given = options.seed === undefined ? undefined : chooseSeed(options.rng, options.seed);
  const rng = given?.rng ?? options.rng ?? "numpy";
  const results: CheckResult[] = [];
  for (const file of typeof answers === "string" ? [answers] : answers) {
    try {
      const answer = readAnswer(await readInput(file), options.against);
      const g = await grade(answer, {
        tolerance: { rtol, atol },
        flags: dimFlags(options),
        rng: options.rng,
        seed: given?.seed,
        cross: options.cross,
        causal: options.causal,
      });
      results.push({ file: answer.file, grade: g });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      results.push({ file, error: e.message });
    }
  }
  const config = { rtol, atol, rng, seed: given?.seed ?? null };
  const doc = checkDocument(results, config);
  return {
    results,
    passed: doc.passed as number,
    failed: doc.failed as number,
    errors: doc.errors as number,
    toJSON: () => JSON.parse(jsonText(doc)),
  };
}
