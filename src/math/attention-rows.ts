import { release } from "./kernels/heap.js";
import { matmul, matmulTransposed } from "./matmul.js";
import { addInPlace, divideInPlace, Matrix, rowsOf } from "./matrix.js";
import { softmaxInPlace } from "./softmax.js";

/** A block of scores holds about this many values (512 KB: it stays in L2 while it is used). */
const BLOCK_VALUES = 1 << 16;

/**
 * Z = softmax(Q·Kᵀ / divisor + mask)·V, a block of query rows at a time: what attention computes
 * when only Z is kept (--quiet). One block of scores exists at a time, scaled, masked and
 * normalised in place, and its memory is reused by the next block; the seq×src matrices are
 * never formed. Each row is the same arithmetic as in the unblocked steps (matmul, divide, add,
 * softmax, matmul), so Z has the same bits when both run on the core.
 */
export function attentionByRows(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  divisor: number,
  mask?: Matrix,
): Matrix {
  const z = new Matrix(q.rows, v.cols);
  const rows = Math.max(4, Math.floor(BLOCK_VALUES / Math.max(1, k.rows) / 4) * 4);
  for (let i0 = 0; i0 < q.rows; i0 += rows) {
    const i1 = Math.min(q.rows, i0 + rows);
    const s = matmulTransposed(rowsOf(q, i0, i1), k); // (b, dk)·(src, dk)ᵀ → (b, src)
    divideInPlace(s, divisor); //                         scores / √d_k
    if (mask) addInPlace(s, rowsOf(mask, i0, i1)); //    −∞ where hidden
    softmaxInPlace(s); //                                 each row sums to 1
    const zb = matmul(s, v); //                           (b, src)·(src, dv) → (b, dv)
    z.data.set(zb.data, i0 * v.cols);
    release(s.data);
    release(zb.data);
  }
  return z;
}
