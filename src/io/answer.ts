import { Matrix } from "../math/matrix.js";
import type { Dims } from "../model/config.js";
import { type Command, type Inputs, LAYER_KEYS } from "../model/inputs.js";
import type { RngName } from "../rng/normals.js";
import { isDocument, statedConfig } from "./document-config.js";
import { UserError } from "./errors.js";
import { canonicalKey, inputsFromDocument, toMatrix } from "./inputs.js";
import { describe, isRowList } from "./matrix-value.js";
import type { Loaded } from "./read.js";
import { traceLeaves } from "./trace-paths.js";

/** What an answer file holds: the inputs it used (if any) and the matrices it computed. */
export interface Answer {
  file: string;
  command: Command;
  inputs: Inputs;
  /** the answer's computed matrices by trace path (`layers[0].self.heads[0].scores`, `output`) */
  computed: Map<string, Matrix>;
  /** what a `--json` document's config states: dimensions, options, generator and seed */
  stated: Partial<Dims> & {
    cross?: boolean;
    causal?: boolean;
    rng?: RngName;
    seed?: number | string;
  };
}

/** Intermediates named as in the trace, for the first layer and head, and where they live. */
const HEAD_KEYS = ["q", "k", "v", "scores", "scaled", "masked", "weights", "z"];
const MULTI_HEAD_KEYS = ["concat", "attn"];
const LAYER_TRACE_KEYS = ["residual1", "norm1", "hidden", "ffn", "residual2", "norm2", "residual3"];
const ATTENTION_KEYS = ["scores", "scaled", "masked", "weights", "z"];

function flatPath(command: Command, key: string): string {
  if (key === "output") return "output";
  if (command === "attention") return `steps.${key}`;
  if (HEAD_KEYS.includes(key)) return `layers[0].self.heads[0].${key}`;
  if (MULTI_HEAD_KEYS.includes(key)) return `layers[0].self.${key}`;
  return `layers[0].${key}`;
}

function intermediateKeys(command: Command): Set<string> {
  return new Set(
    command === "attention"
      ? [...ATTENTION_KEYS, "output"]
      : [...HEAD_KEYS, ...MULTI_HEAD_KEYS, ...LAYER_TRACE_KEYS, "output"],
  );
}

/**
 * Reads an answer: a bare matrix (`.npy`, or a JSON list of rows) is an `output`; an object (JSON
 * or `.npz`) holds inputs and intermediates by name; a `--json` document is read whole. The
 * command is `forced` if given, else the document's, else told by its keys (y → decode; x or
 * weights → encode; q, k, v alone → attention), else encode.
 */
export function readAnswer({ file, value }: Loaded, forced?: Command): Answer {
  const stated: Answer["stated"] = {};
  if (value instanceof Matrix || Array.isArray(value)) {
    const output = toMatrix(value, "output", file, false);
    return {
      file,
      command: forced ?? "encode",
      inputs: { globals: {}, layers: [] },
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
  if (isDocument(doc)) return fromTraceDocument(doc, file, forced);

  const keys = Object.keys(doc).map(canonicalKey);
  const command = forced ?? inferCommand(keys);
  const { inputs, rest } = inputsFromDocument(doc, file, intermediateKeys(command));
  const computed = new Map<string, Matrix>();
  for (const [key, v] of Object.entries(rest))
    computed.set(flatPath(command, key), toMatrix(v, key, file, false));
  return { file, command, inputs, computed, stated };
}

function inferCommand(keys: string[]): Command {
  if (keys.includes("y") || keys.includes("memory")) return "decode";
  if (keys.includes("x") || keys.some((k) => (LAYER_KEYS as readonly string[]).includes(k)))
    return "encode";
  const encoderOnly = [...MULTI_HEAD_KEYS, ...LAYER_TRACE_KEYS];
  if (["q", "k", "v"].every((k) => keys.includes(k)) && !keys.some((k) => encoderOnly.includes(k)))
    return "attention";
  return "encode";
}

/**
 * A document written by `transformer-lab <command> --json`, read whole; a `--quiet` one holds
 * only its output, and its config says how to compute the reference.
 */
function fromTraceDocument(doc: Record<string, unknown>, file: string, forced?: Command): Answer {
  const config = statedConfig(doc, file);
  const command = forced ?? config.command;
  const { inputs } = inputsFromDocument(doc, file);
  const computed = traceLeaves(doc, (v, path) =>
    isRowList(v) ? toMatrix(v, path, file, false) : undefined,
  );
  const { cross, causal, rng, seed } = config;
  return { file, command, inputs, computed, stated: { ...config.dims, cross, causal, rng, seed } };
}
