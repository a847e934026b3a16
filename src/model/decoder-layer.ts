import type { Matrix } from "../math/matrix.js";
import type { EncoderWeights } from "./encoder-layer.js";
import { feedForward } from "./feed-forward.js";
import { type AttentionWeights, type MultiHeadTrace, multiHeadAttention } from "./multi-head.js";
import type { Progress } from "./progress.js";
import { addNorm } from "./sublayer.js";

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
  progress?: Progress;
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
  { heads, keep = true, progress }: DecoderLayerOptions,
): DecoderLayerTrace {
  const maskedSelf = (h: Matrix) => {
    const onHead = (head: number) => progress?.({ step: "self-attention", head });
    const self = multiHeadAttention(h, h, w, { heads, causal: true, keep, onHead });
    return { trace: self, out: self.attn }; // (seq, emb)
  };
  const crossAttention = (m: Matrix) => (h: Matrix) => {
    const onHead = (head: number) => progress?.({ step: "cross-attention", head });
    const cross = multiHeadAttention(h, m, crossWeights(w), { heads, keep, onHead });
    return { trace: cross, out: cross.attn }; // (seq, emb)
  };
  const positionWise = (h: Matrix) => {
    progress?.({ step: "feed-forward" });
    const ff = feedForward(h, w.w1, w.w2);
    return { trace: ff, out: ff.ffn }; // (seq, emb)
  };
  const a = addNorm(y, maskedSelf); //                         norm1 = LayerNorm(Y + attn)
  const layer = { self: a.trace, residual1: a.residual, norm1: a.norm };
  if (!memory) {
    const f = addNorm(a.norm, positionWise); //                output = LayerNorm(norm1 + ffn)
    return { ...layer, residual2: f.residual, ...f.trace, output: f.norm };
  }
  const c = addNorm(a.norm, crossAttention(memory)); //       norm2 = LayerNorm(norm1 + cross)
  const f = addNorm(c.norm, positionWise); //                  output = LayerNorm(norm2 + ffn)
  return {
    ...layer,
    cross: c.trace,
    residual2: c.residual,
    norm2: c.norm,
    ...f.trace,
    residual3: f.residual,
    output: f.norm,
  };
}

function crossWeights(w: DecoderWeights): AttentionWeights {
  if (!w.cross_wq || !w.cross_wk || !w.cross_wv || !w.cross_wo) {
    throw new RangeError(
      "decoderLayer: cross-attention needs cross_wq, cross_wk, cross_wv, cross_wo",
    );
  }
  return { wq: w.cross_wq, wk: w.cross_wk, wv: w.cross_wv, wo: w.cross_wo };
}
