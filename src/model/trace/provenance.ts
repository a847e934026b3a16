import type { Matrix } from "../../math/matrix.js";
import { type Computed, matrixAt } from "./lookup.js";
import type { Operand, Step } from "./steps.js";
import type { TraceTable } from "./table.js";

/**
 * Where one number came from. Given a run's trace, a step and an entry [i, j], `explain` says how
 * that entry was made from entries of the step's operands — with the numbers the trace holds, and
 * nothing recomputed but the sums, means and maxima the formula names — and which operand entries
 * made it, the most influential first. `whyTree` follows them back. The CLI's `--why`, check's
 * report and the HTML page's hover all read this one module (pure: no I/O).
 */

/** An entry of a matrix of the trace, at its place in that matrix as stored (not transposed). */
export interface At {
  path: string;
  i: number;
  j: number;
}

/** An operand entry to follow, with its value and how much it moves the explained value. */
export interface Next extends At {
  value: number;
  /**
   * product: |a·b| of its term; add: |addend|; layer-norm, softmax: |∂value/∂entry|;
   * scale, mask, concat: 1 (the one entry it is made from)
   */
  influence: number;
}

/** One term a·b of a product's sum Σₖ a[i,k]·b[k,j], each factor where the trace keeps it. */
export interface Term {
  k: number;
  a: number;
  b: number;
  /** a·b */
  product: number;
  aAt: At;
  bAt: At;
}

/** How the entry was made, by op kind. Every number needed to recompute it is here. */
export type Why =
  | { kind: "input" }
  | {
      kind: "product";
      /** the largest |a·b| first; at most `terms` of them (see ExplainOptions) */
      terms: Term[];
      /** the terms left out, summed (count 0 when every term is listed) */
      rest: { count: number; sum: number };
      /** how many of all the terms are exactly 0 */
      zeros: number;
      /** Σ of every term: the entry itself, or relu's input */
      sum: number;
      /** relu(Σ) (the feed-forward's hidden layer): whether it clipped Σ < 0 to 0 */
      relu?: { clipped: boolean };
    }
  | { kind: "scale"; operand: number; divisor: number }
  | {
      kind: "causal-mask";
      /** key j comes after query i, so it is hidden (−∞) */
      hidden: boolean;
    }
  | { kind: "mask"; hidden: boolean; operand: number; mask: number }
  | {
      kind: "softmax";
      /** the operand's entry [i, j] (−∞ when masked) */
      x: number;
      /** the row's max and Σₖ exp(x[i,k] − max) */
      max: number;
      sum: number;
      /** exp(x − max) */
      exp: number;
      /** the operand's row i, −∞ where masked */
      row: number[];
      /** x is −∞: the key was masked (key j after query i) */
      hidden: boolean;
    }
  | {
      kind: "concat";
      /** which head's z, and which column of it */
      head: number;
      column: number;
      operand: number;
    }
  | { kind: "add"; addends: [number, number] }
  | {
      kind: "layer-norm";
      x: number;
      /** the row's mean and population variance, over n entries */
      mean: number;
      variance: number;
      eps: number;
      n: number;
    };

export interface Explanation {
  at: At;
  /** the step that made the matrix: its name, label, op, operands and formula */
  step: Step;
  value: number;
  why: Why;
  /** the operand entries it was made from, most influential first (not the inputs' own) */
  next: Next[];
}

/**
 * Where explain reads the matrices: a run (its inputs and trace), or any lookup by path (the HTML
 * page's client reads the matrices embedded in the page).
 */
export type Source = Computed | ((path: string) => Entries | undefined);

/** What explain needs of a matrix: its shape and its entries. */
export type Entries = Pick<Matrix, "rows" | "cols" | "get">;

function read(run: Source, path: string): Entries {
  return (typeof run === "function" ? run(path) : matrixAt(run, path)) as Entries;
}

export interface ExplainOptions {
  /** a product lists this many of its largest terms and sums the rest (default 8) */
  terms?: number;
}

/** The step a path names, with `output` taken as the step it copies (`layers[0].output`, `steps.z`). */
export function resolvePath(table: TraceTable, path: string): string {
  let step = table.step(path);
  while (step.op.kind === "output") step = table.step(step.operands[0].path);
  return step.path;
}

