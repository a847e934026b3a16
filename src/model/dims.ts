/** What a run computes: an encoder stack, a decoder stack, or attention alone (Question 1). */
export type Computation = "encode" | "decode" | "attention";

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

/** Everything the model needs to know about a run, passed down whole (nanoGPT's GPTConfig). */
export interface ModelConfig extends Dims {
  computation: Computation;
  /** decode: cross-attention to the memory (false: decoder-only, GPT-style); false otherwise */
  cross: boolean;
  /** attention: hide key j > i from query i; false otherwise (the decoder's mask is always on) */
  causal: boolean;
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

/** The named axes a matrix's shape is made of; `hd` is heads·dmodel. */
export type Axis = "seq" | "src" | "emb" | "hd" | "dmodel" | "ffn";

export function axisSize(axis: Axis, d: Dims): number {
  return axis === "hd" ? d.heads * d.dmodel : d[axis];
}
