import { Matrix } from "../math/matrix.js";
import type { Normals } from "../model/compute.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";
import type { FfnBiases } from "../model/variants.js";

/**
 * The feed-forward of the `ffn-biases` mistake as the student's stream laid it out: the draws
 * the reference read as W1 and W2 (the last of one layer's), then the next ffn + emb draws of
 * the same stream (`more`), re-read in the student's order W1, b1, W2, b2. W1 is the reference's;
 * W2 starts ffn draws later.
 */
export function ffnBiasDraws(config: ModelConfig, inputs: Inputs, more: Normals): FfnBiases {
  const { emb, ffn } = config;
  const { w1, w2 } = inputs.layers[0] as { w1: Matrix; w2: Matrix };
  const tail = new Float64Array(w1.data.length + w2.data.length + ffn + emb);
  tail.set(w1.data);
  tail.set(w2.data, w1.data.length);
  more.fill(tail.subarray(w1.data.length + w2.data.length));
  let at = 0;
  const next = (rows: number, cols: number) => {
    const m = new Matrix(rows, cols, tail.slice(at, at + rows * cols));
    at += rows * cols;
    return m;
  };
  // in the order drawn (an object literal's values are evaluated left to right)
  return {
    w1: next(emb, ffn), // (emb, ffn)
    b1: next(1, ffn), //   (ffn,)
    w2: next(ffn, emb), // (ffn, emb)
    b2: next(1, emb), //   (emb,)
  };
}