/** Explains entry [i, j] of the matrix at `path` from its operands. */
export function explain(
  table: TraceTable,
  run: Source,
  at: At,
  { terms = 8 }: ExplainOptions = {},
): Explanation {
  const path = resolvePath(table, at.path);
  const step = table.step(path);
  const { i, j } = at;
  const [rows, cols] = table.shape(step);
  if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && j >= 0 && i < rows && j < cols)) {
    throw new RangeError(`explain: [${i}, ${j}] outside ${path} (${rows}×${cols})`);
  }
  const here = { path, i, j };
  const value = read(run, path).get(i, j);
  const operand = (n: number) => new OperandView(run, step.operands[n]);
  const one = (o: OperandView, r: number, c: number): Next[] => [o.next(r, c, 1)];
  const explained = (why: Why, next: Next[]): Explanation => ({
    at: here,
    step,
    value,
    why,
    next: next.sort((p, q) => q.influence - p.influence),
  });
  const op = step.op;
  switch (op.kind) {
    case "input":
    case "output":
      return explained({ kind: "input" }, []);
    case "product":
      return productWhy(here, operand(0), operand(1), op.relu, terms, explained);
    case "scale": {
      const a = operand(0);
      return explained({ kind: "scale", operand: a.get(i, j), divisor: op.divisor }, one(a, i, j));
    }
    case "causal-mask":
      return explained({ kind: "causal-mask", hidden: j > i }, []);
    case "mask": {
      const [a, mask] = [operand(0), operand(1)];
      const hidden = mask.get(i, j) === Number.NEGATIVE_INFINITY;
      const why: Why = { kind: "mask", hidden, operand: a.get(i, j), mask: mask.get(i, j) };
      return explained(why, hidden ? [] : one(a, i, j));
    }
    case "softmax":
      return explained(...softmaxWhy(operand(0), i, j, value));
    case "concat": {
      let column = j;
      let head = 0;
      while (column >= table.operandShape(step.operands[head])[1]) {
        column -= table.operandShape(step.operands[head])[1];
        head++;
      }
      const z = operand(head);
      return explained({ kind: "concat", head, column, operand: z.get(i, column) }, [
        z.next(i, column, 1),
      ]);
    }
    case "add": {
      const [a, b] = [operand(0), operand(1)];
      const addends: [number, number] = [a.get(i, j), b.get(i, j)];
      return explained({ kind: "add", addends }, [
        a.next(i, j, Math.abs(addends[0])),
        b.next(i, j, Math.abs(addends[1])),
      ]);
    }
    case "layer-norm":
      return explained(...layerNormWhy(operand(0), i, j, op.eps, value));
  }
}

/**
 * An operand as it enters the op — maybe transposed, maybe only a block of columns — read at
 * the op's coordinates and mapped back to where the trace keeps the entry.
 */
class OperandView {
  private readonly m: Entries;
  constructor(
    run: Source,
    private readonly o: Operand,
  ) {
    this.m = read(run, o.path);
  }

  /** The entry at the op's [r, c], where the trace keeps it. */
  at(r: number, c: number): At {
    const [i, j] = this.o.transposed ? [c, r] : [r, c];
    return { path: this.o.path, i, j: j + (this.o.cols?.[0] ?? 0) };
  }

  get(r: number, c: number): number {
    const { i, j } = this.at(r, c);
    return this.m.get(i, j);
  }

  /** The row r as the op sees it (the width of the operand's block). */
  row(r: number): number[] {
    const width = this.o.cols ? this.o.cols[1] - this.o.cols[0] : this.m.cols;
    return Array.from({ length: width }, (_, c) => this.get(r, c));
  }

  /** How many columns it has as it enters the op (the rows of the other factor). */
  inner(): number {
    if (this.o.transposed) return this.m.rows;
    return this.o.cols ? this.o.cols[1] - this.o.cols[0] : this.m.cols;
  }

  next(r: number, c: number, influence: number): Next {
    return { ...this.at(r, c), value: this.get(r, c), influence };
  }
}

type Explained = (why: Why, next: Next[]) => Explanation;

