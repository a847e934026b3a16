import { matmul, matmulTransposed } from "../math/matmul.js";
import { add, divide, type Matrix } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";

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

/** The three parts of attention that check's known mistakes get wrong (model/variants.ts). */
export interface AttentionParts {
  /** Q·Kᵀ */
  scores(q: Matrix, k: Matrix): Matrix;
  /** √d_k */
  divisor(dk: number, emb: number): number;
  /** over each row (d_k: for the `scale-after-softmax` mistake) */
  softmax(x: Matrix, dk: number): Matrix;
}

/** The paper's. */
export const SCALED_DOT_PRODUCT: AttentionParts = {
  scores: (q, k) => matmulTransposed(q, k), // (seq, dk)·(src, dk)ᵀ → (seq, src)
  divisor: (dk) => Math.sqrt(dk),
  softmax,
};

export interface AttentionOptions {
  /** added to the scaled scores before the softmax: 0 to keep, −∞ to hide */
  mask?: Matrix;
  /** the embedding length (what the `scale-by-emb` mistake divides by) */
  emb?: number;
  parts?: AttentionParts;
}

/**
 * Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V — Vaswani et al. (2017), eq. 1; the homework's
 * `self_attention(X, query, key, value)`.
 */
export function attention(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  { mask, emb = q.cols, parts = SCALED_DOT_PRODUCT }: AttentionOptions = {},
): AttentionTrace {
  const scores = parts.scores(q, k); //                        Q·Kᵀ: (seq, src)
  const scaled = divide(scores, parts.divisor(k.cols, emb)); // scores / √d_k
  const masked = mask ? add(scaled, mask) : undefined; //      −∞ where hidden
  const weights = parts.softmax(masked ?? scaled, k.cols); //          each row sums to 1
  const z = matmul(weights, v); //                             (seq, src)·(src, dv) → (seq, dv)
  return { q, k, v, scores, scaled, mask, masked, weights, z };
}
