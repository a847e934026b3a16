import { relu } from "../math/activations.js";
import { matmul } from "../math/matmul.js";
import { Matrix } from "../math/matrix.js";

export interface FeedForwardTrace {
  hidden: Matrix;
  ffn: Matrix;
}

/** FFN(x) = max(0, x·W₁)·W₂ — the homework's `feed_forward`, position-wise, no biases. */
export function feedForward(x: Matrix, w1: Matrix, w2: Matrix): FeedForwardTrace {
  const hidden = relu(matmul(x, w1)); // (seq, emb)·(emb, ffn) → (seq, ffn)
  const ffn = matmul(hidden, w2); //      (seq, ffn)·(ffn, emb) → (seq, emb)
  return { hidden, ffn };
}

/** The `no-ffn` mistake: the sublayer is skipped, as if it returned zeros. */
export function noFeedForward(x: Matrix): FeedForwardTrace {
  return { hidden: new Matrix(x.rows, 0), ffn: new Matrix(x.rows, x.cols) };
}
