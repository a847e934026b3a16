import type { PageStep } from "./steps.js";

/** A matrix as the page holds it. */
export interface Mat {
  rows: number;
  cols: number;
  data: Float64Array;
  /** false when the page holds it as float32 (a BERT-size weight) */
  exact: boolean;
}

/** A part of a matrix to highlight: a row, a column or one cell. */
export interface Mark {
  path: string;
  row?: number;
  col?: number;
  cell?: [number, number];
}

export interface Why {
  title: string;
  lines: string[];
  marks: Mark[];
}

export interface Lookup {
  mat(path: string): Mat;
  step(path: string): PageStep | undefined;
  fmt(x: number): string;
}

/** The most terms of a dot product listed one by one; the rest are summed on one line. */
const TERMS = 8;

/**
 * Where entry [i, j] of a step came from, from the step's op and operands: for a product the
 * operands' row and column and the dot-product terms, largest first; for a weight its softmax
 * row; for a normalised value its row's mean and variance. It reads the matrices of the page and
 * recomputes no step, only the terms and sums that show how the entry was made.
 */
export function explain(s: PageStep, i: number, j: number, look: Lookup): Why {
  const { fmt } = look;
  const value = (path: string, r: number, c: number) => {
    const m = look.mat(path);
    return m.data[r * m.cols + c];
  };
  const name = (path: string) => look.step(path)?.label ?? path;
  const x = value(s.path, i, j);
  const exact = look.mat(s.path).exact;
  const title = `${s.label}[${i},${j}] ${exact ? "=" : "≈"} ${String(x).replace("-Infinity", "−∞")}${exact ? "" : "  (float32 in this page; --json has every digit)"}`;
  const [a, b] = s.operands.map((o) => o.path);
  switch (s.op.kind) {
    case "input":
      return { title, lines: [s.about ?? "a weight", "given, or drawn from the seed"], marks: [] };
    case "causal-mask":
      return {
        title,
        lines: [
          j > i
            ? `key ${j} comes after query ${i}: hidden (−∞)`
            : `key ${j} ≤ query ${i}: visible (0)`,
        ],
        marks: [],
      };
    case "output":
      return { title, lines: [`= ${name(a)}[${i},${j}]`], marks: [{ path: a, cell: [i, j] }] };
    case "product": {
      const ob = s.operands[1];
      const A = look.mat(a);
      const off = ob.cols?.[0] ?? 0;
      const bAt = (k: number) => (ob.transposed ? value(b, j, k) : value(b, k, off + j));
      const bIndex = (k: number | string) => (ob.transposed ? `${j},${k}` : `${k},${off + j}`);
      const terms = Array.from({ length: A.cols }, (_, k) => [k, value(a, i, k), bAt(k)]);
      const sum = terms.reduce((t, [, p, q]) => t + p * q, 0);
      terms.sort((u, v) => Math.abs(v[1] * v[2]) - Math.abs(u[1] * u[2]));
      const lines = [
        `= ${s.op.relu ? "relu(" : ""}Σₖ ${name(a)}[${i},k]·${name(b)}[${bIndex("k")}]${s.op.relu ? ")" : ""}   (${A.cols} terms, largest first)`,
        ...terms
          .slice(0, TERMS)
          .map(
            ([k, p, q]) =>
              `${name(a)}[${i},${k}]·${name(b)}[${bIndex(k)}] = ${fmt(p)} × ${fmt(q)} = ${fmt(p * q)}`,
          ),
      ];
      if (terms.length > TERMS) {
        const rest = terms.slice(TERMS).reduce((t, [, p, q]) => t + p * q, 0);
        lines.push(`the other ${terms.length - TERMS} terms sum to ${fmt(rest)}`);
      }
      lines.push(`sum = ${fmt(sum)}`);
      if (s.op.relu) lines.push(sum > 0 ? "relu keeps it" : "relu clips it to 0");
      const marks: Mark[] = [
        { path: a, row: i },
        ob.transposed ? { path: b, row: j } : { path: b, col: off + j },
      ];
      return { title, lines, marks };
    }
    case "scale":
      return {
        title,
        lines: [
          `= ${name(a)}[${i},${j}] / ${fmt(s.op.divisor)} = ${fmt(value(a, i, j))} / ${fmt(s.op.divisor)}`,
        ],
        marks: [{ path: a, cell: [i, j] }],
      };
    case "mask":
      return {
        title,
        lines:
          x === Number.NEGATIVE_INFINITY
            ? [
                `hidden: key ${j} comes after query ${i}, so the mask adds −∞ and its weight is exactly 0`,
              ]
            : [
                `= ${name(a)}[${i},${j}] + 0 = ${fmt(value(a, i, j))}   (key ${j} ≤ query ${i}: visible)`,
              ],
        marks: [{ path: a, cell: [i, j] }],
      };
    case "softmax": {
      const S = look.mat(a);
      const row = Array.from({ length: S.cols }, (_, k) => value(a, i, k));
      const max = Math.max(...row);
      const exps = row.map((v) => Math.exp(v - max));
      const total = exps.reduce((t, e) => t + e, 0);
      const shown =
        row.length > TERMS * 2
          ? `${row.slice(0, TERMS).map(fmt).join(", ")}, …`
          : row.map(fmt).join(", ");
      return {
        title,
        lines: [
          `= exp(${name(a)}[${i},${j}] − max) / Σₖ exp(${name(a)}[${i},k] − max)`,
          `row ${i} of ${name(a)}: ${shown}`,
          `max = ${fmt(max)}, Σₖ exp(· − max) = ${fmt(total)}`,
          row[j] === Number.NEGATIVE_INFINITY
            ? `hidden: exp(−∞) = 0, so key ${j} gets no weight`
            : `= exp(${fmt(row[j] - max)}) / ${fmt(total)} = ${fmt(exps[j])} / ${fmt(total)}`,
        ],
        marks: [{ path: a, row: i }],
      };
    }
    case "add":
      return {
        title,
        lines: [
          `= ${name(a)}[${i},${j}] + ${name(b)}[${i},${j}] = ${fmt(value(a, i, j))} + ${fmt(value(b, i, j))}`,
        ],
        marks: [
          { path: a, cell: [i, j] },
          { path: b, cell: [i, j] },
        ],
      };
    case "layer-norm": {
      const R = look.mat(a);
      const row = R.data.subarray(i * R.cols, (i + 1) * R.cols);
      const mean = row.reduce((t, v) => t + v, 0) / row.length;
      const variance = row.reduce((t, v) => t + (v - mean) ** 2, 0) / row.length;
      return {
        title,
        lines: [
          `= (${name(a)}[${i},${j}] − mean) / √(var + ${s.op.eps})   over row ${i}`,
          `mean = ${fmt(mean)}, var = ${fmt(variance)}`,
          `= (${fmt(row[j])} − ${fmt(mean)}) / ${fmt(Math.sqrt(variance + s.op.eps))}`,
        ],
        marks: [{ path: a, row: i }],
      };
    }
    case "difference":
      return {
        title,
        lines: [`= answer − reference = ${fmt(value(a, i, j))} − ${fmt(value(b, i, j))}`],
        marks: [
          { path: a, cell: [i, j] },
          { path: b, cell: [i, j] },
        ],
      };
    case "concat": {
      const width = look.mat(a).cols;
      const h = Math.floor(j / width);
      const from = s.operands[h].path;
      return {
        title,
        lines: [`= z of head ${h}, [${i},${j % width}]`],
        marks: [{ path: from, cell: [i, j % width] }],
      };
    }
  }
}
