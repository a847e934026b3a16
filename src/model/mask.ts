import { Matrix } from "../math/matrix.js";

/**
 * The causal ("subsequent") mask: 0 where query i may see key j (j ≤ i), −∞ where j > i.
 * Added to the scaled scores before the softmax, it makes those weights exactly 0.
 */
export function causalMask(seq: number, src = seq): Matrix {
  const mask = new Matrix(seq, src);
  for (let i = 0; i < seq; i++) {
    for (let j = i + 1; j < src; j++) mask.data[i * src + j] = Number.NEGATIVE_INFINITY;
  }
  return mask;
}
