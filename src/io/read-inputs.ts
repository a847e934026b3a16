import { UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";
import {
  GLOBAL_KEYS,
  type GlobalKey,
  type Inputs,
  LAYER_KEYS,
  type LayerKey,
} from "../model/input-slots.js";
import { ENCODER_RESULTS } from "../model/trace/table.js";
import { assertFinite, describe, isRowList, matrixFromJson } from "./matrix-value.js";

/** Names a notebook uses for the same matrices (keys are also read case-insensitively). */
const ALIASES = new Map([
  ["input_data", "x"],
  ["input", "x"],
  ["query", "q"],
  ["key", "k"],
  ["value", "v"],
]);

export function canonicalKey(key: string): string {
  const k = key.toLowerCase();
  return ALIASES.get(k) ?? k;
}

/**
 * Refuses a second key for the same matrix (`x` and `input_data`, `WQ` and `wq`): which one was
 * meant cannot be told, so neither is chosen. `seen` maps each matrix's name to the key that gave it.
 */
export function assertOneKey(seen: Map<string, string>, rawKey: string, where: string): string {
  const key = canonicalKey(rawKey);
  const before = seen.get(key);
  if (before !== undefined) {
    throw new UserError(`${where}: "${before}" and "${rawKey}" both name ${key}; keep one`);
  }
  seen.set(key, rawKey);
  return key;
}

/**
 * A matrix from a loaded value: JSON rows, or a Matrix read from a numpy file. Inputs must be
 * finite; an answer's computed matrices may hold NaN or ∞ (a broken answer is wrong, not bad input).
 */
export function toMatrix(value: unknown, key: string, file: string, finite = true): Matrix {
  if (value instanceof Matrix) return finite ? assertFinite(value, key, file) : value;
  return matrixFromJson(value, key, file, finite);
}

/**
 * The input matrices in a loaded document: `x`, `y`, `memory`, `q`, `k`, `v`, a layer's weights
 * at the top level (one layer), or `layers: [{ wq, … }, …]`. A document written by `--json`
 * is read through its `inputs`. Keys in `otherKeys` (a check answer's intermediates) are left
 * for the caller; any other key is an error, so that a typo is not silently ignored.
 */
export function inputsFromDocument(
  value: unknown,
  file: string,
  otherKeys: ReadonlySet<string> = new Set(),
  single?: GlobalKey,
): { inputs: Inputs; rest: Record<string, unknown> } {
  if (single && (value instanceof Matrix || isRowList(value))) {
    // one matrix alone (a .npy file, or a JSON list of rows): the command's input, x or y
    return {
      inputs: { globals: { [single]: toMatrix(value, single, file) }, layers: [] },
      rest: {},
    };
  }
  if (
    value instanceof Matrix ||
    Array.isArray(value) ||
    value === null ||
    typeof value !== "object"
  ) {
    throw new UserError(
      `${file}: expected an object of named matrices (x, wq, wk, …), got ${value instanceof Matrix ? "a single matrix" : describe(value)}`,
    );
  }
  let doc = value as Record<string, unknown>;
  if ("schema" in doc) {
    // a --json document: its inputs (a --quiet one has none); io/document-config.ts reads its config
    const inputs = doc.inputs ?? {};
    if (inputs === null || typeof inputs !== "object" || Array.isArray(inputs)) {
      throw new UserError(
        `inputs in ${file}: expected an object of named matrices, got ${describe(inputs)}`,
      );
    }
    doc = inputs as Record<string, unknown>;
  }
  const inputs: Inputs = { globals: Object.create(null), layers: [] };
  const rest: Record<string, unknown> = Object.create(null);
  const top: Partial<Record<LayerKey, Matrix>> = Object.create(null);
  const seen = new Map<string, string>();
  for (const [rawKey, v] of Object.entries(doc)) {
    const key = assertOneKey(seen, rawKey, file);
    if (otherKeys.has(key)) {
      rest[key] = v;
    } else if ((GLOBAL_KEYS as readonly string[]).includes(key)) {
      inputs.globals[key as GlobalKey] = toMatrix(v, rawKey, file);
    } else if ((LAYER_KEYS as readonly string[]).includes(key)) {
      top[key as LayerKey] = toMatrix(v, rawKey, file);
    } else if (key === "layers") {
      inputs.layers = layersFrom(v, file);
    } else if (RESULT_KEYS.has(key)) {
      throw new UserError(
        `${file}: "${rawKey}" is a result, not an input; to grade it: transformer-lab check ${file}`,
      );
    } else {
      const known = [...GLOBAL_KEYS, ...LAYER_KEYS, "layers", ...otherKeys].join(", ");
      throw new UserError(`${file}: unknown key "${rawKey}"; the keys it may have are ${known}`);
    }
  }
  if (Object.keys(top).length > 0) {
    if (inputs.layers.length > 0) {
      const k = Object.keys(top)[0];
      throw new UserError(
        `${file}: ${k} is given both at the top level and in layers; put every layer's weights in layers`,
      );
    }
    inputs.layers = [top];
  }
  return { inputs, rest };
}

/** Names of computed matrices: in an input file they mean the file is an answer. */
const RESULT_KEYS = new Set(ENCODER_RESULTS);

function layersFrom(v: unknown, file: string): Partial<Record<LayerKey, Matrix>>[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw new UserError(
      `layers in ${file}: expected a non-empty list of objects like { "wq": …, "w1": … }, got ${describe(v)}`,
    );
  }
  return v.map((layer: unknown, l) => {
    if (layer === null || typeof layer !== "object" || Array.isArray(layer)) {
      throw new UserError(
        `layers[${l}] in ${file}: expected an object of weights, got ${describe(layer)}`,
      );
    }
    const out: Partial<Record<LayerKey, Matrix>> = Object.create(null);
    const seen = new Map<string, string>();
    for (const [rawKey, m] of Object.entries(layer)) {
      const key = assertOneKey(seen, rawKey, `layers[${l}] in ${file}`);
      if (!(LAYER_KEYS as readonly string[]).includes(key)) {
        throw new UserError(
          `layers[${l}] in ${file}: unknown key "${rawKey}"; a layer may have ${LAYER_KEYS.join(", ")}`,
        );
      }
      out[key as LayerKey] = toMatrix(m, `layers[${l}].${rawKey}`, file);
    }
    return out;
  });
}
