import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { layerNorm } from "../../src/math/layer-norm.js";
import { matmul, matmulRows } from "../../src/math/matmul.js";
import { Matrix, transpose } from "../../src/math/matrix.js";
import { softmax } from "../../src/math/softmax.js";

const finite = fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true });
const matrix = (maxRows = 7, maxCols = 7) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 1, max: maxCols }))
    .chain(([r, c]) =>
      fc
        .array(finite, { minLength: r * c, maxLength: r * c })
        .map((v) => new Matrix(r, c, Float64Array.from(v))),
    );

describe("softmax", () => {
  it("gives rows of non-negative weights that sum to 1", () => {
    fc.assert(
      fc.property(matrix(), (x) => {
        const w = softmax(x);
        for (let i = 0; i < w.rows; i++) {
          const row = w.row(i);
          expect(row.every((v) => v >= 0 && v <= 1)).toBe(true);
          expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-12);
        }
      }),
    );
  });

  it("is stable for huge scores", () => {
    const w = softmax(new Matrix(1, 3, Float64Array.from([1000, 999, -1000])));
    expect(Array.from(w.data).every(Number.isFinite)).toBe(true);
    expect(w.data[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe("layer_norm", () => {
  it("leaves each row with mean 0 and variance ≈ 1", () => {
    fc.assert(
      fc.property(
        matrix(6, 12).filter((m) => m.cols > 1),
        (x) => {
          const y = layerNorm(x);
          for (let i = 0; i < y.rows; i++) {
            const row = x.row(i);
            const mean = row.reduce((s, v) => s + v, 0) / row.length;
            const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length;
            const out = y.row(i);
            const m = out.reduce((s, v) => s + v, 0) / out.length;
            const v = out.reduce((s, u) => s + (u - m) ** 2, 0) / out.length;
            expect(Math.abs(m)).toBeLessThan(1e-9);
            // var(out) = var / (var + ε): ≈ 1 unless the row is (nearly) constant
            expect(Math.abs(v - variance / (variance + 1e-8))).toBeLessThan(1e-9);
          }
        },
      ),
    );
  });
});

describe("matmul", () => {
  it("agrees with the textbook triple loop", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
          fc.integer({ min: 1, max: 9 }),
        ),
        fc.infiniteStream(finite),
        ([n, k, m], s) => {
          const it = s[Symbol.iterator]();
          const take = (len: number) =>
            Float64Array.from({ length: len }, () => it.next().value as number);
          const a = new Matrix(n, k, take(n * k));
          const b = new Matrix(k, m, take(k * m));
          const c = matmul(a, b);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < m; j++) {
              let sum = 0;
              for (let p = 0; p < k; p++) sum += a.get(i, p) * b.get(p, j);
              expect(Math.abs(c.get(i, j) - sum)).toBeLessThanOrEqual(
                1e-9 * Math.max(1, Math.abs(sum)),
              );
            }
        },
      ),
    );
  });

  it("agrees with the textbook loop on the blocked path: ragged edges, several 256-deep passes", () => {
    const textbook = (a: Matrix, b: Matrix) => {
      const c = new Matrix(a.rows, b.cols);
      for (let i = 0; i < a.rows; i++)
        for (let j = 0; j < b.cols; j++) {
          let s = 0;
          for (let p = 0; p < a.cols; p++) s += a.get(i, p) * b.get(p, j);
          c.data[i * b.cols + j] = s;
        }
      return c;
    };
    for (const [n, k, m] of [
      [33, 40, 35],
      [1, 700, 61],
      [67, 257, 5],
      [4, 1024, 4],
      [130, 513, 131],
      [31, 33, 32],
    ]) {
      const a = new Matrix(
        n,
        k,
        Float64Array.from({ length: n * k }, (_, i) => Math.sin(i * 0.37) * 3),
      );
      const b = new Matrix(
        k,
        m,
        Float64Array.from({ length: k * m }, (_, i) => Math.cos(i * 0.11)),
      );
      const got = matmul(a, b);
      const want = textbook(a, b);
      const worst = Math.max(
        ...got.data.map((x, i) => Math.abs(x - want.data[i]) / Math.max(1, Math.abs(want.data[i]))),
      );
      expect(worst, `${n}×${k}·${k}×${m}`).toBeLessThan(1e-12);
    }
  });

  it("matmulRows computes exactly the rows asked for", () => {
    const a = new Matrix(
      9,
      300,
      Float64Array.from({ length: 2700 }, (_, i) => (i % 17) - 8),
    );
    const b = new Matrix(
      300,
      7,
      Float64Array.from({ length: 2100 }, (_, i) => (i % 5) - 2),
    );
    const whole = matmul(a, b);
    const c = new Float64Array(9 * 7);
    matmulRows(a.data, b.data, c, 9, 300, 7, 2, 7);
    for (let i = 0; i < 9; i++)
      for (let j = 0; j < 7; j++) expect(c[i * 7 + j]).toBe(i >= 2 && i < 7 ? whole.get(i, j) : 0);
  });

  it("names both shapes when they do not fit", () => {
    expect(() => matmul(new Matrix(2, 3), new Matrix(4, 2))).toThrow("cannot multiply 2×3 by 4×2");
  });

  it("(A·B)ᵀ = Bᵀ·Aᵀ", () => {
    const a = new Matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
    const b = new Matrix(3, 2, Float64Array.from([7, 8, 9, 10, 11, 12]));
    expect(transpose(matmul(a, b)).data).toEqual(matmul(transpose(b), transpose(a)).data);
  });
});
