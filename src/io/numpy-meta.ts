import type { Matrix } from "../math/matrix.js";

/** What a `.npy` file said of the matrix read from it: its dtype and its shape as saved. */
export interface NumpyMeta {
  /** the dtype without the byte order: `f8`, `f4`, `i8` … */
  dtype: string;
  /** the shape in the header: `[]` for a 0-d array, `[1, 4, 8]` for one with a leading 1 */
  shape: number[];
}

const META = new WeakMap<Matrix, NumpyMeta>();

export function setNumpyMeta(m: Matrix, meta: NumpyMeta): Matrix {
  META.set(m, meta);
  return m;
}

/** The dtype and saved shape of a matrix read from a `.npy` (undefined for JSON). */
export function numpyMeta(m: Matrix): NumpyMeta | undefined {
  return META.get(m);
}

/** Whether it was saved in single (or half) precision. */
export function isSinglePrecision(m: Matrix): boolean {
  const d = META.get(m)?.dtype;
  return d === "f4" || d === "f2";
}
