import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { relu } from "../../src/math/activations.js";
import { attentionByRows } from "../../src/math/attention-rows.js";
import { wasmCore } from "../../src/math/kernels/core.js";
import { heapOffset } from "../../src/math/kernels/heap.js";
import { LAYER_NORM_EPS, layerNorm } from "../../src/math/layer-norm.js";
import { matmul, matmulRows, matmulTransposed } from "../../src/math/matmul.js";
import { add, divide, Matrix, transpose } from "../../src/math/matrix.js";
import { softmax, softmaxInto } from "../../src/math/softmax.js";
import { ROOT, testEnv } from "../helpers.js";

// numpy's results for ragged shapes, made at test time by fixtures/make_kernel_cases.py.
const dir = mkdtempSync(join(tmpdir(), "kernels-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const made = spawnSync(testEnv().python, [`${ROOT}fixtures/make_kernel_cases.py`, dir], {
  encoding: "utf8",
});
if (made.status !== 0) throw new Error(`make_kernel_cases.py failed:\n${made.stderr}`);
const shapes: Record<string, [number, number]> = JSON.parse(
  readFileSync(join(dir, "shapes.json"), "utf8"),
);
function load(name: string): Matrix {
  const bytes = readFileSync(join(dir, `${name}.f64`));
  const [r, c] = shapes[name];
  const m = new Matrix(r, c);
  m.data.set(new Float64Array(bytes.buffer, bytes.byteOffset, r * c));
  return m;
}

/** How many values differ (as numbers: NaN never equals), for exact comparisons. */
function mismatches(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

/** |a − e| ≤ tol·max(1, |e|) everywhere, −∞ and 0 where numpy has them; returns the worst. */
function expectClose(actual: Matrix, expected: Matrix, tol: number): number {
  expect([actual.rows, actual.cols]).toEqual([expected.rows, expected.cols]);
  let worst = 0;
  expected.data.forEach((e, i) => {
    const a = actual.data[i];
    if (!Number.isFinite(e) || e === 0) expect(a).toBe(e);
    else worst = Math.max(worst, Math.abs(a - e) / Math.max(1, Math.abs(e)));
  });
  expect(worst).toBeLessThanOrEqual(tol);
  return worst;
}

describe("the WebAssembly core", () => {
  it("is there, and large matrices live in its memory", () => {
    expect(wasmCore()).toBeDefined();
    expect(heapOffset(load("mm_a").data)).toBeGreaterThan(0);
    expect(heapOffset(new Matrix(4, 8).data)).toBe(-1); // the homework's stay plain
  });

  it("multiplies as numpy does (ragged edges, two depth slices)", () => {
    expectClose(matmul(load("mm_a"), load("mm_b")), load("mm_c"), 1e-13);
    expectClose(matmulTransposed(load("mt_q"), load("mt_k")), load("mt_c"), 1e-13);
  });

  it("gives the very bits of the JS kernel, and A·Bᵀ those of A·transpose(B)", () => {
    const [a, b] = [load("mm_a"), load("mm_b")];
    const js = new Float64Array(a.rows * b.cols);
    matmulRows(a.data, b.data, js, a.rows, a.cols, b.cols, 0, a.rows);
    expect(mismatches(matmul(a, b).data, js)).toBe(0);
    const [q, k] = [load("mt_q"), load("mt_k")];
    expect(mismatches(matmulTransposed(q, k).data, matmul(q, transpose(k)).data)).toBe(0);
  });

  it("takes a softmax as scipy does, masked weights exactly 0", () => {
    const x = load("sm_x");
    const y = softmax(x);
    expectClose(y, load("sm_y"), 1e-14);
    const js = new Matrix(x.rows, x.cols, new Float64Array(x.data.length));
    for (let i = 0; i < x.rows; i++) softmaxInto(x.row(i), js.row(i));
    expectClose(y, js, 1e-14);
  });

  it("takes the layer norm, ReLU, sum and quotient as numpy does", () => {
    expectClose(layerNorm(load("ln_x"), LAYER_NORM_EPS), load("ln_y"), 1e-14);
    const [u, v] = [load("ew_u"), load("ew_v")];
    // one rounding each: these are exact
    expect(mismatches(relu(u).data, load("ew_relu").data)).toBe(0);
    expect(mismatches(add(u, v).data, load("ew_add").data)).toBe(0);
    expect(mismatches(divide(u, Math.sqrt(64)).data, load("ew_div").data)).toBe(0);
  });

  it("computes attention a block of rows at a time as numpy does, and as the steps do", () => {
    const [q, k, v] = [load("at_q"), load("at_k"), load("at_v")];
    const mask = new Matrix(300, 300);
    for (let i = 0; i < 300; i++)
      mask.data.fill(Number.NEGATIVE_INFINITY, i * 300 + i + 1, (i + 1) * 300);
    const z = attentionByRows(q, k, v, Math.sqrt(64), mask);
    expectClose(z, load("at_z"), 1e-13);
    const steps = matmul(softmax(add(divide(matmulTransposed(q, k), Math.sqrt(64)), mask)), v);
    expect(mismatches(z.data, steps.data)).toBe(0);
  });
});
