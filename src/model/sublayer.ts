import { layerNorm } from "../math/layer-norm.js";
import { add, type Matrix } from "../math/matrix.js";

/** What a sublayer gives back: its own intermediates, and its output (attn, ffn). */
export interface SublayerOutput<T> {
  trace: T;
  out: Matrix;
}

/** A sublayer with its connection: its intermediates, x + Sublayer(x), and the norm of that. */
export interface Connected<T> {
  trace: T;
  residual: Matrix;
  norm: Matrix;
}

/** How a sublayer is wired into the layer: residual connection and layer norm. */
export type SublayerConnection = <T>(
  x: Matrix,
  sublayer: (x: Matrix) => SublayerOutput<T>,
) => Connected<T>;

/**
 * Add & norm, post-norm as in the homework and the paper: LayerNorm(x + Sublayer(x)) —
 * annotated-transformer's SublayerConnection.
 */
export const addNorm: SublayerConnection = (x, sublayer) => {
  const { trace, out } = sublayer(x);
  const residual = add(x, out); // x + Sublayer(x)
  return { trace, residual, norm: layerNorm(residual) };
};
