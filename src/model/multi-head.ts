import { attentionByRows } from "../math/attention-rows.js";
import { matmul } from "../math/matmul.js";
import { concatCols, type Matrix, sliceCols } from "../math/matrix.js";
import {
  type AttentionParts,
  type AttentionTrace,
  attention,
  SCALED_DOT_PRODUCT,
} from "./attention.js";
import { causalMask } from "./mask.js";

export interface AttentionWeights {
  wq: Matrix; // (emb, heads·dk)
  wk: Matrix; // (emb, heads·dk)
  wv: Matrix; // (emb, heads·dk)
  wo: Matrix; // (heads·dk, emb)
}

export interface MultiHeadTrace {
  /** one trace per head; empty when intermediates are not kept */
  heads: AttentionTrace[];
  concat: Matrix;
  attn: Matrix;
}

export interface MultiHeadOptions {
  heads: number;
  causal?: boolean;
  /** keep every head's intermediates (false: only a block of one head's scores exists at a time) */
  keep?: boolean;
  /** the parts of attention (a known mistake may rewire them) */
  parts?: AttentionParts;
  /** told as each head starts (a long run's progress line) */
  onHead?: (head: number) => void;
}

/**
 * MultiHead(Xq, Xkv) = Concat(head₁, …, head_h)·Wᴼ, headᵢ = Attention(Xq·Wᵢᵠ, Xkv·Wᵢᴷ, Xkv·Wᵢⱽ).
 * Self-attention when Xq = Xkv; encoder-decoder (cross) attention when Xkv is the memory.
 * Head i uses columns [i·d_k, (i+1)·d_k) of the projections.
 */
export function multiHeadAttention(
  xq: Matrix,
  xkv: Matrix,
  w: AttentionWeights,
  { heads, causal = false, keep = true, parts = SCALED_DOT_PRODUCT, onHead }: MultiHeadOptions,
): MultiHeadTrace {
  const dk = w.wq.cols / heads;
  const q = matmul(xq, w.wq); //  (seq, emb)·(emb, h·dk) → (seq, h·dk)
  const k = matmul(xkv, w.wk); // (src, emb)·(emb, h·dk) → (src, h·dk)
  const v = matmul(xkv, w.wv); // (src, emb)·(emb, h·dk) → (src, h·dk)
  const mask = causal ? causalMask(xq.rows, xkv.rows) : undefined;
  const traces: AttentionTrace[] = [];
  const zs: Matrix[] = [];
  for (let h = 0; h < heads; h++) {
    onHead?.(h);
    const cols = (m: Matrix) => sliceCols(m, h * dk, (h + 1) * dk);
    if (!keep && parts === SCALED_DOT_PRODUCT) {
      // only Z is kept: a block of query rows at a time, never a (seq, src) matrix
      zs.push(attentionByRows(cols(q), cols(k), cols(v), parts.divisor(dk, xq.cols), mask));
      continue;
    }
    const head = attention(cols(q), cols(k), cols(v), { mask, emb: xq.cols, parts });
    zs.push(head.z);
    if (keep) traces.push(head);
  }
  const concat = concatCols(zs); //  (seq, h·dk)
  const attn = matmul(concat, w.wo); // (seq, h·dk)·(h·dk, emb) → (seq, emb)
  return { heads: traces, concat, attn };
}
