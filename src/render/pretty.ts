import type { Matrix } from "../math/matrix.js";
import { type Computed, matrixAt } from "../model/trace/lookup.js";
import type { Op, Step } from "../model/trace/steps.js";
import { TraceTable } from "../model/trace/table.js";
import type { RunConfig } from "./document.js";
import { type FormatOptions, heatMapText, matrixText } from "./format.js";
import { shapeText, stepShapeText } from "./shape.js";

/** The report of a run as text, section by section: header, inputs, every step, output. */
export function* prettyChunks(
  config: RunConfig,
  run: Computed,
  opts: FormatOptions & { quiet: boolean },
): Generator<string> {
  const r = new Report(opts);
  const { output } = run.trace;
  if (opts.quiet) {
    yield r.step("output", "", shapeText(output.rows, output.cols), output);
    return;
  }
  yield header(config, opts);
  const table = new TraceTable(config);
  const matrix = (s: Step) => matrixAt(run, s.path) as Matrix;
  for (const s of table.inputs()) {
    if (s.layer === undefined)
      yield r.step(`${s.label}  (${s.about})`, "", shape(table, s), matrix(s));
  }
  let layer: number | undefined;
  for (const s of table.steps) {
    if (s.op.kind === "input") continue;
    if (s.layer !== undefined && s.layer !== layer) {
      layer = s.layer;
      const title = config.computation === "encode" ? "Encoder layer" : "Decoder layer";
      yield r.section(`${title} ${layer + 1} of ${config.layers}`);
      // the weights in the order the run holds them (supplied ones first)
      for (const key of Object.keys(run.inputs.layers[layer])) {
        const w = table.step(`inputs.layers[${layer}].${key}`);
        yield r.step(w.label, "", shape(table, w), matrix(w), "weights");
      }
    }
    const sub = subsection(s, config);
    if (sub) yield r.subsection(sub.title, sub.heads);
    if (s.name === "q" && s.head !== undefined && config.heads > 1) {
      yield `\n${opts.paint.bold(`head ${s.head + 1} of ${config.heads}`)}\n`;
    }
    if (s.op.kind === "concat" && config.heads === 1) continue; // one head: concat is z
    if (s.op.kind === "output") yield r.section("Output");
    yield r.stepOf(s, shape(table, s), matrix(s));
  }
}

const shape = (table: TraceTable, s: Step) => stepShapeText(table, s);

/** The subsection a step opens, if any: each attention block, then what follows it. */
function subsection(s: Step, c: RunConfig): { title: string; heads?: number } | undefined {
  if (s.name === "q" && s.head === 0) {
    if (s.block === "cross") {
      return {
        title: "cross-attention: queries from norm1, keys and values from memory",
        heads: c.heads,
      };
    }
    const title = c.computation === "encode" ? "self-attention" : "masked (causal) self-attention";
    return { title, heads: c.heads };
  }
  if (c.computation === "encode" && s.name === "residual1") {
    return { title: "add & norm, feed-forward, add & norm" };
  }
  if (c.computation === "decode" && s.name === "hidden")
    return { title: "feed-forward, add & norm" };
  return undefined;
}

/** What the report says beside a step, by the op that made it. */
const NOTES: Partial<Record<Op["kind"], string>> = {
  "causal-mask": "query i sees key j only when j ≤ i",
  mask: "−∞ becomes weight 0",
  softmax: "each row sums to 1; row i: how much query i attends to each key",
  add: "residual connection",
  "layer-norm": "each row: mean 0, variance 1",
};

function header(c: RunConfig, opts: FormatOptions): string {
  const { paint } = opts;
  const parts =
    c.computation === "attention"
      ? [`seq ${c.seq}`, `src ${c.src}`, `dmodel ${c.dmodel}`, c.causal ? "causal" : "unmasked"]
      : [
          `seq ${c.seq}`,
          `emb ${c.emb}`,
          `dmodel ${c.dmodel}`,
          `heads ${c.heads}`,
          `layers ${c.layers}`,
          `ffn ${c.ffn}`,
          ...(c.computation === "decode" ? [c.cross ? `src ${c.src}` : "no cross-attention"] : []),
        ];
  const source = c.input ? `  ·  input ${c.input}` : "";
  return `${paint.bold(`transformer-lab ${c.computation}`)}  ${parts.join(" · ")}\n${paint.dim(
    `rng ${c.rng} · seed ${c.seed}${source}`,
  )}\n`;
}

class Report {
  constructor(private readonly opts: FormatOptions) {}

  section(title: string): string {
    return `\n${this.opts.paint.bold.underline(title)}\n`;
  }

  subsection(title: string, heads?: number): string {
    const h = heads && heads > 1 ? ` (${heads} heads)` : "";
    return `\n${this.opts.paint.magenta(`— ${title}${h}`)}\n`;
  }

  /** A computed step: its label, formula, shape and note; attention weights as a heat map. */
  stepOf(s: Step, shape: string, m: Matrix): string {
    if (s.op.kind === "softmax")
      return this.heat(s.label, s.formula, shape, m, NOTES.softmax ?? "");
    const note =
      s.op.kind === "scale"
        ? `√d_k = ${s.op.divisor.toFixed(this.opts.precision)}`
        : (NOTES[s.op.kind] ?? "");
    return this.step(s.label, s.formula, shape, m, note);
  }

  step(name: string, formula: string, shape: string, m: Matrix, note = ""): string {
    const { paint } = this.opts;
    const left = formula ? `${paint.bold(name)} = ${formula}` : paint.bold(name);
    const extra = note ? paint.dim(`  ${note}`) : "";
    return `\n${left}  ${paint.cyan(shape)}${extra}\n${matrixText(m, this.opts)}\n`;
  }

  heat(name: string, formula: string, shape: string, m: Matrix, note: string): string {
    const { paint } = this.opts;
    return `\n${paint.bold(name)} = ${formula}  ${paint.cyan(shape)}${paint.dim(`  ${note}`)}\n${heatMapText(m, this.opts)}\n`;
  }
}
