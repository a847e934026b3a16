import { type Matrix, map } from "./matrix.js";

/** relu(x) = max(0, x), elementwise. */
export function relu(x: Matrix): Matrix {
  return map(x, (v) => Math.max(0, v));
}
