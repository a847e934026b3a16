import { layerNorm } from "../math/layer-norm.js";
import { add, type Matrix } from "../math/matrix.js";
import { PAPER, type Variant } from "./config.js";
import { feedForward, noFeedForward } from "./feed-forward.js";
import { type AttentionWeights, type MultiHeadTrace, multiHeadAttention } from "./multi-head.js";

export interface EncoderWeights extends AttentionWeights {
  w1: Matrix; // (emb, ffn)
  w2: Matrix; // (ffn, emb)
}

export interface EncoderLayerTrace {
  self: MultiHeadTrace;
  residual1: Matrix;
  norm1: Matrix;
  hidden: Matrix;
  ffn: Matrix;
  residual2: Matrix;
  output: Matrix;
}

export interface LayerOptions {
  heads: number;
  keep?: boolean;
  variant?: Variant;
}

/**
 * One encoder layer, post-norm as in the homework and the paper:
 *   norm1  = LayerNorm(X + MultiHead(X, X))
 *   output = LayerNorm(norm1 + FFN(norm1))
 * A `variant` other than PAPER rewires it as one of the known mistakes (see config.ts).
 */
export function encoderLayer(
  x: Matrix,
  w: EncoderWeights,
  { heads, keep = true, variant = PAPER }: LayerOptions,
): EncoderLayerTrace {
  const pre = (m: Matrix) => (variant.norm === "pre" ? layerNorm(m) : m);
  const post = (m: Matrix) => (variant.norm === "post" ? layerNorm(m) : m);

  const self = multiHeadAttention(pre(x), pre(x), w, { heads, keep, variant }); // (seq, emb)
  const residual1 = variant.residualAttn ? add(x, self.attn) : self.attn; //     X + attn
  const norm1 = post(residual1); //                                              LayerNorm(X + attn)
  const { hidden, ffn } = variant.ffn ? feedForward(pre(norm1), w.w1, w.w2) : noFeedForward(norm1);
  const skip = variant.residual2From === "input" ? x : norm1;
  const residual2 = variant.residualFfn ? add(skip, ffn) : ffn; //               norm1 + ffn
  const output = post(residual2); //                                             LayerNorm(norm1 + ffn)
  return { self, residual1, norm1, hidden, ffn, residual2, output };
}
