import { describe, expect, it } from "vitest";
import { compare } from "../../src/check/compare.js";
import { Matrix } from "../../src/math/matrix.js";

const TOL = { rtol: 1e-5, atol: 1e-8 };
const m = (rows: number[][]) =>
  new Matrix(rows.length, rows[0].length, Float64Array.from(rows.flat()));

describe("compare, as np.allclose", () => {
  it("accepts |a − e| ≤ atol + rtol·|e| and reports assert_allclose's figures", () => {
    const e = m([
      [1, 100],
      [0, -2],
    ]);
    const ok = compare(
      "x",
      m([
        [1 + 1e-6, 100.0009],
        [5e-9, -2],
      ]),
      e,
      TOL,
    );
    expect(ok.pass).toBe(true);
    const bad = compare(
      "x",
      m([
        [1, 100.002],
        [0, -2.5],
      ]),
      e,
      TOL,
    );
    expect(bad).toMatchObject({
      pass: false,
      mismatched: 2,
      total: 4,
      first: { index: [0, 1], actual: 100.002, expected: 100 },
    });
    expect(bad.maxAbs).toBeCloseTo(0.5, 12);
    expect(bad.maxRel).toBeCloseTo(0.25, 12);
  });

  it("never accepts NaN; accepts the same infinity (a masked score)", () => {
    expect(compare("x", m([[Number.NaN]]), m([[1]]), TOL).pass).toBe(false);
    expect(
      compare("x", m([[Number.NEGATIVE_INFINITY]]), m([[Number.NEGATIVE_INFINITY]]), TOL).pass,
    ).toBe(true);
  });

  it("reports a shape mismatch instead of comparing", () => {
    expect(compare("x", m([[1, 2]]), m([[1], [2]]), TOL)).toMatchObject({
      pass: false,
      shape: { actual: [1, 2], expected: [2, 1] },
    });
  });
});
