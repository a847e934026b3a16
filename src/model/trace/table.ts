import type { Computation, Dims, ModelConfig } from "../dims.js";
import { axisSize, type Operand, type Step, traceSteps } from "./steps.js";

/** The steps of one config, found by path, with their shapes in numbers. */
export class TraceTable {
  readonly steps: readonly Step[];
  private readonly byPath: Map<string, Step>;

  constructor(readonly config: ModelConfig) {
    this.steps = traceSteps(config);
    this.byPath = new Map(this.steps.map((s) => [s.path, s]));
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  step(path: string): Step {
    const s = this.byPath.get(path);
    if (!s) throw new RangeError(`no step ${path} in ${this.config.computation}`);
    return s;
  }

  /** The inputs, in the order they are drawn. */
  inputs(): Step[] {
    return this.steps.filter((s) => s.op.kind === "input");
  }

  /**
   * The computed matrices in the order of the JSON document, which is the order they are
   * computed — every step but the inputs and the causal mask (a constant, shown only in the
   * report). One exception, kept so that schema 1 documents stay as they were: a decoder layer
   * without cross-attention lists residual2 before hidden and ffn.
   */
  documentSteps(): Step[] {
    const out = this.steps.filter((s) => s.op.kind !== "input" && s.op.kind !== "causal-mask");
    if (this.config.computation !== "decode" || this.config.cross) return out;
    for (let l = 0; l < this.config.layers; l++) {
      const residual = out.findIndex((s) => s.path === `layers[${l}].residual2`);
      const [step] = out.splice(residual, 1);
      out.splice(
        out.findIndex((s) => s.path === `layers[${l}].hidden`),
        0,
        step,
      );
    }
    return out;
  }

  /** A step's shape for this config's dimensions. */
  shape(step: Step): [number, number] {
    return [axisSize(step.shape[0], this.config), axisSize(step.shape[1], this.config)];
  }

  /** An operand's shape as it enters the op: transposed, or only its block of columns. */
  operandShape(o: Operand): [number, number] {
    const [rows, cols] = this.shape(this.step(o.path));
    const width = o.cols ? o.cols[1] - o.cols[0] : cols;
    return o.transposed ? [width, rows] : [rows, width];
  }
}

/** A one-layer, one-head config of a computation with every optional step in (cross, mask). */
function fullest(computation: Computation): ModelConfig {
  const dims = { seq: 4, emb: 8, dmodel: 3, heads: 1, layers: 1, ffn: 32, src: 4 };
  return { ...dims, computation, cross: true, causal: true };
}

const unique = (names: string[]) => [...new Set(names)];

/** The names of the run's own inputs (`x`, `y`, `memory`, `q`, `k`, `v`), in draw order. */
export const GLOBAL_INPUTS: readonly string[] = unique(
  (["encode", "decode", "attention"] as const).flatMap((c) =>
    new TraceTable(fullest(c))
      .inputs()
      .filter((s) => s.layer === undefined)
      .map((s) => s.name),
  ),
);

/** The names of one layer's weights (`wq` … `cross_wo`, `w1`, `w2`), in draw order. */
export const LAYER_INPUTS: readonly string[] = new TraceTable(fullest("decode"))
  .inputs()
  .filter((s) => s.layer !== undefined)
  .map((s) => s.name);

/** The names of the matrices an encoder layer computes (`q` … `output`). */
export const ENCODER_RESULTS: readonly string[] = unique(
  new TraceTable({ ...fullest("encode") }).documentSteps().map((s) => s.name),
);

/**
 * The intermediates an answer may hold under their short names (`scores`, `norm1`, `output`),
 * for the first layer and head, and the path each name stands for.
 */
export function shortNames(computation: Computation): Map<string, string> {
  const table = new TraceTable(fullest(computation === "attention" ? "attention" : "decode"));
  const names = new Map<string, string>();
  for (const s of table.documentSteps()) {
    if (s.block !== "cross" && s.path !== "layers[0].output") names.set(s.name, s.path);
  }
  return names;
}

/** A path as a student would name it: `scores` for the homework's one layer and head. */
export function displayName(path: string, d: Pick<Dims, "layers" | "heads">): string {
  let name = path.replace(/^steps\./, "");
  if (d.layers === 1) name = name.replace(/^layers\[0\]\./, "");
  if (d.heads === 1) name = name.replace(/heads\[0\]\./, "");
  return name.replace(/(^|\.)self\./, "$1");
}
