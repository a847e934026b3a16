import { onCoreByChunks } from "./kernels/elementwise.js";
import { allocate } from "./kernels/heap.js";

/**
 * A dense row-major matrix of float64: the only numeric type in the project.
 * Lists of rows exist only at the edges (JSON in and out); everything inside works on `data`.
 */
export class Matrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float64Array = allocate(rows * cols),
  ) {
    if (data.length !== rows * cols) {
      throw new RangeError(
        `Matrix ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`,
      );
    }
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j];
  }

  row(i: number): Float64Array {
    return this.data.subarray(i * this.cols, (i + 1) * this.cols);
  }
}

export function shapeText(m: { rows: number; cols: number }): string {
  return `${m.rows}×${m.cols}`;
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const m = new Matrix(r, c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} values, expected ${c}`);
    m.data.set(row, i * c);
  });
  return m;
}

export function toRows(m: Matrix): number[][] {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.row(i)));
}

export function transpose(a: Matrix): Matrix {
  const t = new Matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  }
  return t;
}

function assertSameShape(a: Matrix, b: Matrix, op: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`${op}: shapes ${shapeText(a)} and ${shapeText(b)} differ`);
  }
}

/** a + b, elementwise. */
export function add(a: Matrix, b: Matrix): Matrix {
  assertSameShape(a, b, "add");
  const out = new Matrix(a.rows, a.cols);
  const onCore = onCoreByChunks([a.data, b.data], out.data, (core, [x, y], dst, n) =>
    core.add(x, y, dst, n),
  );
  if (!onCore) for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] + b.data[i];
  return out;
}

/** a / s, elementwise by a scalar: a division (not a product by 1/s) so it rounds as numpy's `/` does. */
export function divide(a: Matrix, s: number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  const onCore = onCoreByChunks([a.data], out.data, (core, [x], dst, n) =>
    core.divide(x, dst, n, s),
  );
  if (!onCore) for (let i = 0; i < out.data.length; i++) out.data[i] = a.data[i] / s;
  return out;
}

export function map(a: Matrix, f: (x: number) => number): Matrix {
  const out = new Matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = f(a.data[i]);
  return out;
}

/** Rows [from, to) of a, as a view of a's values (nothing is copied). */
export function rowsOf(a: Matrix, from: number, to: number): Matrix {
  if (from < 0 || to > a.rows || from > to) {
    throw new RangeError(`rowsOf: [${from}, ${to}) outside 0…${a.rows}`);
  }
  return new Matrix(to - from, a.cols, a.data.subarray(from * a.cols, to * a.cols));
}

/** a += b, elementwise, in place. */
export function addInPlace(a: Matrix, b: Matrix): void {
  assertSameShape(a, b, "addInPlace");
  const onCore = onCoreByChunks([a.data, b.data], a.data, (core, [x, y], dst, n) =>
    core.add(x, y, dst, n),
  );
  if (!onCore) for (let i = 0; i < a.data.length; i++) a.data[i] += b.data[i];
}

/** a /= s, elementwise, in place (a division, as numpy's `/` rounds). */
export function divideInPlace(a: Matrix, s: number): void {
  const onCore = onCoreByChunks([a.data], a.data, (core, [x], dst, n) => core.divide(x, dst, n, s));
  if (!onCore) for (let i = 0; i < a.data.length; i++) a.data[i] /= s;
}

/** Columns [from, to) of a. */
export function sliceCols(a: Matrix, from: number, to: number): Matrix {
  if (from < 0 || to > a.cols || from > to) {
    throw new RangeError(`sliceCols: [${from}, ${to}) outside 0…${a.cols}`);
  }
  const w = to - from;
  const out = new Matrix(a.rows, w);
  for (let i = 0; i < a.rows; i++) {
    out.data.set(a.data.subarray(i * a.cols + from, i * a.cols + to), i * w);
  }
  return out;
}

/** The matrices side by side: [a | b | ...]; all must have the same number of rows. */
export function concatCols(parts: readonly Matrix[]): Matrix {
  const rows = parts[0].rows;
  const cols = parts.reduce((n, p) => n + p.cols, 0);
  const out = new Matrix(rows, cols);
  let offset = 0;
  for (const p of parts) {
    if (p.rows !== rows) throw new RangeError(`concatCols: ${p.rows} rows, expected ${rows}`);
    for (let i = 0; i < rows; i++) out.data.set(p.row(i), i * cols + offset);
    offset += p.cols;
  }
  return out;
}
