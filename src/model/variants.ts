import { relu } from "../math/activations.js";
import { LAYER_NORM_EPS, layerNorm } from "../math/layer-norm.js";
import { matmul } from "../math/matmul.js";
import { add, divide, Matrix, map, transpose } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";
import { type AttentionParts, SCALED_DOT_PRODUCT } from "./attention.js";
import { type DecoderWiring, PAPER_DECODER } from "./decoder-layer.js";
import type { EncoderWiring } from "./encoder-layer.js";
import { type FeedForwardTrace, feedForward, noFeedForward } from "./feed-forward.js";
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
  /**
   * the feed-forward adds biases, each drawn right after its weight (W1, b1, W2, b2: the paper's
   * FFN); the draws they take shift W2, so check draws them (`drawnBiases`) before a replay
   */
  ffnBiases: boolean;
  /** the feed-forward's weights and biases as such a stream lays them out (one layer) */
  drawnBiases?: FfnBiases;
  /**
   * the decoder's self-attention mask: added before the softmax (right), missing, hiding the
   * past instead of the future (tril for triu), zeroing the weights after the softmax, or a 0/1
   * mask added as it is (1 on the hidden keys, or 1 on the visible ones) instead of −∞
   */
  decoderMask: "causal" | "none" | "future" | "after-softmax" | "ones-hidden" | "ones-visible";
  /**
   * the decoder's cross-attention: queries from the decoder, keys and values from the memory
   * (right); all three from the decoder; or the two swapped (queries from the memory)
   */
  crossSources: "right" | "kv-from-decoder" | "q-from-memory";
  /** the decoder's add & norm around the feed-forward: without it, the output is FFN(norm2) */
  addNorm3: boolean;
}

/** W1 (emb, ffn), b1 (1, ffn), W2 (ffn, emb), b2 (1, emb). */
export interface FfnBiases {
  w1: Matrix;
  b1: Matrix;
  w2: Matrix;
  b2: Matrix;
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
  ffnBiases: false,
  decoderMask: "causal",
  crossSources: "right",
  addNorm3: true,
};

/**
 * The encoder a variant describes: the paper's parts, with the ones it rewires replaced. The
 * layers themselves know nothing of mistakes; this is the one place a variant is read.
 */
export function rewire(v: Variant): EncoderWiring {
  const norm = NORMS[v.layerNorm];
  const biases = v.ffnBiases ? drawn(v) : undefined;
  return {
    attention: attentionParts(v, v.causal ? "causal" : "none"),
    connections: (input) => [
      connection(v.norm, v.residualAttn, undefined, norm),
      connection(v.norm, v.residualFfn, v.residual2From === "input" ? input : undefined, norm),
    ],
    feedForward: !v.ffn
      ? noFeedForward
      : biases
        ? biasedFeedForward(biases)
        : FEED_FORWARDS[v.relu],
    weights: v.wqForKeys ? (w) => ({ ...w, wk: w.wq }) : undefined,
  };
}

/** The decoder a variant describes: its mask, its cross-attention's sources, its last add & norm. */
export function rewireDecoder(v: Variant): DecoderWiring {
  const right = v.decoderMask === "causal";
  return {
    // the right mask is the layer's own (its `masked` step kept); a wrong one is in the softmax
    self: { parts: attentionParts(v, right ? "none" : v.decoderMask), causal: right },
    // a student's one attention function serves both: its mistakes are in the cross-attention too
    crossParts: attentionParts(v, "none"),
    crossSources: CROSS_SOURCES[v.crossSources],
    ffnConnection: v.addNorm3 ? addNorm : withoutAddNorm,
    feedForward: v.ffnBiases ? biasedFeedForward(drawn(v)) : FEED_FORWARDS[v.relu],
  };
}

