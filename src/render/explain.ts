import type { ChalkInstance } from "chalk";
import type { Dims } from "../model/dims.js";
import { productShapeText, shapeText } from "./shape.js";

export const TOPICS = ["encoder", "decoder", "attention"] as const;
export type Topic = (typeof TOPICS)[number];

/**
 * A walk through one of the three pieces, step by step: what is computed, its formula, the shape
 * it has for these dimensions, and why. `explain decoder` answers the homework's Question 3.
 */
export function explainText(topic: Topic, d: Dims, paint: ChalkInstance): string {
  const w = new Writer(paint);
  if (topic === "attention") attention(w, d);
  else if (topic === "encoder") encoder(w, d);
  else decoder(w, d);
  return w.text();
}

class Writer {
  private readonly lines: string[] = [];
  private n = 0;
  constructor(readonly paint: ChalkInstance) {}

  title(t: string, sub: string): void {
    this.lines.push(this.paint.bold(t), this.paint.dim(sub), "");
  }

  heading(t: string): void {
    this.n = 0;
    if (this.lines.at(-1) !== "") this.lines.push("");
    this.lines.push(this.paint.bold.underline(t), "");
  }

  /** A numbered step: its formula with the shape it takes here, then a few words of why. */
  step(formula: string, shape: string, ...why: string[]): void {
    this.n++;
    this.lines.push(
      `${String(this.n).padStart(2)}. ${this.paint.bold(formula)}   ${this.paint.cyan(shape)}`,
    );
    for (const line of why) this.lines.push(`    ${line}`);
    this.lines.push("");
  }

  para(...text: string[]): void {
    this.lines.push(...text, "");
  }

  code(...text: string[]): void {
    this.lines.push(...text.map((t) => (t ? `    ${this.paint.green(t)}` : "")), "");
  }

  text(): string {
    return `${this.lines.join("\n").trimEnd()}\n`;
  }
}

function attentionSteps(w: Writer, d: Dims, rows: number, keys: number, masked: boolean): void {
  const { dmodel: dk } = d;
  w.step(
    "scores = Q·Kᵀ",
    productShapeText([rows, dk], [dk, keys], [rows, keys]),
    "Entry (i, j) is the dot product of query i with key j: how well position j",
    "matches what position i is looking for.",
  );
  w.step(
    "scaled = scores / √d_k",
    `${shapeText(rows, keys)}, √${dk} = ${Math.sqrt(dk).toFixed(4)}`,
    "A dot product of d_k terms grows like √d_k; dividing keeps the scores near unit",
    "scale so the softmax does not saturate into a near one-hot (and near-zero gradients).",
  );
  if (masked) {
    w.step(
      "masked = scaled + mask",
      shapeText(rows, keys),
      "mask[i][j] = 0 when j ≤ i and −∞ when j > i (the causal mask).",
      "exp(−∞) = 0, so after the softmax the hidden positions get weight exactly 0.",
    );
  }
  w.step(
    `weights = softmax(${masked ? "masked" : "scaled"})  over each row`,
    shapeText(rows, keys),
    "Each row becomes non-negative weights that sum to 1: how much query i attends",
    "to each key. (Over each row — axis=-1 — not over the whole matrix or the columns.)",
  );
  w.step(
    "z = weights·V",
    productShapeText([rows, keys], [keys, dk], [rows, dk]),
    "Each output row is a weighted average of the value vectors.",
  );
}

function attention(w: Writer, d: Dims): void {
  w.title(
    "Scaled dot-product attention — the homework's Question 1",
    `seq ${d.seq} queries, src ${d.src} keys and values, d_k = dmodel = ${d.dmodel}`,
  );
  w.para(
    "self_attention(X, query, key, value) receives Q, K and V already computed",
    `(Q = X·Wq and so on), Q of ${shapeText(d.seq, d.dmodel)}, K and V of ${shapeText(d.src, d.dmodel)}:`,
    "",
    "    Attention(Q, K, V) = softmax(Q·Kᵀ / √d_k) · V",
  );
  attentionSteps(w, d, d.seq, d.src, false);
  w.para("In numpy:");
  w.code(
    "d_k = key.shape[-1]",
    "weights = softmax(matmul(query, key.T) / np.sqrt(d_k), axis=-1)",
    "output = matmul(weights, value)",
  );
  w.para(
    "Try it: transformer-lab attention --seq " +
      d.seq +
      " --dmodel " +
      d.dmodel +
      "   (add --causal for the decoder's mask)",
  );
}

