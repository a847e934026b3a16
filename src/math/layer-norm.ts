import { onCoreByRows } from "./kernels/elementwise.js";
import { LAYER_NORM_EPS } from "./layer-norm-eps.js";
import { Matrix } from "./matrix.js";

export { LAYER_NORM_EPS };

/**
 * layer_norm(x) = (x − mean) / √(var + ε) over each row, with the population variance and
 * no gain or bias — exactly the homework's `layer_norm`.
 */
export function layerNorm(x: Matrix, eps = LAYER_NORM_EPS): Matrix {
  const out = new Matrix(x.rows, x.cols);
  const onCore = onCoreByRows([x.data], out.data, x.cols, (core, [src], dst, n) =>
    core.layer_norm_row(src, dst, n, eps),
  );
  if (!onCore) layerNormRows(x, out, eps);
  return out;
}

function layerNormRows(x: Matrix, out: Matrix, eps: number): void {
  const n = x.cols;
  for (let i = 0; i < x.rows; i++) {
    const row = x.row(i);
    const o = out.row(i);
    let mean = 0;
    for (let j = 0; j < n; j++) mean += row[j];
    mean /= n;
    let variance = 0;
    for (let j = 0; j < n; j++) variance += (row[j] - mean) ** 2;
    variance /= n;
    const sd = Math.sqrt(variance + eps);
    for (let j = 0; j < n; j++) o[j] = (row[j] - mean) / sd;
  }
}
