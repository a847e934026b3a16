import type { Dims } from "../model/dims.js";
import type { At, Explanation, Term, WhyNode } from "../model/trace/provenance.js";
import type { Step } from "../model/trace/steps.js";
import { displayName, type TraceTable } from "../model/trace/table.js";

/**
 * `--why`: the chain that made one number, written as a hand calculation in a notebook would be —
 * each entry's formula, then the same with the numbers, then its value; the entries it came from
 * below it, indented, the most influential first. Pure: a tree in, a string out.
 */
export function whyText(table: TraceTable, tree: WhyNode, precision: number): string {
  const w = new WhyWriter(table, precision);
  w.node(tree, 0);
  return `${w.lines.join("\n")}\n`;
}

/** How the entries are named: as in the trace, and the inputs as the formulas write them (W2). */
export function entryName(table: TraceTable, at: At, index = `${at.i},${at.j}`): string {
  return `${matrixName(table, table.step(at.path))}[${index}]`;
}

function matrixName(table: TraceTable, s: Step): string {
  const d: Pick<Dims, "layers" | "heads"> = table.config;
  if (s.op.kind !== "input") return displayName(s.path, d);
  const name = s.label.replace(" ", "_");
  return s.layer !== undefined && d.layers > 1 ? `layers[${s.layer}].${name}` : name;
}

class WhyWriter {
  readonly lines: string[] = [];
  constructor(
    private readonly table: TraceTable,
    private readonly precision: number,
  ) {}

  /** A number as the calculation shows it: fixed-point, or exponent form when that would be 0.0000. */
  num(x: number): string {
    if (x === Number.NEGATIVE_INFINITY) return "−∞";
    const tiny = x !== 0 && Math.abs(x) < 0.5 * 10 ** -this.precision;
    const s = tiny ? x.toExponential(Math.max(0, this.precision - 1)) : x.toFixed(this.precision);
    return s.replace(/^-/, "−");
  }

  /** A number as the second operand of + or −: in parentheses when negative. */
  operand(x: number): string {
    return x < 0 ? `(${this.num(x)})` : this.num(x);
  }

  name(at: At, index?: string): string {
    return entryName(this.table, at, index);
  }

  node(n: WhyNode, depth: number): void {
    const pad = "  ".repeat(depth);
    const [first, ...rest] = this.explanation(n.explanation);
    const head = `${this.name(n.explanation.at)} `;
    this.lines.push(pad + head + first);
    for (const line of rest) {
      const aligned = line.startsWith("=") ? " ".repeat(head.length) : "    ";
      this.lines.push(pad + aligned + line);
    }
    for (const child of n.from) this.node(child, depth + 1);
  }

  /** The lines after `name[i,j] `: a formula, its numbers, notes. */
  private explanation(e: Explanation): string[] {
    const { i, j } = e.at;
    const w = e.why;
    const v = this.num(e.value);
    const next = (n = 0) => this.name(e.next[n]);
    switch (w.kind) {
      case "input":
        return [`= ${v}   an input of the run: drawn from the seed, or read from --input`];
      case "scale": {
        const root = Math.round(w.divisor ** 2);
        const divisor = root ** 0.5 === w.divisor ? `√${root}` : this.num(w.divisor);
        return [
          `= ${next()} / ${divisor}`,
          `= ${this.num(w.operand)} / ${this.num(w.divisor)} = ${v}`,
        ];
      }
      case "causal-mask":
        return w.hidden
          ? [`= −∞   key ${j} comes after query ${i}: the mask hides it`]
          : [`= 0   key ${j} is not after query ${i}: it stays visible`];
      case "mask":
        return w.hidden
          ? [`= −∞   key ${j} comes after query ${i}: the causal mask hides it`]
          : [`= ${next()} + 0 = ${v}   (key ${j} is not after query ${i}: not masked)`];
      case "softmax":
        return this.softmax(e, w);
      case "concat":
        return [`= ${next()} = ${v}   (head ${w.head}'s z, its column ${w.column})`];
      case "add": {
        const [a, b] = [e.step.operands[0].path, e.step.operands[1].path].map((path) =>
          this.name({ path, i, j }),
        );
        return [
          `= ${a} + ${b}`,
          `= ${this.num(w.addends[0])} + ${this.operand(w.addends[1])} = ${v}`,
        ];
      }
      case "layer-norm": {
        const x = this.name({ path: e.step.operands[0].path, i, j });
        const row = this.name({ path: e.step.operands[0].path, i, j }, `${i},:`);
        return [
          `= (${x} − mean) / √(var + ${w.eps})`,
          `= (${this.num(w.x)} − ${this.operand(w.mean)}) / √(${this.num(w.variance)} + ${w.eps}) = ${v}`,
          `mean ${this.num(w.mean)} and variance ${this.num(w.variance)} of the ${w.n} entries of ${row}`,
        ];
      }
      case "product":
        return this.product(e, w);
    }
  }

