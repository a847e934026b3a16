/** The dimensions of a run. Defaults are the homework's cell: seq 4, emb 8, d_k 3, one head. */
export interface Dims {
  /** sequence length: rows of x (encoder) or y (decoder), and of q in `attention` */
  seq: number;
  /** embedding length: columns of x, y and memory */
  emb: number;
  /** d_k, the width of one attention head (the homework's `model_dimension`) */
  dmodel: number;
  /** attention heads; wq, wk, wv are emb × heads·dmodel */
  heads: number;
  /** stacked layers, each with its own weights */
  layers: number;
  /** inner width of the feed-forward; 4·emb unless given */
  ffn: number;
  /** rows of the decoder's memory (the encoder output) and of k, v in `attention`; seq unless given */
  src: number;
}

/** The homework's cell. What no flag or matrix fixes takes these; ffn is 4·emb and src is seq. */
export const DEFAULT_DIMS: Dims = {
  seq: 4,
  emb: 8,
  dmodel: 3,
  heads: 1,
  layers: 1,
  ffn: 32,
  src: 4,
};

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
