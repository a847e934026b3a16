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
