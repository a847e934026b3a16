import { count, UserError } from "../errors.js";
import { Matrix } from "../math/matrix.js";

/**
 * A JSON value that should be a matrix — a non-empty list of equally long, non-empty rows of
 * finite numbers — as a Matrix; anything else is a UserError naming the key, file and row.
 * Indices are numpy's: row 0 is the first.
 */
export function matrixFromJson(value: unknown, key: string, file: string, finite = true): Matrix {
  const where = `${key} in ${file}`;
  if (!Array.isArray(value)) {
    throw new UserError(`${where}: expected a list of rows (a 2-D matrix), got ${describe(value)}`);
  }
  if (value.length === 0) throw new UserError(`${where}: the matrix has no rows`);
  if (typeof value[0] === "number") {
    throw new UserError(
      `${where}: expected a list of rows (a 2-D matrix), got a list of numbers; write a 1×${value.length} matrix as [[…]]`,
    );
  }
  if (!Array.isArray(value[0])) {
    throw new UserError(`${where}: row 0 is ${describe(value[0])}, expected a list of numbers`);
  }
  const cols = (value[0] as unknown[]).length;
  if (cols === 0) throw new UserError(`${where}: row 0 is empty`);
  const m = new Matrix(value.length, cols);
  value.forEach((row: unknown, i) => {
    if (!Array.isArray(row))
      throw new UserError(`${where}: row ${i} is ${describe(row)}, expected a list of numbers`);
    if (row.length !== cols) {
      throw new UserError(
        `${where}: row ${i} has ${count(row.length, "number")}, expected ${cols}`,
      );
    }
    row.forEach((x: unknown, j) => {
      if (x === null && !finite) {
        m.data[i * cols + j] = Number.NEGATIVE_INFINITY; // a masked score, as the tool writes it
        return;
      }
      if (typeof x !== "number") {
        throw new UserError(`${where}: row ${i}, column ${j} is ${describe(x)}, expected a number`);
      }
      if (finite && !Number.isFinite(x)) {
        throw new UserError(`${where}: row ${i}, column ${j} is ${x}, expected a finite number`);
      }
      m.data[i * cols + j] = x;
    });
  });
  return m;
}

/** Whether a JSON value looks like a matrix (a list whose first item is a list), not an object or list of objects. */
export function isRowList(v: unknown): v is unknown[][] {
  return Array.isArray(v) && v.length > 0 && Array.isArray(v[0]);
}

/** Non-finite values in a matrix read from a binary file (where NaN and ∞ can be stored). */
export function assertFinite(m: Matrix, key: string, file: string): Matrix {
  const bad = m.data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) {
    const i = Math.floor(bad / m.cols);
    throw new UserError(
      `${key} in ${file}: row ${i}, column ${bad % m.cols} is ${m.data[bad]}, expected a finite number`,
    );
  }
  return m;
}

export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "string")
    return `the text ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v === "number" ? "the number" : `a ${typeof v}`} ${String(v)}`;
}
