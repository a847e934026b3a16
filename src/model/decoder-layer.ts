import { layerNorm } from "../math/layer-norm.js";
import { add, type Matrix } from "../math/matrix.js";
import type { EncoderWeights } from "./encoder-layer.js";
import { feedForward } from "./feed-forward.js";
import { type AttentionWeights, type MultiHeadTrace, multiHeadAttention } from "./multi-head.js";

export interface CrossWeights {
  cross_wq: Matrix; // (emb, heads·dk)
  cross_wk: Matrix; // (emb, heads·dk)
  cross_wv: Matrix; // (emb, heads·dk)
  cross_wo: Matrix; // (heads·dk, emb)
}

export type DecoderWeights = EncoderWeights & Partial<CrossWeights>;

export interface DecoderLayerTrace {
  self: MultiHeadTrace;
  residual1: Matrix;
  norm1: Matrix;
  cross?: MultiHeadTrace;
  residual2: Matrix;
  norm2?: Matrix;
  hidden: Matrix;
  ffn: Matrix;
  residual3?: Matrix;
  output: Matrix;
}

export interface DecoderLayerOptions {
  heads: number;
  keep?: boolean;
}

/**
 * One decoder layer, post-norm, three sublayers:
 *   norm1  = LayerNorm(Y + MaskedMultiHead(Y, Y))         causal: position i sees only j ≤ i
 *   norm2  = LayerNorm(norm1 + MultiHead(norm1, memory))  queries from the decoder, keys and
 *                                                         values from the encoder output
 *   output = LayerNorm(norm2 + FFN(norm2))
 * Without `memory` (decoder-only, GPT-style) the cross-attention sublayer is left out and
 * the names follow the encoder's: residual2 = norm1 + ffn.
 */
export function decoderLayer(
  y: Matrix,
  memory: Matrix | undefined,
  w: DecoderWeights,
  { heads, keep = true }: DecoderLayerOptions,
): DecoderLayerTrace {
  const self = multiHeadAttention(y, y, w, { heads, causal: true, keep }); // (seq, emb)
  const residual1 = add(y, self.attn);
  const norm1 = layerNorm(residual1);
  if (!memory) {
    const { hidden, ffn } = feedForward(norm1, w.w1, w.w2);
    const residual2 = add(norm1, ffn);
    return { self, residual1, norm1, residual2, hidden, ffn, output: layerNorm(residual2) };
  }
  const cross = multiHeadAttention(norm1, memory, crossWeights(w), { heads, keep }); // (seq, emb)
  const residual2 = add(norm1, cross.attn);
  const norm2 = layerNorm(residual2);
  const { hidden, ffn } = feedForward(norm2, w.w1, w.w2);
  const residual3 = add(norm2, ffn);
  const output = layerNorm(residual3);
  return { self, residual1, norm1, cross, residual2, norm2, hidden, ffn, residual3, output };
}

function crossWeights(w: DecoderWeights): AttentionWeights {
  if (!w.cross_wq || !w.cross_wk || !w.cross_wv || !w.cross_wo) {
    throw new RangeError(
      "decoderLayer: cross-attention needs cross_wq, cross_wk, cross_wv, cross_wo",
    );
  }
  return { wq: w.cross_wq, wk: w.cross_wk, wv: w.cross_wv, wo: w.cross_wo };
}