function encoder(w: Writer, d: Dims): void {
  const { seq, emb, dmodel, heads, ffn } = d;
  const hd = heads * dmodel;
  w.title(
    "One encoder layer — the homework's Question 2",
    `seq ${seq}, emb ${emb}, dmodel ${dmodel}, heads ${heads}, ffn ${ffn}; post-norm, no biases`,
  );
  w.heading("Sublayer 1: multi-head self-attention, then add & norm");
  w.step(
    "X",
    shapeText(seq, emb),
    "One row per position: the token's embedding (the real model adds positional",
    "encodings first; the homework does not).",
  );
  w.step(
    "Q = X·Wq,  K = X·Wk,  V = X·Wv",
    `${productShapeText([seq, emb], [emb, hd], [seq, hd])} each`,
    "Learned projections (random here). Every position asks (Q), offers (K) and",
    "carries (V) something. With several heads, head h uses columns h·d_k … (h+1)·d_k − 1.",
  );
  w.para(
    heads > 1
      ? `For each of the ${heads} heads, on its ${shapeText(seq, dmodel)} slices:`
      : "Then attention:",
  );
  attentionSteps(w, d, seq, seq, false);
  if (heads > 1) {
    w.step(
      "concat = [z₁ | … | z_h]",
      shapeText(seq, hd),
      "The heads side by side: each may have attended to something different.",
    );
  }
  w.step(
    `attn = ${heads > 1 ? "concat" : "z"}·Wo`,
    productShapeText([seq, hd], [hd, emb], [seq, emb]),
    "Back to the embedding width, so it can be added to X. (Wo is needed even with",
    "one head: d_k is not emb.)",
  );
  w.step(
    "norm1 = layer_norm(X + attn)",
    shapeText(seq, emb),
    "The residual connection keeps the input (and its gradient) flowing; layer_norm",
    "makes each row mean 0 and variance 1: (x − mean) / √(var + 1e-8).",
  );
  w.heading("Sublayer 2: position-wise feed-forward, then add & norm");
  w.step(
    "hidden = relu(norm1·W1)",
    productShapeText([seq, emb], [emb, ffn], [seq, ffn]),
    "The same two-layer network applied to every position on its own.",
  );
  w.step("ffn = hidden·W2", productShapeText([seq, ffn], [ffn, emb], [seq, emb]));
  w.step(
    "output = layer_norm(norm1 + ffn)",
    shapeText(seq, emb),
    "Note: the residual adds norm1 (this sublayer's input), not X.",
    `The output has the input's shape, ${shapeText(seq, emb)}, so layers stack.`,
  );
  w.para(
    "Try it: transformer-lab encode --rng numpy --seed 0   (the cell after np.random.seed(0))",
  );
}

