import { relu } from "../math/activations.js";
import { LAYER_NORM_EPS, layerNorm } from "../math/layer-norm.js";
import { matmul } from "../math/matmul.js";
import { add, divide, Matrix, map, transpose } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";
import { type AttentionParts, SCALED_DOT_PRODUCT } from "./attention.js";
import type { EncoderWiring } from "./encoder-layer.js";
import { feedForward, noFeedForward } from "./feed-forward.js";
import { causalMask } from "./mask.js";
import { addNorm, type SublayerConnection } from "./sublayer.js";

/**
 * How a layer is wired. `PAPER` is the homework's layer (and Vaswani et al.'s); every other value
 * is one of the known mistakes that `check` replays to explain a wrong answer.
 */
export interface Variant {
  /** what the scores are divided by (times-sqrt-dk: multiplied by √d_k; after-softmax: the weights are) */
  scale: "sqrt-dk" | "none" | "dk" | "sqrt-emb" | "times-sqrt-dk" | "after-softmax";
  /**
   * the axis of the softmax: each row (right), each column, the whole matrix, or by hand without
   * keepdims (exp(x) / exp(x).sum(axis=-1): row i's entries divided by row j's sums)
   */
  softmax: "rows" | "cols" | "all" | "no-keepdims";
  /** the causal mask applied in the encoder */
  causal: boolean;
  /** Wq used for the keys too */
  wqForKeys: boolean;
  /** layer_norm's variance: population (ddof 0, right) or sample (ddof 1); eps inside the root or added to it */
  norm: "post" | "pre";
  layerNorm: "right" | "ddof1" | "eps-outside";
  /** the feed-forward's ReLU: between W1 and W2 (right), missing, or after W2 */
  relu: "between" | "none" | "after";
  /** K·Qᵀ instead of Q·Kᵀ */
  kqSwapped: boolean;
  /** X + attn before the first norm */
  residualAttn: boolean;
  /** norm1 + ffn before the second norm */
  residualFfn: boolean;
  /** what the second residual adds the feed-forward to */
  residual2From: "norm1" | "input";
  /** whether the feed-forward sublayer runs at all */
  ffn: boolean;
}

export const PAPER: Variant = {
  scale: "sqrt-dk",
  softmax: "rows",
  kqSwapped: false,
  residualAttn: true,
  residualFfn: true,
  residual2From: "norm1",
  ffn: true,
  norm: "post",
  causal: false,
  wqForKeys: false,
  layerNorm: "right",
  relu: "between",
};

/**
 * The encoder a variant describes: the paper's parts, with the ones it rewires replaced. The
 * layers themselves know nothing of mistakes; this is the one place a variant is read.
 */
export function rewire(v: Variant): EncoderWiring {
  const softmax = SOFTMAXES[v.softmax];
  const masked: AttentionParts["softmax"] = v.causal
    ? (x, dk) => softmax(add(x, causalMask(x.rows, x.cols)), dk)
    : softmax;
  const norm = NORMS[v.layerNorm];
  return {
    attention: {
      scores: v.kqSwapped ? kqSwapped : SCALED_DOT_PRODUCT.scores,
      divisor: DIVISORS[v.scale],
      softmax:
        v.scale === "after-softmax" ? (x, dk) => divide(masked(x, dk), Math.sqrt(dk)) : masked,
    },
    connections: (input) => [
      connection(v.norm, v.residualAttn, undefined, norm),
      connection(v.norm, v.residualFfn, v.residual2From === "input" ? input : undefined, norm),
    ],
    feedForward: !v.ffn ? noFeedForward : FEED_FORWARDS[v.relu],
    weights: v.wqForKeys ? (w) => ({ ...w, wk: w.wq }) : undefined,
  };
}

const NORMS: Record<Variant["layerNorm"], (x: Matrix) => Matrix> = {
  right: layerNorm,
  // np.var(x, ddof=1): the sample variance, n − 1 in the denominator
  ddof1: (x) => map(layerNorm(x), (a) => a * Math.sqrt((x.cols - 1) / x.cols)),
  // (x − mean) / (√var + eps)
  "eps-outside": (x) => layerNormEpsOutside(x),
};

/** layer_norm with eps added to the standard deviation instead of under the root. */
function layerNormEpsOutside(x: Matrix): Matrix {
  const out = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    const row = x.row(i);
    const mean = row.reduce((a, b) => a + b, 0) / x.cols;
    const sd = Math.sqrt(row.reduce((a, b) => a + (b - mean) ** 2, 0) / x.cols) + LAYER_NORM_EPS;
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = (row[j] - mean) / sd;
  }
  return out;
}

const FEED_FORWARDS: Record<Variant["relu"], EncoderWiring["feedForward"]> = {
  between: feedForward,
  none: (x, w1, w2) => {
    const hidden = matmul(x, w1); // (seq, emb)·(emb, ffn) → (seq, ffn), no ReLU
    return { hidden, ffn: matmul(hidden, w2) };
  },
  after: (x, w1, w2) => {
    const hidden = matmul(x, w1); // (seq, ffn)
    return { hidden, ffn: relu(matmul(hidden, w2)) }; // ReLU after W2
  },
};

/** The `kq-swapped` mistake: K·Qᵀ, (src, dk)·(dk, seq) → (src, seq). */
const kqSwapped = (q: Matrix, k: Matrix) => matmul(k, transpose(q));

const DIVISORS: Record<Variant["scale"], AttentionParts["divisor"]> = {
  "sqrt-dk": (dk) => Math.sqrt(dk),
  none: () => 1,
  dk: (dk) => dk,
  "sqrt-emb": (_, emb) => Math.sqrt(emb),
  "times-sqrt-dk": (dk) => 1 / Math.sqrt(dk),
  "after-softmax": () => 1,
};

const SOFTMAXES: Record<Variant["softmax"], AttentionParts["softmax"]> = {
  rows: softmax,
  cols: (x) => transpose(softmax(transpose(x))),
  all: (x) => new Matrix(x.rows, x.cols, softmax(new Matrix(1, x.data.length, x.data)).data),
  "no-keepdims": softmaxNoKeepdims,
};

/**
 * np.exp(x) / np.exp(x).sum(axis=-1) for a square x: the (n,) sums broadcast along the last
 * axis, so entry (i, j) is divided by row j's sum. Kept only where it can be computed (square).
 */
function softmaxNoKeepdims(x: Matrix): Matrix {
  const e = map(x, Math.exp);
  const sums = Array.from({ length: x.rows }, (_, i) => e.row(i).reduce((a, b) => a + b, 0));
  const out = new Matrix(x.rows, x.cols);
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < x.cols; j++) out.data[i * x.cols + j] = e.data[i * x.cols + j] / sums[j];
  }
  return out;
}

/**
 * A sublayer connection as a variant wires it: the norm after the sum (post) or before the
 * sublayer (pre), with or without the residual, which adds `skip` instead of x if given.
 */
function connection(
  norm: Variant["norm"],
  residual: boolean,
  skip: Matrix | undefined,
  layerNorm: (x: Matrix) => Matrix,
): SublayerConnection {
  if (norm === "post" && residual && !skip && layerNorm === NORMS.right) return addNorm;
  return (x, sublayer) => {
    const { trace, out } = sublayer(norm === "pre" ? layerNorm(x) : x);
    const sum = residual ? add(skip ?? x, out) : out;
    return { trace, residual: sum, norm: norm === "post" ? layerNorm(sum) : sum };
  };
}
