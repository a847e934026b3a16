import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

// The second thread runs the built worker, so this test uses the build (npm test builds first).
const lib = await import(`${ROOT}dist/lib.js`);

describe("matmul on two threads", () => {
  it("gives the very same bits as one thread, for products above the threshold with ragged edges", () => {
    const shapes = [
      [64, 1024, 257], //   shared by columns
      [130, 769, 515],
      [17, 2048, 2000],
      [1001, 300, 41], //   shared by rows
    ];
    const products = shapes.map(([n, k, m]) => {
      expect(n * k * m).toBeGreaterThanOrEqual(lib.MIN_WORK);
      const a = new lib.Matrix(n, k);
      const b = new lib.Matrix(k, m);
      lib.numpyNormals(n).fill(a.data);
      lib.numpyNormals(m).fill(b.data);
      const one = new Float64Array(n * m);
      lib.matmulRows(a.data, b.data, one, n, k, m, 0, n);
      return { a, b, one };
    });
    lib.enableParallelMatmul(new URL(`file://${ROOT}dist/matmul-worker.js`));
    const before = { ...lib.parallelProducts };
    for (const { a, b, one } of products) {
      const two = lib.matmul(a, b);
      expect(two.data.every((x: number, i: number) => x === one[i])).toBe(true);
    }
    // A·Bᵀ too: the second thread packs B's rows as columns
    const [q, k] = [new lib.Matrix(2048, 64), new lib.Matrix(1999, 64)];
    lib.numpyNormals(7).fill(q.data);
    lib.numpyNormals(8).fill(k.data);
    const two = lib.matmulTransposed(q, k);
    lib.setParallelMatmul(undefined);
    const one = lib.matmulTransposed(q, k).data;
    expect(two.data.every((x: number, i: number) => x === one[i])).toBe(true);
    if (availableParallelism() >= 2) {
      expect(lib.parallelProducts.count - before.count).toBe(products.length + 1);
      // chunks go to whichever thread is free first; the worker takes some of them
      expect(lib.parallelProducts.workerChunks - before.workerChunks).toBeGreaterThan(0);
    }
  });
});
