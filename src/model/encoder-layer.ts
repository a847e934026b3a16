import type { Matrix } from "../math/matrix.js";
import { type AttentionParts, SCALED_DOT_PRODUCT } from "./attention.js";
import { type FeedForwardTrace, feedForward } from "./feed-forward.js";
import { type AttentionWeights, type MultiHeadTrace, multiHeadAttention } from "./multi-head.js";
import type { Progress } from "./progress.js";
import { addNorm, type SublayerConnection } from "./sublayer.js";

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

/** The parts an encoder layer is made of; check's known mistakes swap one (model/variants.ts). */
export interface EncoderWiring {
  attention: AttentionParts;
  /** the connection around each sublayer (attention, feed-forward), given the layer's input */
  connections(input: Matrix): readonly [SublayerConnection, SublayerConnection];
  feedForward(x: Matrix, w1: Matrix, w2: Matrix): FeedForwardTrace;
  /** which weights each projection uses (the `wq-for-keys` mistake reuses Wq); default: as given */
  weights?(w: EncoderWeights): EncoderWeights;
}

/** The homework's layer, and Vaswani et al.'s. */
export const PAPER_ENCODER: EncoderWiring = {
  attention: SCALED_DOT_PRODUCT,
  connections: () => [addNorm, addNorm],
  feedForward,
};

export interface LayerOptions {
  heads: number;
  keep?: boolean;
  wiring?: EncoderWiring;
  progress?: Progress;
}

/**
 * One encoder layer, post-norm as in the homework and the paper:
 *   norm1  = LayerNorm(X + MultiHead(X, X))
 *   output = LayerNorm(norm1 + FFN(norm1))
 */
export function encoderLayer(
  x: Matrix,
  given: EncoderWeights,
  { heads, keep = true, wiring = PAPER_ENCODER, progress }: LayerOptions,
): EncoderLayerTrace {
  const w = wiring.weights?.(given) ?? given;
  const [attnBlock, ffnBlock] = wiring.connections(x);
  const selfAttention = (h: Matrix) => {
    const onHead = (head: number) => progress?.({ step: "self-attention", head });
    const self = multiHeadAttention(h, h, w, { heads, keep, parts: wiring.attention, onHead });
    return { trace: { self }, out: self.attn }; // (seq, emb)
  };
  const positionWise = (h: Matrix) => {
    progress?.({ step: "feed-forward" });
    const ff = wiring.feedForward(h, w.w1, w.w2);
    return { trace: ff, out: ff.ffn }; // (seq, emb)
  };
  const a = attnBlock(x, selfAttention); //      norm1 = LayerNorm(X + attn)
  const f = ffnBlock(a.norm, positionWise); //   output = LayerNorm(norm1 + ffn)
  return {
    ...a.trace,
    residual1: a.residual,
    norm1: a.norm,
    ...f.trace,
    residual2: f.residual,
    output: f.norm,
  };
}
