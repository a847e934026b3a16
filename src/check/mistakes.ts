import type { Computation, ModelConfig } from "../model/dims.js";
import type { Variant } from "../model/variants.js";

/** A known mistake: how it rewires the layer, and what to tell the student. */
export interface Mistake {
  id: string;
  variant: Partial<Variant>;
  /** the commands whose computation it can explain */
  applies: readonly Computation[];
  /** whether it can be computed at all for these dimensions (every mistake can, unless it says) */
  fits?: (c: ModelConfig) => boolean;
  message: string;
  fix: string;
  /** within tolerance of the right answer: said in a note on a correct answer, never a failure */
  accepted?: boolean;
  /** it draws more from the seed's stream than the homework (check draws them before a replay) */
  draws?: boolean;
}

/** attention's own mistakes: in Question 1, in the encoder, and in both of the decoder's attentions */
const ATTENTION: readonly Computation[] = ["encode", "attention", "decode"];
const LAYER: readonly Computation[] = ["encode"];
const DECODER: readonly Computation[] = ["decode"];

/** SPEC section 4's catalogue, in the order of the layer. */
export const MISTAKES: readonly Mistake[] = [
  {
    id: "kq-swapped",
    variant: { kqSwapped: true },
    applies: ATTENTION,
    // K·Qᵀ is src × seq: it stands where Q·Kᵀ did only when there are as many keys as queries
    fits: (d) => d.seq === d.src,
    message: "the scores are K·Qᵀ instead of Q·Kᵀ, so the attention matrix is transposed",
    fix: "scores = matmul(query, key.T)",
  },
  {
    id: "no-scale",
    variant: { scale: "none" },
    applies: ATTENTION,
    message: "the scores are not divided by √d_k",
    fix: "scores = matmul(query, key.T) / np.sqrt(key.shape[-1])",
  },
  {
    id: "scale-by-dk",
    variant: { scale: "dk" },
    applies: ATTENTION,
    message: "the scores are divided by d_k instead of √d_k",
    fix: "divide by np.sqrt(d_k), not d_k",
  },
  {
    id: "scale-by-emb",
    variant: { scale: "sqrt-emb" },
    applies: LAYER,
    message:
      "the scores are divided by √emb (the embedding length) instead of √d_k (the width of a key)",
    fix: "d_k = key.shape[-1] (model_dimension), not x.shape[-1]",
  },
  {
    id: "times-sqrt-dk",
    variant: { scale: "times-sqrt-dk" },
    applies: ATTENTION,
    message: "the scores are multiplied by √d_k instead of divided by it",
    fix: "scores = matmul(query, key.T) / np.sqrt(d_k)",
  },
  {
    id: "scale-after-softmax",
    variant: { scale: "after-softmax" },
    applies: ATTENTION,
    message:
      "the division by √d_k comes after the softmax (the weights are scaled, not the scores)",
    fix: "weights = softmax(matmul(query, key.T) / np.sqrt(d_k), axis=-1)",
  },
  {
    id: "causal-in-encoder",
    variant: { causal: true },
    applies: LAYER,
    message:
      "the causal mask is applied in the encoder: only the decoder's self-attention hides later positions",
    fix: "no mask in the encoder: weights = softmax(scores, axis=-1)",
  },
  {
    id: "wq-for-keys",
    variant: { wqForKeys: true },
    applies: LAYER,
    message: "the keys are computed with Wq (K = x·Wq): Wk is never used",
    fix: "K = matmul(x, Wk)",
  },
  {
    id: "softmax-no-keepdims",
    variant: { softmax: "no-keepdims" },
    applies: ATTENTION,
    fits: (d) => d.seq === d.src,
    message:
      "a softmax by hand without keepdims: np.exp(x) / np.exp(x).sum(axis=-1) divides entry (i, j) by row j's sum",
    fix: "np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True), or scipy.special.softmax(x, axis=-1)",
  },
  {
    id: "softmax-all",
    variant: { softmax: "all" },
    applies: ATTENTION,
    message: "the softmax runs over the whole matrix: scipy.special.softmax's default is axis=None",
    fix: "softmax(scores, axis=-1): each row (one query) sums to 1",
  },
  {
    id: "softmax-cols",
    variant: { softmax: "cols" },
    applies: ATTENTION,
    message: "the softmax runs over each column (axis=0) instead of each row",
    fix: "softmax(scores, axis=-1): each row (one query's weights over the keys) sums to 1",
  },
  {
    id: "no-residual-attn",
    variant: { residualAttn: false },
    applies: LAYER,
    message:
      "the first add & norm has no residual: layer_norm(attn) instead of layer_norm(x + attn)",
    fix: "x = layer_norm(x + matmul(z, Wo))",
  },
  {
    id: "no-residual-ffn",
    variant: { residualFfn: false },
    applies: LAYER,
    message:
      "the second add & norm has no residual: layer_norm(ffn) instead of layer_norm(norm1 + ffn)",
    fix: "x = layer_norm(x + feed_forward(x))",
  },
  {
    id: "residual-from-input",
    variant: { residual2From: "input" },
    applies: LAYER,
    message:
      "the second residual adds the layer's input X instead of norm1 (the first sublayer's output)",
    fix: "reassign x = layer_norm(x + attn) first, then x = layer_norm(x + feed_forward(x))",
  },
  {
    id: "no-ffn",
    variant: { ffn: false },
    applies: LAYER,
    message: "the feed-forward sublayer is missing",
    fix: "after the first add & norm: x = layer_norm(x + feed_forward(x))",
  },
  {
    id: "ddof1",
    variant: { layerNorm: "ddof1" },
    applies: LAYER,
    message:
      "layer_norm uses the sample variance (ddof=1); the homework's is np.var's default, ddof=0",
    fix: "np.var(x, axis=-1, keepdims=True) — no ddof",
  },
  {
    id: "eps-outside-sqrt",
    variant: { layerNorm: "eps-outside" },
    applies: LAYER,
    accepted: true,
    message:
      "layer_norm adds eps to the standard deviation, not under the root: accepted, it differs by ~1e-9",
    fix: "np.sqrt(np.var(x, axis=-1, keepdims=True) + 1e-8)",
  },
  {
    id: "no-relu",
    variant: { relu: "none" },
    applies: LAYER,
    message: "the feed-forward has no ReLU between W1 and W2",
    fix: "np.maximum(0, matmul(x, W1)) before W2",
  },
  {
    id: "relu-after-w2",
    variant: { relu: "after" },
    applies: LAYER,
    message: "the ReLU comes after W2 instead of between W1 and W2",
    fix: "matmul(np.maximum(0, matmul(x, W1)), W2)",
  },
  {
    id: "ffn-biases",
    variant: { ffnBiases: true },
    applies: ["encode", "decode"],
    draws: true,
    // its draws are laid out for one layer: W1, b1, W2, b2 after Wo
    fits: (c) => c.layers === 1,
    message:
      "the feed-forward adds biases, max(0, x·W1 + b1)·W2 + b2, each drawn with np.random.randn right after its W: the homework's feed_forward has none, and b1's draws shift W2",
    fix: "return matmul(np.maximum(0, matmul(x, W1)), W2) — no b1, b2, and no draws for them",
  },
  {
    id: "pre-norm",
    variant: { norm: "pre" },
    applies: LAYER,
    message:
      "layer_norm comes before each sublayer and not after (pre-norm); the homework's layer is post-norm",
    fix: "x = layer_norm(x + sublayer(x)) for both sublayers",
  },
  {
    id: "no-mask",
    variant: { decoderMask: "none" },
    applies: DECODER,
    message:
      "the decoder's self-attention has no causal mask: each position also attends to the later ones",
    fix: "scores = scores + np.triu(np.full((n, n), -np.inf), k=1), before the softmax",
  },
  {
    id: "mask-reversed",
    variant: { decoderMask: "future" },
    applies: DECODER,
    message:
      "the causal mask hides the past instead of the future (np.tril for np.triu): position i attends to the keys j ≥ i",
    fix: "mask = np.triu(np.full((n, n), -np.inf), k=1): −∞ above the diagonal, the keys j > i",
  },
  {
    id: "mask-after-softmax",
    variant: { decoderMask: "after-softmax" },
    applies: DECODER,
    message:
      "the mask is applied after the softmax: the later positions' weights are zeroed, so the rows no longer sum to 1",
    fix: "softmax(scores + mask, axis=-1), with mask = np.triu(np.full((n, n), -np.inf), k=1)",
  },
  {
    id: "mask-ones-hidden",
    variant: { decoderMask: "ones-hidden" },
    applies: DECODER,
    message:
      "the mask is added as 0/1 (np.triu(np.ones((n, n)), k=1)) instead of 0/−∞: the later positions' scores gain 1 and nothing is hidden",
    fix: "mask = np.triu(np.full((n, n), -np.inf), k=1), or np.where(mask == 1, -np.inf, scores)",
  },
  {
    id: "mask-ones-visible",
    variant: { decoderMask: "ones-visible" },
    applies: DECODER,
    message:
      "a keep-mask (np.tril(np.ones((n, n))), 1 where visible) is added to the scores instead of 0/−∞: the visible scores gain 1 and nothing is hidden",
    fix: "scores = np.where(np.tril(np.ones((n, n))) == 1, scores, -np.inf)",
  },
  {
    id: "cross-kv-from-decoder",
    variant: { crossSources: "kv-from-decoder" },
    applies: DECODER,
    fits: (c) => c.cross,
    message:
      "the cross-attention's keys and values come from the decoder, not the encoder's memory: it is a second self-attention",
    fix: "Q = matmul(y, Wq2); K = matmul(memory, Wk2); V = matmul(memory, Wv2)",
  },
  {
    id: "cross-q-from-memory",
    variant: { crossSources: "q-from-memory" },
    applies: DECODER,
    // memory·Wq2 has src rows: it adds to the decoder's seq rows only when they are as many
    fits: (c) => c.cross && c.seq === c.src,
    message:
      "the cross-attention's queries come from the memory and its keys and values from the decoder: the two are swapped",
    fix: "Q = matmul(y, Wq2) from the decoder; K, V = matmul(memory, Wk2), matmul(memory, Wv2)",
  },
  {
    id: "no-add-norm3",
    variant: { addNorm3: false },
    applies: DECODER,
    message:
      "the decoder's last add & norm (the third, around the feed-forward) is missing: the output is feed_forward(y)",
    fix: "return layer_norm(y + feed_forward(y))",
  },
];
