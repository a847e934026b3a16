import { matmul } from "../math/matmul.js";
import { add, divide, Matrix, transpose } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";
import { PAPER, type Variant } from "./config.js";

/** Every intermediate of one head's scaled dot-product attention. */
export interface AttentionTrace {
  q: Matrix;
  k: Matrix;
  v: Matrix;
  scores: Matrix;
  scaled: Matrix;
  /** the mask that was added, if any: 0 where visible, −∞ where hidden */
  mask?: Matrix;
  /** scaled + mask (−∞ where hidden); present only when a mask was applied */
  masked?: Matrix;
  weights: Matrix;
  z: Matrix;
}

export interface AttentionOptions {
  /** added to the scaled scores before the softmax: 0 to keep, −∞ to hide */
  mask?: Matrix;
  /** for the `scale-by-emb` mistake: the embedding length */
  emb?: number;
  variant?: Variant;
}

/**
 * Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V — Vaswani et al. (2017), eq. 1; the homework's
 * `self_attention(X, query, key, value)`.
 */
export function attention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  { mask, emb = q.cols, variant = PAPER }: AttentionOptions = {},
): AttentionTrace {
  const dk = k.cols;
  const scores = variant.kqSwapped
    ? matmul(k, transpose(q)) //    (src, dk)·(dk, seq) → (src, seq)
    : matmul(q, transpose(k)); //   (seq, dk)·(dk, src) → (seq, src)
  const scaled = divide(scores, scaleDivisor(variant, dk, emb)); // scores / √d_k
  const masked = mask ? add(scaled, mask) : undefined; //           −∞ where hidden
  const weights = softmaxAlong(variant.softmax, masked ?? scaled); // each row sums to 1
  const z = matmul(weights, v); //                                  (seq, src)·(src, dv) → (seq, dv)
  return { q, k, v, scores, scaled, mask, masked, weights, z };
}

function scaleDivisor(variant: Variant, dk: number, emb: number): number {
  switch (variant.scale) {
    case "sqrt-dk":
      return Math.sqrt(dk);
    case "none":
      return 1;
    case "dk":
      return dk;
    case "sqrt-emb":
      return Math.sqrt(emb);
  }
}

function softmaxAlong(axis: Variant["softmax"], x: Matrix): Matrix {
  switch (axis) {
    case "rows":
      return softmax(x);
    case "cols":
      return transpose(softmax(transpose(x)));
    case "all": {
      const flat = softmax(new Matrix(1, x.data.length, x.data));
      return new Matrix(x.rows, x.cols, flat.data);
    }
  }
}
