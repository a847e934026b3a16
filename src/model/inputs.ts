import type { Matrix } from "../math/matrix.js";
import type { Axis } from "./dims.js";

export { type Axis, axisSize } from "./dims.js";

export type Command = "encode" | "decode" | "attention";

/** Matrices that belong to the whole run, and matrices every layer has its own of. */
export const GLOBAL_KEYS = ["x", "y", "memory", "q", "k", "v"] as const;
export const LAYER_KEYS = [
  "wq",
  "wk",
  "wv",
  "wo",
  "cross_wq",
  "cross_wk",
  "cross_wv",
  "cross_wo",
  "w1",
  "w2",
] as const;
export type GlobalKey = (typeof GLOBAL_KEYS)[number];
export type LayerKey = (typeof LAYER_KEYS)[number];
export type InputKey = GlobalKey | LayerKey;

/** The shape of every input matrix, in axes: SPEC section 1. */
export const SHAPES: Record<InputKey, readonly [Axis, Axis]> = {
  x: ["seq", "emb"],
  y: ["seq", "emb"],
  memory: ["src", "emb"],
  q: ["seq", "dmodel"],
  k: ["src", "dmodel"],
  v: ["src", "dmodel"],
  wq: ["emb", "hd"],
  wk: ["emb", "hd"],
  wv: ["emb", "hd"],
  wo: ["hd", "emb"],
  cross_wq: ["emb", "hd"],
  cross_wk: ["emb", "hd"],
  cross_wv: ["emb", "hd"],
  cross_wo: ["hd", "emb"],
  w1: ["emb", "ffn"],
  w2: ["ffn", "emb"],
};

/** What a run reads: a few whole-run matrices and each layer's weights. */
export interface Inputs {
  globals: Partial<Record<GlobalKey, Matrix>>;
  layers: Partial<Record<LayerKey, Matrix>>[];
}

/** One matrix of a run: a whole-run key, or a layer's key with the layer's index. */
export interface Slot {
  key: InputKey;
  layer?: number;
}

/**
 * The matrices a command needs, in the order they are drawn from the generator (SPEC section 2):
 *   encode:    x; every layer's wq, wk, wv, wo; then, as each layer runs, its w1, w2
 *   decode:    y, memory; every layer's wq, wk, wv, wo, cross_wq…cross_wo; then each w1, w2
 *   attention: q, k, v
 * For one encoder layer this is the homework's cell after np.random.seed(s):
 * input_data, Wq, Wk, Wv, Wo, then the two matrices `feed_forward` draws.
 */
export function drawOrder(command: Command, layers: number, cross: boolean): Slot[] {
  if (command === "attention") return [{ key: "q" }, { key: "k" }, { key: "v" }];
  const each = (keys: LayerKey[]): Slot[] =>
    Array.from({ length: layers }, (_, layer) => keys.map((key) => ({ key, layer }))).flat();
  const attentionKeys: LayerKey[] = ["wq", "wk", "wv", "wo"];
  if (command === "encode") return [{ key: "x" }, ...each(attentionKeys), ...each(["w1", "w2"])];
  const crossKeys: LayerKey[] = cross ? ["cross_wq", "cross_wk", "cross_wv", "cross_wo"] : [];
  return [
    { key: "y" },
    ...(cross ? [{ key: "memory" as const }] : []),
    ...each([...attentionKeys, ...crossKeys]),
    ...each(["w1", "w2"]),
  ];
}

/** How messages name a matrix: `wq` when there is one layer, `layers[1].wq` in a stack. */
export function slotName(s: Slot, layers = 1): string {
  return s.layer === undefined || layers === 1 ? s.key : `layers[${s.layer}].${s.key}`;
}

export function getSlot(inputs: Inputs, s: Slot): Matrix | undefined {
  return s.layer === undefined
    ? inputs.globals[s.key as GlobalKey]
    : inputs.layers[s.layer]?.[s.key as LayerKey];
}