/**
 * (a·b)[i,j] = Σₖ a[i,k]·b[k,j]; relu(Σ) for the feed-forward's hidden layer. The terms are
 * listed largest |a·b| first; both factors of each listed term are the entries to follow.
 */
function productWhy(
  at: At,
  a: OperandView,
  b: OperandView,
  relu: boolean,
  limit: number,
  explained: Explained,
): Explanation {
  const n = a.inner();
  const all: Term[] = Array.from({ length: n }, (_, k) => {
    const [x, y] = [a.get(at.i, k), b.get(k, at.j)];
    return { k, a: x, b: y, product: x * y, aAt: a.at(at.i, k), bAt: b.at(k, at.j) };
  });
  let sum = 0;
  for (const t of all) sum += t.product;
  const sorted = [...all].sort((p, q) => Math.abs(q.product) - Math.abs(p.product));
  const shown = sorted.length > limit + 1 ? sorted.slice(0, limit) : sorted;
  let restSum = 0;
  for (const t of sorted.slice(shown.length)) restSum += t.product;
  const why: Why = {
    kind: "product",
    terms: shown,
    rest: { count: n - shown.length, sum: restSum },
    zeros: all.filter((t) => t.product === 0).length,
    sum,
    ...(relu ? { relu: { clipped: sum < 0 } } : {}),
  };
  const next = shown.flatMap((t) => {
    const influence = Math.abs(t.product);
    return [
      { ...t.aAt, value: t.a, influence },
      { ...t.bAt, value: t.b, influence },
    ];
  });
  return explained(why, next);
}

/**
 * softmax(x)[i,j] = exp(x[i,j] − max) / Σₖ exp(x[i,k] − max), over row i. The entry to follow
 * is x[i,j]; its influence is ∂w/∂x = w·(1 − w).
 */
function softmaxWhy(x: OperandView, i: number, j: number, value: number): [Why, Next[]] {
  const row = x.row(i);
  const max = Math.max(...row);
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const own = row[j];
  const hidden = own === Number.NEGATIVE_INFINITY;
  const why: Why = { kind: "softmax", x: own, max, sum, exp: Math.exp(own - max), row, hidden };
  return [why, hidden ? [] : [x.next(i, j, value * (1 - value))]];
}

/**
 * layer_norm(x)[i,j] = (x[i,j] − mean) / √(var + eps), mean and population variance over row i.
 * The entry to follow is x[i,j]; its influence is ∂y/∂x = (1 − 1/n − y²/n) / √(var + eps).
 */
function layerNormWhy(
  x: OperandView,
  i: number,
  j: number,
  eps: number,
  value: number,
): [Why, Next[]] {
  const row = x.row(i);
  const n = row.length;
  let mean = 0;
  for (const v of row) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of row) variance += (v - mean) ** 2;
  variance /= n;
  const influence = Math.abs((1 - 1 / n - (value * value) / n) / Math.sqrt(variance + eps));
  const why: Why = { kind: "layer-norm", x: row[j], mean, variance, eps, n };
  return [why, [x.next(i, j, influence)]];
}

/** An explanation and the explanations of the entries it was made from. */
export interface WhyNode {
  explanation: Explanation;
  /** the entries followed, most influential first */
  from: WhyNode[];
}

export interface TreeOptions extends ExplainOptions {
  /** how many steps back to follow (0: the entry alone) */
  depth: number;
  /** how many of each entry's operand entries to follow (default 2); inputs are not followed */
  breadth?: number;
}

/**
 * The chain that produced an entry, `depth` steps back: at each step the `breadth` most
 * influential operand entries that were computed (an input is a leaf: its value is already in
 * the formula that uses it).
 */
export function whyTree(table: TraceTable, run: Source, at: At, o: TreeOptions): WhyNode {
  const explanation = explain(table, run, at, o);
  if (o.depth <= 0) return { explanation, from: [] };
  const seen = new Set<string>();
  const followed = explanation.next.filter((n) => {
    const key = `${n.path}[${n.i},${n.j}]`;
    if (table.step(n.path).op.kind === "input" || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const from = followed
    .slice(0, o.breadth ?? 2)
    .map((n) => whyTree(table, run, n, { ...o, depth: o.depth - 1 }));
  return { explanation, from };
}
