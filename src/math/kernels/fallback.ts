/**
 * The JS kernels: what computes a product when the WebAssembly core cannot (a runtime without
 * WebAssembly SIMD), and the textbook loop for the small products of the homework, where
 * packing would cost more than it saves. The blocked kernel does the same arithmetic as the
 * core (the same depth slices, each element summed in the same order), so it gives the same bits.
 */
/** The textbook loop, i-p-j so that B and C are read along their rows. */
export function simple(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  n: number,
  k: number,
  m: number,
): void {
  for (let i = 0; i < n; i++) {
    const ci = i * m;
    for (let p = 0; p < k; p++) {
      const aip = A[i * k + p];
      const bp = p * m;
      for (let j = 0; j < m; j++) C[ci + j] += aip * B[bp + j];
    }
  }
}

/** Depth of one pass over k: a packed 4×KC panel of A and of B (8 KB each) stay in L1. */
const KC = 256;

/**
 * Rows [i0, i1) of C += A·B, register- and cache-blocked: for each KC-deep slice, A's rows are
 * packed into 4-row panels and B into 4-column panels (each contiguous in p), then every 4×4
 * tile of C is accumulated in 16 locals over the slice. A B panel is reused from L1 across all
 * A panels; the A panels (KC·(i1−i0) doubles) are reused from L2 across all B panels.
 */
export function matmulRows(
  A: Float64Array,
  B: Float64Array,
  C: Float64Array,
  n: number,
  k: number,
  m: number,
  i0: number,
  i1: number,
): void {
  if (i1 > n || i0 < 0) throw new RangeError(`matmulRows: rows [${i0}, ${i1}) outside 0…${n}`);
  const rows = i1 - i0;
  const rowPanels = Math.ceil(rows / 4);
  const colPanels = Math.ceil(m / 4);
  const Ap = new Float64Array(rowPanels * KC * 4);
  const Bp = new Float64Array(colPanels * KC * 4);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    packRows(A, Ap, k, i0, i1, pc, kc);
    packCols(B, Bp, m, pc, kc);
    for (let jb = 0; jb < colPanels; jb++) {
      for (let ib = 0; ib < rowPanels; ib++) {
        tile(Ap, ib * kc * 4, Bp, jb * kc * 4, kc, C, i0 + ib * 4, jb * 4, i1, m);
      }
    }
  }
}

/** A[i0:i1, pc:pc+kc] into panels of 4 rows, p-major: Ap[(panel·kc + p)·4 + r]; short panels padded with 0. */
function packRows(
  A: Float64Array,
  Ap: Float64Array,
  k: number,
  i0: number,
  i1: number,
  pc: number,
  kc: number,
): void {
  const panels = Math.ceil((i1 - i0) / 4);
  for (let ib = 0; ib < panels; ib++) {
    for (let r = 0; r < 4; r++) {
      const i = i0 + ib * 4 + r;
      const out = ib * kc * 4 + r;
      if (i >= i1) {
        for (let p = 0; p < kc; p++) Ap[out + p * 4] = 0;
        continue;
      }
      const row = i * k + pc;
      for (let p = 0; p < kc; p++) Ap[out + p * 4] = A[row + p];
    }
  }
}

/** B[pc:pc+kc, :] into panels of 4 columns, p-major: Bp[(panel·kc + p)·4 + s]; the last padded with 0. */
function packCols(B: Float64Array, Bp: Float64Array, m: number, pc: number, kc: number): void {
  const full = m >> 2;
  for (let p = 0; p < kc; p++) {
    const row = (pc + p) * m;
    for (let jb = 0; jb < full; jb++) {
      const out = (jb * kc + p) * 4;
      const j = row + jb * 4;
      Bp[out] = B[j];
      Bp[out + 1] = B[j + 1];
      Bp[out + 2] = B[j + 2];
      Bp[out + 3] = B[j + 3];
    }
    if (full * 4 < m) {
      const out = (full * kc + p) * 4;
      for (let s = 0; s < 4; s++) Bp[out + s] = full * 4 + s < m ? B[row + full * 4 + s] : 0;
    }
  }
}

// biome-ignore format: the 4×4 tile reads as a grid
/** C[i.., j..] += the 4×4 product of one A panel and one B panel over kc; clipped at row i1 and column m. */
function tile(
  Ap: Float64Array,
  ai: number,
  Bp: Float64Array,
  bi: number,
  kc: number,
  C: Float64Array,
  i: number,
  j: number,
  i1: number,
  m: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
    const a0 = Ap[ai], a1 = Ap[ai + 1], a2 = Ap[ai + 2], a3 = Ap[ai + 3];
    const b0 = Bp[bi], b1 = Bp[bi + 1], b2 = Bp[bi + 2], b3 = Bp[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (i + 4 <= i1 && j + 4 <= m) {
    let o = i * m + j;
    C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; C[o + 3] += c03; o += m;
    C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; C[o + 3] += c13; o += m;
    C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; C[o + 3] += c23; o += m;
    C[o] += c30; C[o + 1] += c31; C[o + 2] += c32; C[o + 3] += c33;
    return;
  }
  const t = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < 4 && i + r < i1; r++) {
    for (let s = 0; s < 4 && j + s < m; s++) C[(i + r) * m + j + s] += t[r * 4 + s];
  }
}
