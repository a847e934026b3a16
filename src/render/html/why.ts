import { type Entries, type Explanation, explain } from "../../model/trace/provenance.js";
import type { TraceTable } from "../../model/trace/table.js";
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
  /** what provenance said, when the page is a run's (check's report has no trace table) */
  explanation?: Explanation;
}

export interface Lookup {
  mat(path: string): Mat;
  step(path: string): PageStep | undefined;
  fmt(x: number): string;
  /** the run's trace table, rebuilt from its config; absent in check's report */
  table?: TraceTable;
}

/** The most terms of a dot product listed one by one; the rest are summed on one line. */
const TERMS = 8;

/** A page's matrix as provenance reads it. */
function entries(m: Mat): Entries {
  return { rows: m.rows, cols: m.cols, get: (r, c) => m.data[r * m.cols + c] };
}

/**
 * Where entry [i, j] of a step came from, as the page shows it: provenance's explanation (the one
 * `--why` prints) of the matrices held in the page, rendered as lines and the operand rows,
 * columns or cells to outline. It computes nothing itself.
 */
export function explainCell(s: PageStep, i: number, j: number, look: Lookup): Why {
  const { fmt } = look;
  const name = (path: string) => look.step(path)?.label ?? path;
  const x = look.mat(s.path).data[i * s.cols + j];
  const exact = look.mat(s.path).exact;
  const title = `${s.label}[${i},${j}] ${exact ? "=" : "≈"} ${String(x).replace("-Infinity", "−∞")}${exact ? "" : "  (float32 in this page; --json has every digit)"}`;
  const [a, b] = s.operands.map((o) => o.path);
  if (s.op.kind === "difference") {
    const v = (p: string) => look.mat(p).data[i * s.cols + j];
    return {
      title,
      lines: [`= answer − reference = ${fmt(v(a))} − ${fmt(v(b))}`],
      marks: [
        { path: a, cell: [i, j] },
        { path: b, cell: [i, j] },
      ],
    };
  }
  if (!look.table || s.op.kind === "input") {
    return { title, lines: [s.about ?? "a weight", "given, or drawn from the seed"], marks: [] };
  }
  const e = explain(
    look.table,
    (p) => entries(look.mat(p)),
    { path: s.path, i, j },
    { terms: TERMS },
  );
  const w = e.why;
  const done = (lines: string[], marks: Mark[]): Why => ({ title, lines, marks, explanation: e });
  switch (w.kind) {
    case "input":
      return done([s.about ?? "a weight", "given, or drawn from the seed"], []);
    case "causal-mask":
      return done(
        [
          w.hidden
            ? `key ${j} comes after query ${i}: hidden (−∞)`
            : `key ${j} ≤ query ${i}: visible (0)`,
        ],
        [],
      );
    case "product": {
      const ob = s.operands[1];
      const off = ob.cols?.[0] ?? 0;
      const bIndex = (k: number | string) => (ob.transposed ? `${j},${k}` : `${k},${off + j}`);
      const relu = s.op.kind === "product" && s.op.relu;
      const total = w.terms.length + w.rest.count;
      const lines = [
        `= ${relu ? "relu(" : ""}Σₖ ${name(a)}[${i},k]·${name(b)}[${bIndex("k")}]${relu ? ")" : ""}   (${total} terms, largest first)`,
        ...w.terms.map(
          (t) =>
            `${name(a)}[${i},${t.k}]·${name(b)}[${bIndex(t.k)}] = ${fmt(t.a)} × ${fmt(t.b)} = ${fmt(t.product)}`,
        ),
      ];
      if (w.rest.count > 0) lines.push(`the other ${w.rest.count} terms sum to ${fmt(w.rest.sum)}`);
      lines.push(`sum = ${fmt(w.sum)}`);
      if (w.relu) lines.push(w.relu.clipped ? "relu clips it to 0" : "relu keeps it");
      const marks: Mark[] = [
        { path: a, row: i },
        ob.transposed ? { path: b, row: j } : { path: b, col: off + j },
      ];
      return done(lines, marks);
    }
    case "scale":
      return done(
        [`= ${name(a)}[${i},${j}] / ${fmt(w.divisor)} = ${fmt(w.operand)} / ${fmt(w.divisor)}`],
        [{ path: a, cell: [i, j] }],
      );
    case "mask":
      return done(
        w.hidden
          ? [
              `hidden: key ${j} comes after query ${i}, so the mask adds −∞ and its weight is exactly 0`,
            ]
          : [`= ${name(a)}[${i},${j}] + 0 = ${fmt(w.operand)}   (key ${j} ≤ query ${i}: visible)`],
        [{ path: a, cell: [i, j] }],
      );
    case "softmax": {
      const shown =
        w.row.length > TERMS * 2
          ? `${w.row.slice(0, TERMS).map(fmt).join(", ")}, …`
          : w.row.map(fmt).join(", ");
      return done(
        [
          `= exp(${name(a)}[${i},${j}] − max) / Σₖ exp(${name(a)}[${i},k] − max)`,
          `row ${i} of ${name(a)}: ${shown}`,
          `max = ${fmt(w.max)}, Σₖ exp(· − max) = ${fmt(w.sum)}`,
          w.hidden
            ? `hidden: exp(−∞) = 0, so key ${j} gets no weight`
            : `= exp(${fmt(w.x - w.max)}) / ${fmt(w.sum)} = ${fmt(w.exp)} / ${fmt(w.sum)}`,
        ],
        [{ path: a, row: i }],
      );
    }
    case "add":
      return done(
        [
          `= ${name(a)}[${i},${j}] + ${name(b)}[${i},${j}] = ${fmt(w.addends[0])} + ${fmt(w.addends[1])}`,
        ],
        [
          { path: a, cell: [i, j] },
          { path: b, cell: [i, j] },
        ],
      );
    case "layer-norm":
      return done(
        [
          `= (${name(a)}[${i},${j}] − mean) / √(var + ${w.eps})   over row ${i}`,
          `mean = ${fmt(w.mean)}, var = ${fmt(w.variance)}`,
          `= (${fmt(w.x)} − ${fmt(w.mean)}) / ${fmt(Math.sqrt(w.variance + w.eps))}`,
        ],
        [{ path: a, row: i }],
      );
    case "concat":
      return done(
        [`= z of head ${w.head}, [${i},${w.column}]`],
        [{ path: s.operands[w.head].path, cell: [i, w.column] }],
      );
  }
}
