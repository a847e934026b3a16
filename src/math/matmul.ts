import { wasmCore } from "./kernels/core.js";
import { matmulRows, simple } from "./kernels/fallback.js";
import { type GemmTask, gemmColumns, type Scratch, scratchBytes } from "./kernels/gemm.js";
import { heapArray, inHeap, release } from "./kernels/heap.js";
import { Matrix, shapeText, transpose } from "./matrix.js";

export { matmulRows } from "./kernels/fallback.js";

/**
 * C = A·B, (n, k)·(k, m) → (n, m). Everything that multiplies matrices calls this (or
 * matmulTransposed); the arithmetic itself is in kernels/: the WebAssembly core for products of
 * SMALL multiply-adds and more, a second thread for the largest (matmul-parallel), the textbook
 * loop below SMALL.
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new RangeError(`matmul: cannot multiply ${shapeText(a)} by ${shapeText(b)}`);
  }
  return product(a, b, false);
}

/** C = A·Bᵀ, (n, k)·(m, k)ᵀ → (n, m), without forming Bᵀ: attention's Q·Kᵀ. */
export function matmulTransposed(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) {
    throw new RangeError(`matmulTransposed: cannot multiply ${shapeText(a)} by ${shapeText(b)}ᵀ`);
  }
  return product(a, b, true);
}

/** Below this many multiply-adds, packing costs more than it saves (the homework's sizes). */
const SMALL = 32 * 32 * 32;

function product(a: Matrix, b: Matrix, transB: boolean): Matrix {
  const [n, k, m] = [a.rows, a.cols, transB ? b.rows : b.cols];
  const c = new Matrix(n, m);
  if (n * k * m < SMALL) {
    simple(a.data, (transB ? transpose(b) : b).data, c.data, n, k, m);
    return c;
  }
  if (!onCore(a, b, c, transB)) {
    matmulRows(a.data, (transB ? transpose(b) : b).data, c.data, n, k, m, 0, n);
  }
  return c;
}

/** C = A·B (or A·Bᵀ) on the WebAssembly core; false when there is none, or no room in its memory. */
function onCore(a: Matrix, b: Matrix, c: Matrix, transB: boolean): boolean {
  const core = wasmCore();
  if (!core) return false;
  const [A, B, C] = [inHeap(a.data), inHeap(b.data), inHeap(c.data)];
  const s = A && B && C && scratch(c.cols);
  if (s) {
    const task = {
      a: A.view.byteOffset,
      b: B.view.byteOffset,
      c: C.view.byteOffset,
      n: a.rows,
      k: a.cols,
      m: c.cols,
      transB,
    };
    const here = (part: GemmTask) => gemmColumns(core, part, s); // s fits all of C's columns
    if (!parallel?.(task, here)) here({ ...task, j0: 0, j1: c.cols });
    if (C!.copied) c.data.set(C!.view);
  }
  for (const x of [A, B, C]) if (x?.copied) release(x.view);
  return s !== undefined;
}

/** A whole product, before it is shared out in columns or rows. */
export type Product = Omit<GemmTask, "j0" | "j1">;

/** A hook for the multi-threaded path: returns false when it declines (small, or no worker). */
let parallel: ((task: Product, here: (part: GemmTask) => void) => boolean) | undefined;

export function setParallelMatmul(f: typeof parallel): void {
  parallel = f;
}

/** This thread's scratch in the shared memory, kept from product to product, grown as needed. */
const mine: { ap?: Float64Array; bp?: Float64Array; tmp: number } = { tmp: 0 };

function scratch(cols: number): Scratch | undefined {
  const need = scratchBytes(cols);
  try {
    mine.ap ??= heapArray(need.ap / 8);
    if (!mine.bp || mine.bp.length * 8 < need.bp) {
      if (mine.bp) release(mine.bp);
      mine.bp = undefined;
      mine.bp = heapArray(need.bp / 8);
    }
  } catch {
    return undefined; // the memory is full
  }
  return { ap: mine.ap.byteOffset, bp: mine.bp.byteOffset, tmp: mine.tmp };
}