function decoder(w: Writer, d: Dims): void {
  const { seq, src, emb, dmodel, heads, ffn } = d;
  const hd = heads * dmodel;
  w.title(
    "How a decoder layer differs from the encoder layer — the homework's Question 3",
    `decoder seq ${seq}, encoder memory src ${src}, emb ${emb}, dmodel ${dmodel}, heads ${heads}, ffn ${ffn}`,
  );
  w.para(
    "In short: (1) its self-attention is masked so a position cannot see later ones;",
    "(2) it has a second attention sublayer, encoder-decoder (cross) attention, whose",
    "queries come from the decoder and whose keys and values come from the encoder's",
    "output; (3) so it has three add & norm sublayers, not two; and (4) the stack ends in",
    "a linear layer and a softmax over the vocabulary that predict the next token.",
  );
  w.heading("1. Masked (causal) self-attention, then add & norm");
  w.step(
    "Q, K, V = Y·Wq, Y·Wk, Y·Wv",
    productShapeText([seq, emb], [emb, hd], [seq, hd]),
    "Y is the target sequence so far (shifted right by one: it starts with a start",
    "token), embedded, with positional encodings.",
  );
  w.step(
    "masked = Q·Kᵀ/√d_k + mask,  mask[i][j] = −∞ if j > i else 0",
    shapeText(seq, seq),
    "Why: in training the whole target sentence is fed at once and every position is",
    "computed in parallel (teacher forcing). Position i must predict token i+1 from",
    "tokens ≤ i only; without the mask it could simply look at the answer. −∞ before",
    "the softmax gives those positions weight exactly 0, so training sees what",
    "generation will see, where tokens are produced one at a time.",
  );
  w.step(
    "norm1 = layer_norm(Y + softmax(masked)·V·Wo)",
    shapeText(seq, emb),
    "The rest is as in the encoder.",
  );
  w.heading("2. Encoder-decoder (cross) attention, then add & norm — new");
  w.step(
    "Q = norm1·cross_Wq",
    productShapeText([seq, emb], [emb, hd], [seq, hd]),
    "Queries come from the decoder: what does each target position need?",
  );
  w.step(
    "K = memory·cross_Wk,  V = memory·cross_Wv",
    productShapeText([src, emb], [emb, hd], [src, hd]),
    "Keys and values come from the encoder's output (the memory), the same memory for",
    "every decoder layer: this is how the source sentence reaches the decoder.",
  );
  w.step(
    "weights = softmax(Q·Kᵀ/√d_k)",
    shapeText(seq, src),
    "One row per target position, one column per source position; not masked: the",
    "whole source is known. (seq and src may differ.)",
  );
  w.step(
    "norm2 = layer_norm(norm1 + weights·V·cross_Wo)",
    shapeText(seq, emb),
    "Its own weights, its own add & norm.",
  );
  w.heading("3. Feed-forward, then add & norm");
  w.step(
    "output = layer_norm(norm2 + relu(norm2·W1)·W2)",
    `${shapeText(seq, emb)}  (hidden ${shapeText(seq, ffn)})`,
    "As in the encoder. Three sublayers, each followed by add & norm, instead of two.",
  );
  w.heading("4. On top of the decoder stack");
  w.step(
    "logits = output·W_vocab,  p = softmax(logits)",
    productShapeText([seq, emb], [emb, "vocab"], [seq, "vocab"]),
    "A final linear layer and a softmax over the vocabulary: row i is the",
    "probability of each word being token i+1. At inference the decoder runs once per",
    "new token, appending its choice to Y (autoregressive generation).",
  );
  w.heading("In the homework's code");
  w.code(
    "def self_attention(X, query, key, value, mask=None):",
    "    scores = matmul(query, key.T) / np.sqrt(key.shape[-1])",
    "    if mask is not None:",
    "        scores = scores + mask          # −inf where hidden",
    "    return matmul(softmax(scores, axis=-1), value)",
    "",
    "def decoder_layer(y, memory, Wq, Wk, Wv, Wo, Wq2, Wk2, Wv2, Wo2):",
    "    mask = np.triu(np.full((len(y), len(y)), -np.inf), k=1)",
    "    z = self_attention(y, matmul(y, Wq), matmul(y, Wk), matmul(y, Wv), mask)",
    "    y = layer_norm(y + matmul(z, Wo))",
    "    z = self_attention(y, matmul(y, Wq2), matmul(memory, Wk2), matmul(memory, Wv2))",
    "    y = layer_norm(y + matmul(z, Wo2))",
    "    return layer_norm(y + feed_forward(y))",
  );
  w.para(
    "Try it: transformer-lab decode --src " +
      src +
      "   (or decode --no-cross for a decoder-only, GPT-style block,",
    "which keeps the mask and drops the cross-attention)",
  );
}