  private softmax(e: Explanation, w: Extract<Explanation["why"], { kind: "softmax" }>): string[] {
    const { i, j } = e.at;
    const operand = e.step.operands[0].path;
    const x = this.name({ path: operand, i, j });
    if (w.hidden) {
      return [`= 0   key ${j} comes after query ${i}: ${x} is −∞ and exp(−∞) = 0`];
    }
    const xk = this.name({ path: operand, i, j }, `${i},k`);
    const row = w.row.map((r) => this.num(r)).join(", ");
    return [
      `= exp(${x} − max) / Σₖ exp(${xk} − max)`,
      `= exp(${this.num(w.x)} − ${this.operand(w.max)}) / ${this.num(w.sum)} = ${this.num(w.exp)} / ${this.num(w.sum)} = ${this.num(e.value)}`,
      `row ${this.name({ path: operand, i, j }, `${i},:`)} = [${row}]: max ${this.num(w.max)}, Σₖ exp(… − max) = ${this.num(w.sum)}`,
    ];
  }

  private product(e: Explanation, w: Extract<Explanation["why"], { kind: "product" }>): string[] {
    const t0 = w.terms[0];
    const sigma = `Σₖ ${this.factor(e, t0, 0)}·${this.factor(e, t0, 1)}`;
    const total = w.terms.length + w.rest.count;
    const formula = w.relu ? `= relu(${sigma})` : `= ${sigma}`;
    const value = w.relu
      ? `= relu(${this.num(w.sum)}) = ${this.num(e.value)}${w.relu.clipped ? "   ReLU clipped it to 0" : ""}`
      : `= ${this.num(e.value)}`;
    const zeros = w.zeros ? `, ${w.zeros} of them 0` : "";
    const listed = w.rest.count ? `; the ${w.terms.length} largest` : "";
    const lines = [`${formula}   (${total} terms${zeros}${listed}:)`];
    const rows = w.terms.map((t) => [
      `${this.name(t.aAt)}·${this.name(t.bAt)}`,
      this.num(t.a),
      this.num(t.b),
      this.num(t.product),
    ]);
    if (w.rest.count) rows.push([`the other ${w.rest.count}`, "", "", this.num(w.rest.sum)]);
    const width = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [names, a, b, product] of rows) {
      const factors = a
        ? ` = ${a.padStart(width[1])} · ${b.padStart(width[2])}`
        : " ".repeat(width[1] + width[2] + 6);
      lines.push(`  ${names.padEnd(width[0])}${factors} = ${product.padStart(width[3])}`);
    }
    lines.push(value);
    return lines;
  }

  /** One factor of the Σ with k in place of the summed index: hidden[2,k], W2[k,5], K[2,k]. */
  private factor(e: Explanation, t: Term, which: 0 | 1): string {
    const o = e.step.operands[which];
    const at = which === 0 ? t.aAt : t.bAt;
    // a enters as a[i,k], b as b[k,j]; transposed, the stored matrix has k on the other axis
    const kAxis = (which === 0) !== (o.transposed === true) ? 1 : 0;
    const offset = kAxis === 1 && o.cols?.[0] ? `${o.cols[0]}+` : "";
    const index = kAxis === 0 ? `k,${at.j}` : `${at.i},${offset}k`;
    return this.name(at, index);
  }
}

/** `--why --json`: the same tree, every number in full (−∞ as null). */
export function whyDocument(table: TraceTable, tree: WhyNode): Record<string, unknown> {
  const e = tree.explanation;
  const ref = (at: At) => ({ name: entryName(table, at), path: at.path, index: [at.i, at.j] });
  const why: Record<string, unknown> = { ...e.why };
  if (e.why.kind === "product") {
    why.terms = e.why.terms.map(({ k, a, b, product, aAt, bAt }) => ({
      k,
      a,
      b,
      product,
      a_at: ref(aAt),
      b_at: ref(bAt),
    }));
  }
  return {
    ...ref(e.at),
    value: e.value,
    op: e.step.op.kind,
    formula: e.step.formula,
    why,
    next: e.next.map((n) => ({ ...ref(n), value: n.value, influence: n.influence })),
    from: tree.from.map((child) => whyDocument(table, child)),
  };
}
