import type { Answer } from "../check/answer.js";
import { UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";
import type { Computation } from "../model/dims.js";
import { LAYER_KEYS, NO_INPUTS } from "../model/input-slots.js";
import { shortNames } from "../model/trace/table.js";
import { describe, isRowList } from "./matrix-value.js";
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
    };
  }
  if (value === null || typeof value !== "object") {
    throw new UserError(
      `${file}: expected an answer (a matrix, or an object with output and its inputs), got ${describe(value)}`,
    );
  }
  const doc = value as Record<string, unknown>;
  if ("schema" in doc && "inputs" in doc) return fromTraceDocument(doc, file, forced);

  const keys = Object.keys(doc).map(canonicalKey);
  const computation = forced ?? inferComputation(keys);
  const paths = shortNames(computation);
  const { inputs, rest } = inputsFromDocument(doc, file, new Set(paths.keys()));
  const computed = new Map<string, Matrix>();
  for (const [key, v] of Object.entries(rest))
    computed.set(paths.get(key) as string, toMatrix(v, key, file, false));
  return { file, computation, inputs, computed, stated };
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

/** A document written by `transformer-lab <command> --json`, read whole. */
function fromTraceDocument(
  doc: Record<string, unknown>,
  file: string,
  forced?: Computation,
): Answer {
  const computation = (forced ?? doc.command) as Computation;
  if (!["encode", "decode", "attention"].includes(computation)) {
    throw new UserError(
      `${file}: command ${JSON.stringify(doc.command)} is not encode, decode or attention`,
    );
  }
  const { inputs } = inputsFromDocument(doc, file);
  const computed = traceLeaves(doc, (v, path) =>
    isRowList(v) ? toMatrix(v, path, file, false) : undefined,
  );
  const config = (doc.config ?? {}) as Record<string, unknown>;
  const stated: Answer["stated"] = {};
  for (const k of ["seq", "emb", "dmodel", "heads", "layers", "ffn", "src"] as const) {
    if (typeof config[k] === "number") stated[k] = config[k] as number;
  }
  if (typeof config.cross === "boolean") stated.cross = config.cross;
  if (typeof config.causal === "boolean") stated.causal = config.causal;
  return { file, computation, inputs, computed, stated };
}
