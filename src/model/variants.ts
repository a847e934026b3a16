import { layerNorm } from "../math/layer-norm.js";
import { matmul } from "../math/matmul.js";
import { add, Matrix, transpose } from "../math/matrix.js";
import { softmax } from "../math/softmax.js";
import { type AttentionParts, SCALED_DOT_PRODUCT } from "./attention.js";
import type { EncoderWiring } from "./encoder-layer.js";
import { feedForward, noFeedForward } from "./feed-forward.js";
import { addNorm, type SublayerConnection } from "./sublayer.js";

/**
 * How a layer is wired. `PAPER` is the homework's layer (and Vaswani et al.'s); every other value
 * is one of the known mistakes that `check` replays to explain a wrong answer.
 */
export interface Variant {
  /** what the scores are divided by */
  scale: "sqrt-dk" | "none" | "dk" | "sqrt-emb";
  /** the axis of the softmax: each row (right), each column, or the whole matrix */
  softmax: "rows" | "cols" | "all";
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
  /** post-norm LayerNorm(x + f(x)) as the homework; pre-norm x + f(LayerNorm(x)) */
  norm: "post" | "pre";
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
};

/**
 * The encoder a variant describes: the paper's parts, with the ones it rewires replaced. The
 * layers themselves know nothing of mistakes; this is the one place a variant is read.
 */
export function rewire(v: Variant): EncoderWiring {
  return {
    attention: {
      scores: v.kqSwapped ? kqSwapped : SCALED_DOT_PRODUCT.scores,
      divisor: DIVISORS[v.scale],
      softmax: SOFTMAXES[v.softmax],
    },
    connections: (input) => [
      connection(v.norm, v.residualAttn),
      connection(v.norm, v.residualFfn, v.residual2From === "input" ? input : undefined),
    ],
    feedForward: v.ffn ? feedForward : noFeedForward,
  };
}

/** The `kq-swapped` mistake: K·Qᵀ, (src, dk)·(dk, seq) → (src, seq). */
const kqSwapped = (q: Matrix, k: Matrix) => matmul(k, transpose(q));

const DIVISORS: Record<Variant["scale"], AttentionParts["divisor"]> = {
  "sqrt-dk": (dk) => Math.sqrt(dk),
  none: () => 1,
  dk: (dk) => dk,
  "sqrt-emb": (_, emb) => Math.sqrt(emb),
};

const SOFTMAXES: Record<Variant["softmax"], AttentionParts["softmax"]> = {
  rows: softmax,
  cols: (x) => transpose(softmax(transpose(x))),
  all: (x) => new Matrix(x.rows, x.cols, softmax(new Matrix(1, x.data.length, x.data)).data),
};

/**
 * A sublayer connection as a variant wires it: the norm after the sum (post) or before the
 * sublayer (pre), with or without the residual, which adds `skip` instead of x if given.
 */
function connection(norm: Variant["norm"], residual: boolean, skip?: Matrix): SublayerConnection {
  if (norm === "post" && residual && !skip) return addNorm;
  return (x, sublayer) => {
    const { trace, out } = sublayer(norm === "pre" ? layerNorm(x) : x);
    const sum = residual ? add(skip ?? x, out) : out;
    return { trace, residual: sum, norm: norm === "post" ? layerNorm(sum) : sum };
  };
}
