import { onCoreByRows } from "./kernels/elementwise.js";
import { Matrix } from "./matrix.js";

/**
 * softmax(x)ᵢⱼ = exp(xᵢⱼ − maxⱼ xᵢⱼ) / Σⱼ exp(xᵢⱼ − maxⱼ xᵢⱼ), over each row (the last axis).
 * Subtracting the row max keeps exp from overflowing; a −∞ entry (masked) gets weight exactly 0.
 */
export function softmax(x: Matrix): Matrix {
  const out = new Matrix(x.rows, x.cols);
  const onCore = onCoreByRows([x.data], out.data, x.cols, (core, [src], dst, n) =>
    core.softmax_row(src, dst, n),
  );
  if (!onCore) for (let i = 0; i < x.rows; i++) softmaxInto(x.row(i), out.row(i));
  return out;
}

/** softmax over each row of x, in place. */
export function softmaxInPlace(x: Matrix): void {
  const onCore = onCoreByRows([x.data], x.data, x.cols, (core, [src], dst, n) =>
    core.softmax_row(src, dst, n),
  );
  if (!onCore) for (let i = 0; i < x.rows; i++) softmaxInto(x.row(i), x.row(i));
}

/** softmax of one vector into `out` (which may be `v` itself). */
export function softmaxInto(v: Float64Array, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < v.length; j++) if (v[j] > max) max = v[j];
  let sum = 0;
  for (let j = 0; j < v.length; j++) sum += out[j] = Math.exp(v[j] - max);
  for (let j = 0; j < v.length; j++) out[j] /= sum;
}