/** Q·Kᵀ, the divisor and the softmax as a variant has them, with a mask (or a wrong one) in it. */
function attentionParts(v: Variant, mask: Variant["decoderMask"]): AttentionParts {
  const softmax = SOFTMAXES[v.softmax];
  const masked = MASKED[mask](softmax);
  return {
    scores: v.kqSwapped ? kqSwapped : SCALED_DOT_PRODUCT.scores,
    divisor: DIVISORS[v.scale],
    softmax: v.scale === "after-softmax" ? (x, dk) => divide(masked(x, dk), Math.sqrt(dk)) : masked,
  };
}

type Softmax = AttentionParts["softmax"];

/** Each way a mask is put into the softmax of the (seq, seq) scaled scores. */
const MASKED: Record<Variant["decoderMask"], (softmax: Softmax) => Softmax> = {
  causal: (s) => (x, dk) => s(add(x, causalMask(x.rows, x.cols)), dk),
  none: (s) => s,
  // np.tril(np.full((n, n), -np.inf), k=-1): query i sees keys j ≥ i, the future
  future: (s) => (x, dk) => s(add(x, transpose(causalMask(x.cols, x.rows))), dk),
  // softmax(x) * np.tril(np.ones((n, n))): the hidden weights zeroed, the rows no longer sum to 1
  "after-softmax": (s) => (x, dk) => map2(s(x, dk), (a, i, j) => (j > i ? 0 : a)),
  // x + np.triu(np.ones((n, n)), k=1): 1 added to the hidden scores, nothing hidden
  "ones-hidden": (s) => (x, dk) =>
    s(
      plusOne(x, (i, j) => j > i),
      dk,
    ),
  // x + np.tril(np.ones((n, n))): 1 added to the visible scores (a keep-mask added as it is)
  "ones-visible": (s) => (x, dk) =>
    s(
      plusOne(x, (i, j) => j <= i),
      dk,
    ),
};

/** x + a 0/1 mask: 1 added to entry (i, j) where `where(i, j)`. */
const plusOne = (x: Matrix, where: (i: number, j: number) => boolean) =>
  map2(x, (a, i, j) => (where(i, j) ? a + 1 : a));

/** Entry (i, j) of `a` rewritten by `f`. */
function map2(a: Matrix, f: (v: number, i: number, j: number) => number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[i * a.cols + j] = f(a.data[i * a.cols + j], i, j);
  }
  return out;
}

const CROSS_SOURCES: Record<Variant["crossSources"], DecoderWiring["crossSources"]> = {
  right: PAPER_DECODER.crossSources,
  // K, V = norm1·Wk2, norm1·Wv2: self-attention again with the cross weights, the memory unused
  "kv-from-decoder": (decoder) => ({ xq: decoder, xkv: decoder }),
  // the arguments swapped: Q = memory·Wq2, K, V = norm1·Wk2, norm1·Wv2 ((src, emb) out)
  "q-from-memory": (decoder, memory) => ({ xq: memory, xkv: decoder }),
};

/** The `no-add-norm3` mistake: the sublayer's output is the layer's, no residual and no norm. */
const withoutAddNorm: SublayerConnection = (x, sublayer) => {
  const { trace, out } = sublayer(x);
  return { trace, residual: out, norm: out };
};

function drawn(v: Variant): FfnBiases {
  if (!v.drawnBiases) throw new RangeError("rewire: ffnBiases needs drawnBiases");
  return v.drawnBiases;
}

/**
 * max(0, x·W1 + b1)·W2 + b2: the paper's FFN, with its biases broadcast over the rows, and its
 * W1, W2 as the biases' draws laid them out (not the layer's).
 */
function biasedFeedForward({ w1, b1, w2, b2 }: FfnBiases): EncoderWiring["feedForward"] {
  return (x): FeedForwardTrace => {
    const hidden = relu(addRow(matmul(x, w1), b1)); // (seq, emb)·(emb, ffn) + (1, ffn) → (seq, ffn)
    return { hidden, ffn: addRow(matmul(hidden, w2), b2) }; // (seq, ffn)·(ffn, emb) + (1, emb)
  };
}

/** a + b with b's one row added to every row of a, as numpy broadcasts (n, m) + (m,). */
function addRow(a: Matrix, b: Matrix): Matrix {
  return map2(a, (v, _, j) => v + b.data[j]);
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
