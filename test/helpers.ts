import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const BIN = `${ROOT}bin/transformer-lab.js`;

export function fixture<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(`${ROOT}fixtures/${path}`, "utf8")) as T;
}

type Rows = (number | null)[][];

/**
 * Every matrix in `actual` equals the one at the same place in `expected` (a numpy fixture):
 * the same keys, shapes, nulls (masked −∞) in the same places, numbers within
 * |a − e| ≤ tol·max(1, |e|).
 */
export function expectTreeClose(actual: unknown, expected: unknown, tol: number, path = "$"): void {
  if (isMatrix(expected)) {
    expect(isMatrix(actual), `${path} is a matrix`).toBe(true);
    expectMatrixClose(actual as Rows, expected, tol, path);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is a list`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    for (const [i, e] of expected.entries()) {
      expectTreeClose((actual as unknown[])[i], e, tol, `${path}[${i}]`);
    }
  } else if (expected !== null && typeof expected === "object") {
    expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(
      Object.keys(expected).sort(),
    );
    for (const [k, e] of Object.entries(expected)) {
      expectTreeClose((actual as Record<string, unknown>)[k], e, tol, `${path}.${k}`);
    }
  } else {
    expect(actual, path).toEqual(expected);
  }
}

export function expectMatrixClose(
  actual: Rows,
  expected: Rows,
  tol: number,
  path = "matrix",
): void {
  expect([actual.length, actual[0]?.length], `${path} shape`).toEqual([
    expected.length,
    expected[0]?.length,
  ]);
  let worst = 0;
  let where = "";
  for (const [i, row] of expected.entries()) {
    for (const [j, e] of row.entries()) {
      const a = actual[i][j];
      if (e === null || a === null) {
        expect(a, `${path}[${i}][${j}] masked`).toBe(e);
        continue;
      }
      const err = Math.abs(a - e) / Math.max(1, Math.abs(e));
      if (err > worst) [worst, where] = [err, `[${i}][${j}]: ${a} vs ${e}`];
    }
  }
  expect(worst, `${path} worst relative error at ${where}`).toBeLessThanOrEqual(tol);
}

function isMatrix(v: unknown): v is Rows {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    Array.isArray(v[0]) &&
    (v[0].length === 0 || typeof v[0][0] !== "object" || v[0][0] === null)
  );
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built binary, as a user would. */
export function cli(
  args: string[],
  opts: { input?: string | Buffer; env?: Record<string, string> } = {},
): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  // chalk reads an empty FORCE_COLOR as "force", so the variables are removed, not emptied.
  for (const k of ["NO_COLOR", "FORCE_COLOR"]) if (!opts.env?.[k]) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? "",
    env,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What `npm test`'s pretest step (scripts/pretest.mjs) found: a Python with numpy and scipy, Chromium. */
export interface TestEnv {
  python: string;
  chromium: string;
}

export function testEnv(): TestEnv {
  const file = `${ROOT}node_modules/.transformer-lab-test-env.json`;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as TestEnv;
  } catch {
    throw new Error(
      `${file} is missing: run the tests with \`npm test\` (its pretest step finds Python and Chromium)`,
    );
  }
}
