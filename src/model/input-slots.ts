import type { Matrix } from "../math/matrix.js";
import type { Computation } from "./dims.js";
import type { Axis, GlobalKey, LayerKey } from "./trace/steps.js";
import { GLOBAL_INPUTS, LAYER_INPUTS, TraceTable } from "./trace/table.js";

export type { Computation } from "./dims.js";
export { type Axis, axisSize, type GlobalKey, type LayerKey } from "./trace/steps.js";

export type InputKey = GlobalKey | LayerKey;

/** Matrices that belong to the whole run, and matrices every layer has its own of (the table's). */
export const GLOBAL_KEYS = GLOBAL_INPUTS as readonly GlobalKey[];
export const LAYER_KEYS = LAYER_INPUTS as readonly LayerKey[];

/** What a run reads: a few whole-run matrices and each layer's weights. */
export interface Inputs {
  globals: Partial<Record<GlobalKey, Matrix>>;
  layers: Partial<Record<LayerKey, Matrix>>[];
}

export const NO_INPUTS: Inputs = Object.freeze({ globals: {}, layers: [] }) as Inputs;

/** One matrix of a run: a whole-run key, or a layer's key with the layer's index. */
export interface Slot {
  key: InputKey;
  layer?: number;
}

/** A config whose sizes do not matter: only which inputs there are is asked of it. */
const names = (computation: Computation, layers: number, cross: boolean) =>
  new TraceTable({
    computation,
    layers,
    cross,
    causal: false,
    seq: 1,
    emb: 1,
    dmodel: 1,
    heads: 1,
    ffn: 1,
    src: 1,
  });

/** The shape of every input matrix, in axes (SPEC section 1), as the trace table gives it. */
export const SHAPES = Object.fromEntries(
  (["encode", "decode", "attention"] as const)
    .flatMap((c) => names(c, 1, true).inputs())
    .map((s) => [s.name, s.shape]),
) as Record<InputKey, readonly [Axis, Axis]>;

/** The matrices a computation needs, in the order they are drawn (the trace table's inputs). */
export function drawOrder(computation: Computation, layers: number, cross: boolean): Slot[] {
  return names(computation, layers, cross)
    .inputs()
    .map((s) => ({ key: s.name as InputKey, layer: s.layer }));
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
