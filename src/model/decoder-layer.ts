import type { Matrix } from "../math/matrix.js";
import { type AttentionParts, SCALED_DOT_PRODUCT } from "./attention.js";
import type { EncoderWeights } from "./encoder-layer.js";
import { type FeedForwardTrace, feedForward } from "./feed-forward.js";
import { type AttentionWeights, type MultiHeadTrace, multiHeadAttention } from "./multi-head.js";
import type { Progress } from "./progress.js";
import { addNorm, type SublayerConnection } from "./sublayer.js";

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

/** The parts a decoder layer is made of; check's known mistakes swap one (model/variants.ts). */
export interface DecoderWiring {
  /** the self-attention's parts; `causal`: the layer adds its causal mask before their softmax */
  self: { parts: AttentionParts; causal: boolean };
  /** the cross-attention's parts (no mask) */
  crossParts: AttentionParts;
  /** where the cross-attention's queries and its keys and values come from */
  crossSources(decoder: Matrix, memory: Matrix): { xq: Matrix; xkv: Matrix };
  /** the connection around the feed-forward (the third sublayer; the second without memory) */
  ffnConnection: SublayerConnection;
  feedForward(x: Matrix, w1: Matrix, w2: Matrix): FeedForwardTrace;
}

/** The paper's decoder layer, and the homework's Question 3. */
export const PAPER_DECODER: DecoderWiring = {
  self: { parts: SCALED_DOT_PRODUCT, causal: true },
  crossParts: SCALED_DOT_PRODUCT,
  crossSources: (decoder, memory) => ({ xq: decoder, xkv: memory }),
  ffnConnection: addNorm,
  feedForward,
};

export interface DecoderLayerOptions {
  heads: number;
  keep?: boolean;
  wiring?: DecoderWiring;
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
  { heads, keep = true, wiring = PAPER_DECODER, progress }: DecoderLayerOptions,
): DecoderLayerTrace {
  const { parts, causal } = wiring.self;
  const maskedSelf = (h: Matrix) => {
    const onHead = (head: number) => progress?.({ step: "self-attention", head });
    const self = multiHeadAttention(h, h, w, { heads, causal, keep, parts, onHead });
    return { trace: self, out: self.attn }; // (seq, emb)
  };
  const crossAttention = (m: Matrix) => (h: Matrix) => {
    const onHead = (head: number) => progress?.({ step: "cross-attention", head });
    const { xq, xkv } = wiring.crossSources(h, m); // (seq, emb) queries, (src, emb) keys/values
    const cross = multiHeadAttention(xq, xkv, crossWeights(w), {
      heads,
      keep,
      parts: wiring.crossParts,
      onHead,
    });
    return { trace: cross, out: cross.attn }; // (seq, emb)
  };
  const positionWise = (h: Matrix) => {
    progress?.({ step: "feed-forward" });
    const ff = wiring.feedForward(h, w.w1, w.w2);
    return { trace: ff, out: ff.ffn }; // (seq, emb)
  };
  const ffnBlock = wiring.ffnConnection;
  const a = addNorm(y, maskedSelf); //                         norm1 = LayerNorm(Y + attn)
  const layer = { self: a.trace, residual1: a.residual, norm1: a.norm };
  if (!memory) {
    const f = ffnBlock(a.norm, positionWise); //               output = LayerNorm(norm1 + ffn)
    return { ...layer, residual2: f.residual, ...f.trace, output: f.norm };
  }
  const c = addNorm(a.norm, crossAttention(memory)); //       norm2 = LayerNorm(norm1 + cross)
  const f = ffnBlock(c.norm, positionWise); //                 output = LayerNorm(norm2 + ffn)
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
