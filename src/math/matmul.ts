import { Matrix, shapeText } from "./matrix.js";

/**
 * C = A·B, (n, k)·(k, m) → (n, m). The one fast kernel of the project: everything that
 * multiplies matrices calls this, so this is the only place that needs to be clever.
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new RangeError(`matmul: cannot multiply ${shapeText(a)} by ${shapeText(b)}`);
  }
  const n = a.rows;
  const k = a.cols;
  const m = b.cols;
  const c = new Matrix(n, m);
  const A = a.data;
  const B = b.data;
  const C = c.data;
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      if (aip === 0) continue;
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += aip * B[bp + j];
    }
  }
  return c;
}
