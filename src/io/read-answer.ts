import type { Answer } from "../check/answer.js";
import { UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";
import type { Computation } from "../model/dims.js";
import { LAYER_KEYS, NO_INPUTS } from "../model/input-slots.js";
import { shortNames } from "../model/trace/table.js";
import { readAnswerKey } from "./answer-keys.js";
import { isDocument, statedConfig } from "./document-config.js";
import { describe, isRowList } from "./matrix-value.js";
import { isSinglePrecision, numpyMeta } from "./numpy-meta.js";
import type { Loaded } from "./read.js";
import { canonicalKey, inputsFromDocument, toMatrix } from "./read-inputs.js";
import { traceLeaves } from "./trace-paths.js";

/**
 * Reads an answer: a bare matrix (`.npy`, or a JSON list of rows) is an `output`; an object (JSON
 * or `.npz`) holds inputs and intermediates by name; a `--json` document is read whole. The
 * command is `forced` if given, else the document's, else told by its keys (y → decode; x or
 * weights → encode; q, k, v alone → attention), else encode.
 */
export function readAnswer({ file, value }: Loaded, forced?: Computation): Answer {
  const stated: Answer["stated"] = {};
  if (value instanceof Matrix || Array.isArray(value)) {
    const output = toMatrix(value, "output", file, false);
    return {
      file,
      computation: forced ?? "encode",
      inputs: NO_INPUTS,
      computed: new Map([["output", output]]),
      stated,
      notes: [],
      single: isSinglePrecision(output),
      savedShape: numpyMeta(output)?.shape,
    };
  }
  if (value === null || typeof value !== "object") {
    throw new UserError(
      `${file}: expected an answer (a matrix, or an object with output and its inputs), got ${describe(value)}`,
    );
  }
  const doc = value as Record<string, unknown>;
  if (isDocument(doc)) return fromTraceDocument(doc, file, forced);

  const keys = Object.keys(doc).map(canonicalKey);
  const computation = forced ?? inferComputation(keys);
  const paths = shortNames(computation);
  const known = new Set(paths.keys());
  const sorted = sortAnswerKeys(doc, known, file);
  const { inputs, rest } = inputsFromDocument(sorted.doc, file, known);
  const computed = new Map<string, Matrix>();
  for (const [key, v] of Object.entries(rest))
    computed.set(paths.get(key) as string, toMatrix(v, key, file, false));
  const single = [...computed.values()].some(isSinglePrecision);
  return { file, computation, inputs, computed, stated, single, ...sorted.extra };
}

/**
 * The keys of an answer object sorted out: known names (and aliases, said in a note) kept for
 * reading, `seed` taken as the answer's seed, anything else left out with a note — an answer is
 * graded on what can be graded, never refused for a key too many.
 */
function sortAnswerKeys(
  doc: Record<string, unknown>,
  known: ReadonlySet<string>,
  file: string,
): { doc: Record<string, unknown>; extra: { notes: string[]; seed?: number } } {
  const out: Record<string, unknown> = {};
  const notes: string[] = [];
  const unknown: string[] = [];
  let seed: number | undefined;
  for (const [raw, v] of Object.entries(doc)) {
    const r = readAnswerKey(raw, known);
    if (r.kind === "seed") seed = seedValue(v, file);
    else if (r.kind === "unknown") unknown.push(raw);
    else if (r.key in out) notes.push(`"${raw}" left out: ${r.key} is already given`);
    else {
      out[r.key] = v;
      if (r.alias) notes.push(`"${r.alias}" read as ${r.key}`);
    }
  }
  if (unknown.length > 0) {
    notes.push(`not graded (unknown name${unknown.length > 1 ? "s" : ""}): ${unknown.join(", ")}`);
  }
  return { doc: out, extra: { notes, seed } };
}

/** A `seed` entry: a number, or a 0-d (1×1) array. */
function seedValue(v: unknown, file: string): number {
  const n = v instanceof Matrix && v.data.length === 1 ? v.data[0] : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0 || n > 0xffffffff) {
    throw new UserError(`${file}: seed is not a whole number from 0 to 4294967295`);
  }
  return n;
}

/** What an object of named matrices computes, by its keys. */
function inferComputation(keys: string[]): Computation {
  if (keys.includes("y") || keys.includes("memory")) return "decode";
  if (keys.includes("x") || keys.some((k) => (LAYER_KEYS as readonly string[]).includes(k)))
    return "encode";
  // what only a layer computes, beyond one head's attention: concat, attn, residual1, norm1, …
  const encoderOnly = [...shortNames("encode")]
    .filter(([name, path]) => !path.includes(".heads[") && name !== "output")
    .map(([name]) => name);
  if (["q", "k", "v"].every((k) => keys.includes(k)) && !keys.some((k) => encoderOnly.includes(k)))
    return "attention";
  return "encode";
}

/**
 * A document written by `transformer-lab <command> --json`, read whole; a `--quiet` one holds
 * only its output, and its config says how to compute the reference.
 */
function fromTraceDocument(
  doc: Record<string, unknown>,
  file: string,
  forced?: Computation,
): Answer {
  const config = statedConfig(doc, file);
  const computation = forced ?? config.computation;
  const { inputs } = inputsFromDocument(doc, file);
  const computed = traceLeaves(doc, (v, path) =>
    isRowList(v) ? toMatrix(v, path, file, false) : undefined,
  );
  const { cross, causal, rng, seed } = config;
  return {
    file,
    computation,
    inputs,
    computed,
    stated: { ...config.dims, cross, causal, rng, seed },
    notes: [],
    single: false,
  };
}
