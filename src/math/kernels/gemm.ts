import type { Core } from "./core.js";

/**
 * The blocking of a product on the core: a KC-deep slice of B (its columns [j0, j1)) is packed
 * once into panels of 4 columns, then A's rows MC at a time into panels of 4 rows (MC·KC doubles,
 * 256 KB, stay in L2), and each 4-column panel of C is swept over all those row panels by
 * `gemm_panel` (the B panel, 8 KB, stays in L1). The depth slices are added into C in order, so
 * each element of C gets the same sums whatever the split: C[i, j] = (0 + Σ₀) + Σ₁ + …
 */
export const KC = 256;
export const MC = 128;

/** C = A·B (or A·Bᵀ) on columns [j0, j1) of C; pointers are byte offsets; C starts at 0. */
export interface GemmTask {
  a: number; // (n, k)
  b: number; // (k, m), or (m, k) when transB
  c: number; // (n, m)
  n: number;
  k: number;
  m: number;
  transB: boolean;
  j0: number;
  j1: number;
}

/** A thread's scratch: packed A (MC·KC doubles), packed B (KC·⌈cols/4⌉·4), a 4×4 tile. */
export interface Scratch {
  ap: number;
  bp: number;
  tmp: number;
}

export function scratchBytes(cols: number): { ap: number; bp: number } {
  return { ap: MC * KC * 8, bp: KC * Math.ceil(cols / 4) * 4 * 8 };
}

export function gemmColumns(x: Core, t: GemmTask, s: Scratch): void {
  const { a, b, c, n, k, m, transB, j0, j1 } = t;
  const cols = j1 - j0;
  if (n === 0 || k === 0 || cols <= 0) return;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    if (transB) x.pack_rows(b + (j0 * k + pc) * 8, k * 8, cols, kc, s.bp);
    else x.pack_cols(b + (pc * m + j0) * 8, m * 8, cols, kc, s.bp);
    for (let ic = 0; ic < n; ic += MC) {
      const rows = Math.min(MC, n - ic);
      x.pack_rows(a + (ic * k + pc) * 8, k * 8, rows, kc, s.ap);
      const panels = Math.ceil(rows / 4);
      const last = rows - (panels - 1) * 4;
      for (let j = j0; j < j1; j += 4) {
        const at = c + (ic * m + j) * 8;
        const w = Math.min(4, j1 - j);
        x.gemm_panel(s.ap, s.bp + (j - j0) * kc * 8, kc, at, m * 8, panels, last, w, s.tmp);
      }
    }
  }
}
