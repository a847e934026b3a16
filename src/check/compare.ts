import type { Matrix } from "../math/matrix.js";

/** np.allclose's tolerance: |actual − expected| ≤ atol + rtol·|expected|. */
export interface Tolerance {
  rtol: number;
  atol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { rtol: 1e-5, atol: 1e-8 };

/**
 * The tolerance for an answer saved in float32: float32 keeps 24 bits (about 6e-8 relative per
 * rounding) and a layer rounds a few dozen times, so differences of 1e-7…1e-6 are rounding, not
 * mistakes; every catalogued mistake changes the output by far more than this.
 */
export function singlePrecision(t: Tolerance): Tolerance {
  return { rtol: Math.max(t.rtol, 1e-4), atol: Math.max(t.atol, 1e-5) };
}

/** One matrix of an answer against the reference, reported as np.testing.assert_allclose does. */
export interface Comparison {
  /** where in the trace: `scores`, `layers[1].norm1`, `output`, … */
  name: string;
  pass: boolean;
  /** set when the shapes differ (then nothing else is compared) */
  shape?: { actual: [number, number]; expected: [number, number] };
  mismatched: number;
  total: number;
  maxAbs: number;
  maxRel: number;
  /** the first element out of tolerance, in row-major order */
  first?: { index: [number, number]; actual: number; expected: number };
  /** when it does not match its step but matches another: that step's name */
  equals?: string;
}

/**
 * Compares as np.allclose (and reports as assert_allclose): an element matches when
 * |a − e| ≤ atol + rtol·|e|, or when both are the same infinity (a masked −∞); NaN never does.
 */
export function compare(
  name: string,
  actual: Matrix,
  expected: Matrix,
  tol: Tolerance,
): Comparison {
  const total = expected.rows * expected.cols;
  if (actual.rows !== expected.rows || actual.cols !== expected.cols) {
    return {
      name,
      pass: false,
      shape: { actual: [actual.rows, actual.cols], expected: [expected.rows, expected.cols] },
      mismatched: total,
      total,
      maxAbs: Number.NaN,
      maxRel: Number.NaN,
    };
  }
  let mismatched = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let first: Comparison["first"];
  for (let n = 0; n < total; n++) {
    const a = actual.data[n];
    const e = expected.data[n];
    const sameInfinity = a === e && !Number.isFinite(e);
    const err = sameInfinity ? 0 : Math.abs(a - e);
    const ok = sameInfinity || err <= tol.atol + tol.rtol * Math.abs(e);
    if (!(err <= maxAbs)) maxAbs = err; // NaN propagates, as in numpy
    const rel = err === 0 ? 0 : err / Math.abs(e);
    if (!(rel <= maxRel)) maxRel = rel;
    if (!ok) {
      mismatched++;
      first ??= {
        index: [Math.floor(n / expected.cols), n % expected.cols],
        actual: a,
        expected: e,
      };
    }
  }
  return { name, pass: mismatched === 0, mismatched, total, maxAbs, maxRel, first };
}
