import type { Step } from "../../model/trace/steps.js";
import type { TraceTable } from "../../model/trace/table.js";

/** The table's op, and the check report's answer − reference. */
export type PageOp = Step["op"] | { kind: "difference" };

/** Where a step sits on the page: its layer section, its block, its head tab. */
export interface Place {
  layer?: number;
  block: "inputs" | "self" | "cross" | "addnorm1" | "addnorm2" | "addnorm3" | "ffn" | "attention";
  head?: number;
}

/**
 * One matrix of the run as the page shows it: a step of the trace table (path, label, op,
 * operands, formula), with its shape in numbers and where it goes on the page.
 */
export interface PageStep extends Omit<Step, "op" | "shape"> {
  op: PageOp;
  rows: number;
  cols: number;
  /** `(4×3)·(3×4) → 4×4`, or `4×4` */
  shape: string;
  /** attention weights are drawn on a sequential scale from 0 to 1, everything else diverging */
  kind: "signed" | "weights";
  place: Place;
  note?: string;
  /** the signed scale's ±limit, when several matrices must share one (check: answer and reference) */
  limit?: number;
  /** an entry outlined for good (check's report: the first wrong one) */
  mark?: [number, number];
}

const dims = ([r, c]: readonly [number, number]) => `${r}×${c}`;

/**
 * The steps of a run as the page lays them out: the run's own inputs first, then the layer's
 * steps in the order computed, each weight just before the block that uses it. `kept` says which
 * matrices the run holds.
 */
export function pageSteps(table: TraceTable, kept: (path: string) => boolean): PageStep[] {
  const all = table.steps.filter((s) => s.op.kind !== "output" && kept(s.path));
  const page = (s: Step): PageStep => {
    const [rows, cols] = table.shape(s);
    const shape =
      s.op.kind === "product"
        ? `(${dims(table.operandShape(s.operands[0]))})·(${dims(table.operandShape(s.operands[1]))}) → ${rows}×${cols}`
        : `${rows}×${cols}`;
    return {
      ...s,
      rows,
      cols,
      shape,
      kind: s.op.kind === "softmax" ? "weights" : "signed",
      place: placeOf(s, table),
      note: note(s),
    };
  };
  const out = all.filter((s) => s.op.kind !== "input" || s.layer === undefined).map(page);
  for (const w of all.filter((s) => s.op.kind === "input" && s.layer !== undefined)) {
    const user = out.findIndex((s) => s.operands.some((o) => o.path === w.path));
    if (user < 0) continue;
    const block = out[user].place;
    let first =
      out[user].head === undefined
        ? user
        : out.findIndex((s) => s.place.layer === block.layer && s.place.block === block.block);
    while (first < user && out[first].op.kind === "input") first++; // after the weights put there
    out.splice(first, 0, { ...page(w), place: { layer: w.layer, block: block.block } });
  }
  return out;
}

function placeOf(s: Step, table: TraceTable): Place {
  if (s.layer === undefined) {
    return { block: s.path.startsWith("steps.") ? "attention" : "inputs" };
  }
  const at = { layer: s.layer, head: s.head };
  if (s.block) return { ...at, block: s.block };
  if (s.op.kind === "add") return { ...at, block: `addnorm${s.name.slice(-1)}` as Place["block"] };
  if (s.op.kind === "layer-norm") {
    const residual = table.step(s.operands[0].path).name;
    return { ...at, block: `addnorm${residual.slice(-1)}` as Place["block"] };
  }
  return { ...at, block: "ffn" };
}

function note(s: Step): string | undefined {
  switch (s.op.kind) {
    case "scale":
      return `√d_k = ${s.op.divisor}`;
    case "causal-mask":
      return "query i sees key j only when j ≤ i: 0 there, −∞ where j > i";
    case "mask":
      return "a hidden score becomes −∞, so its weight is exactly 0";
    case "softmax":
      return "each row sums to 1: row i is how much query i attends to each key";
    case "add":
      return "the residual connection";
    case "layer-norm":
      return "each row: mean 0, variance 1";
    default:
      return s.about;
  }
}

/**
 * The step a user names (`weights`, `q`, `norm1`, `wq`, `cross.weights`, or a whole path) in the
 * given layer and head (each 0 by default, numbered as in the trace's paths): the first in
 * computing order.
 */
export function findStep(
  steps: PageStep[],
  name: string,
  where: { layer?: number; head?: number } = {},
): PageStep | undefined {
  const want = name.toLowerCase();
  const layer = where.layer ?? 0;
  const head = where.head ?? 0;
  return steps.find((s) => {
    if (s.path.toLowerCase() === want) return true;
    const short = s.path.toLowerCase().replace(/\.heads\[\d+\]/, ""); // cross.weights: in any head
    return (
      (short === want || short.endsWith(`.${want}`)) &&
      (s.layer === undefined || s.layer === layer) &&
      (s.head === undefined || s.head === head)
    );
  });
}

/** The names findStep knows, for an error message: `x, wq, …, q, k, …, output`. */
export function stepNames(steps: PageStep[]): string[] {
  return [...new Set(steps.map((s) => s.name))];
}
