import type { ModelConfig } from "../model/dims.js";

/** Where each of the cell's seven matrices starts in a run of draws (row-major, end to end). */
export type Offsets = Record<"x" | "wq" | "wk" | "wv" | "wo" | "w1" | "w2", number>;

/**
 * Row 0 of the homework's layer (one head), for the seed search's quick filter, in two halves:
 * `norm1` is n1₀ = LayerNorm(x₀ + softmax(q₀·Kᵀ/√d)·V·Wo) with q₀ = x₀·Wq, K = x·Wk, V = x·Wv —
 * attention mixes the rows only through K and V, the rest is position-wise — and `output` is
 * LayerNorm(n1₀ + ReLU(n1₀·W1)·W2). Orders that draw the same x, Wq, Wk, Wv, Wo share the first
 * half. Scratch is allocated once; `output` returns its own buffer, overwritten by the next call.
 */
export function firstRow({ seq: n, emb: e, dmodel: d }: ModelConfig) {
  const q = new Float64Array(d);
  const kv = new Float64Array(2 * n * d); // K then V: (n, d) each
  const weights = new Float64Array(n);
  const z = new Float64Array(d);
  const out = new Float64Array(e);
  return {
    /** n1₀ of the draws `m` laid out as `at` says, written into `n1` (length emb). */
    norm1(m: Float64Array, at: Offsets, n1: Float64Array): void {
      const { x, wq, wk, wv, wo } = at;
      z.fill(0);
      for (let j = 0; j < d; j++) {
        let qj = 0;
        for (let i = 0; i < e; i++) qj += m[x + i] * m[wq + i * d + j]; // (1, e)·(e, d) → (1, d)
        q[j] = qj;
      }
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < d; j++) {
          let k = 0;
          let v = 0;
          for (let i = 0; i < e; i++) {
            const xi = m[x + r * e + i];
            k += xi * m[wk + i * d + j]; // (n, e)·(e, d) → (n, d)
            v += xi * m[wv + i * d + j];
          }
          kv[r * d + j] = k;
          kv[n * d + r * d + j] = v;
        }
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += q[j] * kv[r * d + j]; // (1, d)·(d, n) → (1, n)
        weights[r] = s / Math.sqrt(d);
        if (weights[r] > max) max = weights[r];
      }
      let sum = 0;
      for (let r = 0; r < n; r++) sum += weights[r] = Math.exp(weights[r] - max);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < d; j++) z[j] += (weights[r] / sum) * kv[n * d + r * d + j]; // (1, n)·(n, d)
      }
      for (let c = 0; c < e; c++) {
        let a = m[x + c];
        for (let j = 0; j < d; j++) a += z[j] * m[wo + j * e + c]; // (1, d)·(d, e) → (1, e)
        n1[c] = a;
      }
      normaliseInPlace(n1);
    },

    /** Row 0 of the output from n1₀ and the feed-forward weights (inner width f) in `m`. */
    output(n1: Float64Array, m: Float64Array, at: Offsets, f: number): Float64Array {
      const { w1, w2 } = at;
      out.set(n1);
      for (let k = 0; k < f; k++) {
        let h = 0;
        for (let c = 0; c < e; c++) h += n1[c] * m[w1 + c * f + k]; // (1, e)·(e, f) → (1, f)
        if (h <= 0) continue; // ReLU
        for (let c = 0; c < e; c++) out[c] += h * m[w2 + k * e + c]; // (1, f)·(f, e) → (1, e)
      }
      normaliseInPlace(out);
      return out;
    },
  };
}

/** The homework's layer_norm of one row: population variance, eps 1e-8 under the root. */
function normaliseInPlace(v: Float64Array): void {
  let mean = 0;
  for (const a of v) mean += a;
  mean /= v.length;
  let variance = 0;
  for (const a of v) variance += (a - mean) ** 2;
  const sd = Math.sqrt(variance / v.length + 1e-8);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] - mean) / sd;
}
