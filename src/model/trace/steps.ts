import { LAYER_NORM_EPS } from "../../math/layer-norm-eps.js";
import type { Dims, ModelConfig } from "../dims.js";

/** The named axes a shape is made of; `hd` is heads·dmodel. */
export type Axis = "seq" | "src" | "emb" | "hd" | "dmodel" | "ffn";

export function axisSize(axis: Axis, d: Dims): number {
  return axis === "hd" ? d.heads * d.dmodel : d[axis];
}

/**
 * The one table of a run's steps: for every matrix, the path it has in the trace and the JSON
 * document (`layers[0].self.heads[1].weights`), the op that made it, its operands' paths, its
 * formula and its shape in named axes. Input parsing, the JSON document, the report and grading
 * read the layout from here (and so can an explanation of any entry: see `Op`), as micrograd's
 * `Value` keeps `_op` and `_prev`.
 */
export interface Step {
  /** where it lives: `inputs.x`, `inputs.layers[0].wq`, `layers[0].self.heads[0].q`, `steps.z`, `output` */
  path: string;
  /** the last part of the path: `q`, `weights`, `norm1`, `output`, `cross_wq` */
  name: string;
  /** how the report titles it: `Q2`, `weights`, `cross Wq`, `X` */
  label: string;
  /** for the run's own inputs (`x`, `memory`, `q` …): what it is, in a few words */
  about?: string;
  op: Op;
  /** the matrices it was computed from, in the order of the formula */
  operands: Operand[];
  /** how the report writes it: `Q1·K1ᵀ`, `scores / √3`, `layer_norm(residual1)`; "" for inputs */
  formula: string;
  /** its shape in named axes: (seq, dmodel) */
  shape: readonly [Axis, Axis];
  /** the layer (from 0) it belongs to, for layer weights and layer steps */
  layer?: number;
  /** the head (from 0) it belongs to, for one head's attention steps */
  head?: number;
  /** the attention block it is part of: the (masked) self-attention or the cross-attention */
  block?: "self" | "cross";
}

/**
 * The op that made a step, with what is needed to recompute one entry from the operands:
 *   input        drawn or supplied, made by nothing
 *   product      operands [a, b]: a·b, or relu(a·b) when `relu` (the feed-forward's hidden layer)
 *   scale        operands [a]: a / divisor (√d_k)
 *   causal-mask  no operands: 0 where key j ≤ query i, −∞ where j > i (not in the JSON document)
 *   mask         operands [a, mask]: a + mask, so hidden scores are −∞
 *   softmax      operands [a]: over each row
 *   concat       operands: each head's z, side by side
 *   add          operands [x, sublayer]: the residual connection
 *   layer-norm   operands [a]: each row minus its mean, over √(population variance + eps)
 *   output       operands [last]: the run's output is that step's matrix
 */
export type Op =
  | { kind: "input" }
  | { kind: "product"; relu: boolean }
  | { kind: "scale"; divisor: number }
  | { kind: "causal-mask" }
  | { kind: "mask" }
  | { kind: "softmax"; axis: "rows" }
  | { kind: "concat" }
  | { kind: "add" }
  | { kind: "layer-norm"; eps: number }
  | { kind: "output" };

/** An operand of a step: another step's matrix, maybe transposed or only some of its columns. */
export interface Operand {
  path: string;
  /** it enters transposed: Kᵀ in Q·Kᵀ */
  transposed?: boolean;
  /** only columns [from, to): head h's block [h·dmodel, (h+1)·dmodel) of a projection weight */
  cols?: readonly [number, number];
}

/** A matrix as later formulas refer to it: its path, its symbol and its row axis. */
interface Ref {
  path: string;
  symbol: string;
  rows: Axis;
}

/**
 * Every step of a run with this config, in the order it is computed: the inputs first, in the
 * order they are drawn from the generator (SPEC section 2), then each layer's steps, then
 * `output`.
 */
export function traceSteps(c: ModelConfig): Step[] {
  const t = new TableWriter(c);
  t.inputs();
  if (c.computation === "attention") {
    const [q, k, v] = (["q", "k", "v"] as const).map((n) => ({
      path: `inputs.${n}`,
      symbol: n.toUpperCase(),
      rows: n === "q" ? "seq" : "src",
    })) as [Ref, Ref, Ref];
    const z = t.attentionHead("steps", { q, k, v }, c.causal, {});
    t.output(z);
  } else {
    let x: Ref = t.input(c.computation === "encode" ? "x" : "y");
    for (let l = 0; l < c.layers; l++) {
      x = c.computation === "encode" ? t.encoderLayer(l, x) : t.decoderLayer(l, x);
    }
    t.output(x);
  }
  return t.steps;
}

const GLOBALS = {
  x: { label: "X", about: "input embeddings, one row per position", shape: ["seq", "emb"] },
  y: { label: "Y", about: "decoder input, one row per position", shape: ["seq", "emb"] },
  memory: {
    label: "memory",
    about: "the encoder's output: the decoder attends to it",
    shape: ["src", "emb"],
  },
  q: { label: "Q", about: "queries", shape: ["seq", "dmodel"] },
  k: { label: "K", about: "keys", shape: ["src", "dmodel"] },
  v: { label: "V", about: "values", shape: ["src", "dmodel"] },
} satisfies Record<string, { label: string; about: string; shape: readonly [Axis, Axis] }>;

/** The run's own inputs, and the weights each layer has its own of. */
export type GlobalKey = keyof typeof GLOBALS;
export type LayerKey = keyof typeof WEIGHT_SHAPES | `cross_${(typeof ATTENTION_WEIGHTS)[number]}`;

const WEIGHT_SHAPES = {
  wq: ["emb", "hd"],
  wk: ["emb", "hd"],
  wv: ["emb", "hd"],
  wo: ["hd", "emb"],
  w1: ["emb", "ffn"],
  w2: ["ffn", "emb"],
} satisfies Record<string, readonly [Axis, Axis]>;

const ATTENTION_WEIGHTS = ["wq", "wk", "wv", "wo"] as const;

class TableWriter {
  readonly steps: Step[] = [];
  constructor(private readonly c: ModelConfig) {}

  private push(step: Omit<Step, "name">): Ref {
    const name = /[^.\]]+$/.exec(step.path)?.[0] ?? step.path;
    this.steps.push({ name, ...step });
    return { path: step.path, symbol: step.label, rows: step.shape[0] };
  }

  /**
   * The inputs in draw order:
   *   encode:    x; every layer's wq, wk, wv, wo; then, as each layer runs, its w1, w2
   *   decode:    y, memory; every layer's wq, wk, wv, wo, cross_wq…cross_wo; then each w1, w2
   *   attention: q, k, v
   * For one encoder layer this is the homework's cell after np.random.seed(s):
   * input_data, Wq, Wk, Wv, Wo, then the two matrices `feed_forward` draws.
   */
  inputs(): void {
    const { computation, cross, layers } = this.c;
    const globals =
      computation === "attention"
        ? ["q", "k", "v"]
        : computation === "encode"
          ? ["x"]
          : cross
            ? ["y", "memory"]
            : ["y"];
    for (const name of globals as GlobalKey[]) {
      const g = GLOBALS[name];
      this.push({ path: `inputs.${name}`, ...g, op: { kind: "input" }, operands: [], formula: "" });
    }
    if (computation === "attention") return;
    const crossWeights = computation === "decode" && cross ? ATTENTION_WEIGHTS : [];
    const each = (names: string[]) => {
      for (let l = 0; l < layers; l++) for (const name of names) this.weight(l, name);
    };
    each([...ATTENTION_WEIGHTS, ...crossWeights.map((name) => `cross_${name}`)]);
    each(["w1", "w2"]);
  }

  private weight(layer: number, name: string): void {
    const base = name.replace(/^cross_/, "");
    const label = `${name.startsWith("cross_") ? "cross " : ""}W${base.slice(1)}`;
    this.push({
      path: `inputs.layers[${layer}].${name}`,
      label,
      op: { kind: "input" },
      operands: [],
      formula: "",
      shape: WEIGHT_SHAPES[base as keyof typeof WEIGHT_SHAPES],
      layer,
    });
  }

  /** A global input, as the first layer refers to it. */
  input(name: string): Ref {
    const path = `inputs.${name}`;
    const step = this.steps.find((s) => s.path === path);
    if (!step) throw new RangeError(`traceSteps: no input ${name} for ${this.c.computation}`);
    return { path, symbol: step.label, rows: step.shape[0] };
  }

  /**
   * One head: scores = Q·Kᵀ, scaled = scores / √d_k, [masked = scaled + mask], weights =
   * softmax(…) over each row, z = weights·V. Returns z.
   */
  attentionHead(
    prefix: string,
    { q, k, v }: { q: Ref; k: Ref; v: Ref },
    causal: boolean,
    at: Pick<Step, "layer" | "head" | "block">,
  ): Ref {
    const dk = this.c.dmodel;
    const scores = this.push({
      path: `${prefix}.scores`,
      label: "scores",
      op: { kind: "product", relu: false },
      operands: [{ path: q.path }, { path: k.path, transposed: true }],
      formula: `${q.symbol}·${k.symbol}ᵀ`,
      shape: [q.rows, k.rows],
      ...at,
    });
    let last = this.push({
      path: `${prefix}.scaled`,
      label: "scaled",
      op: { kind: "scale", divisor: Math.sqrt(dk) },
      operands: [{ path: scores.path }],
      formula: `scores / √${dk}`,
      shape: [q.rows, k.rows],
      ...at,
    });
    if (causal) {
      const mask = this.push({
        path: `${prefix}.mask`,
        label: "mask",
        op: { kind: "causal-mask" },
        operands: [],
        formula: "causal",
        shape: [q.rows, k.rows],
        ...at,
      });
      last = this.push({
        path: `${prefix}.masked`,
        label: "masked",
        op: { kind: "mask" },
        operands: [{ path: last.path }, { path: mask.path }],
        formula: "scaled + mask",
        shape: [q.rows, k.rows],
        ...at,
      });
    }
    const weights = this.push({
      path: `${prefix}.weights`,
      label: "weights",
      op: { kind: "softmax", axis: "rows" },
      operands: [{ path: last.path }],
      formula: `softmax(${last.symbol})`,
      shape: [q.rows, k.rows],
      ...at,
    });
    return this.push({
      path: `${prefix}.z`,
      label: "z",
      op: { kind: "product", relu: false },
      operands: [{ path: weights.path }, { path: v.path }],
      formula: `weights·${v.symbol}`,
      shape: [q.rows, "dmodel"],
      ...at,
    });
  }

  /**
   * MultiHead(Xq, Xkv) = Concat(head₁, …, head_h)·Wᴼ with headᵢ = Attention(Xq·Wᵢᵠ, Xkv·Wᵢᴷ,
   * Xkv·Wᵢⱽ), head i using columns [i·d_k, (i+1)·d_k) of the projections. Returns attn.
   */
  multiHead(layer: number, block: "self" | "cross", xq: Ref, xkv: Ref, causal: boolean): Ref {
    const { heads, dmodel: dk } = this.c;
    const prefix = `layers[${layer}].${block}`;
    const w = block === "cross" ? "cross_w" : "w";
    const symbol = block === "cross" ? "cross_W" : "W";
    const weight = (name: string) => `inputs.layers[${layer}].${w}${name}`;
    const zs: Ref[] = [];
    for (let h = 0; h < heads; h++) {
      const at = { layer, head: h, block };
      const sub = heads > 1 ? `${h + 1}` : "";
      const cols = [h * dk, (h + 1) * dk] as const;
      const colsText = heads > 1 ? `[:, ${cols[0]}:${cols[1]}]` : "";
      const project = (name: "q" | "k" | "v", x: Ref): Ref =>
        this.push({
          path: `${prefix}.heads[${h}].${name}`,
          label: `${name.toUpperCase()}${sub}`,
          op: { kind: "product", relu: false },
          operands: [{ path: x.path }, { path: weight(name), cols }],
          formula: `${x.symbol}·${symbol}${name}${colsText}`,
          shape: [x.rows, "dmodel"],
          ...at,
        });
      const q = project("q", xq);
      const k = project("k", xkv);
      const v = project("v", xkv);
      zs.push(this.attentionHead(`${prefix}.heads[${h}]`, { q, k, v }, causal, at));
    }
    const concat = this.push({
      path: `${prefix}.concat`,
      label: "concat",
      op: { kind: "concat" },
      operands: zs.map((z) => ({ path: z.path })),
      formula: `[${zs.map((_, i) => `z${i + 1}`).join(" | ")}]`,
      shape: [xq.rows, "hd"],
      layer,
      block,
    });
    return this.push({
      path: `${prefix}.attn`,
      label: "attn",
      op: { kind: "product", relu: false },
      operands: [{ path: concat.path }, { path: weight("o") }],
      formula: `${heads > 1 ? "concat" : "z"}·${symbol}o`,
      shape: [xq.rows, "emb"],
      layer,
      block,
    });
  }

  /** Add & norm: residual = x + sublayer, norm = layer_norm(residual). Returns norm. */
  addNorm(layer: number, residual: string, norm: string, x: Ref, sublayer: Ref): Ref {
    const sum = this.push({
      path: `layers[${layer}].${residual}`,
      label: residual,
      op: { kind: "add" },
      operands: [{ path: x.path }, { path: sublayer.path }],
      formula: `${x.symbol} + ${sublayer.symbol}`,
      shape: ["seq", "emb"],
      layer,
    });
    return this.push({
      path: `layers[${layer}].${norm}`,
      label: norm,
      op: { kind: "layer-norm", eps: LAYER_NORM_EPS },
      operands: [{ path: sum.path }],
      formula: `layer_norm(${residual})`,
      shape: ["seq", "emb"],
      layer,
    });
  }

  /** FFN(x) = relu(x·W1)·W2: hidden, then ffn. Returns ffn. */
  feedForward(layer: number, x: Ref): Ref {
    const weight = (name: string) => ({ path: `inputs.layers[${layer}].${name}` });
    const hidden = this.push({
      path: `layers[${layer}].hidden`,
      label: "hidden",
      op: { kind: "product", relu: true },
      operands: [{ path: x.path }, weight("w1")],
      formula: `relu(${x.symbol}·W1)`,
      shape: ["seq", "ffn"],
      layer,
    });
    return this.push({
      path: `layers[${layer}].ffn`,
      label: "ffn",
      op: { kind: "product", relu: false },
      operands: [{ path: hidden.path }, weight("w2")],
      formula: "hidden·W2",
      shape: ["seq", "emb"],
      layer,
    });
  }

  /** norm1 = LayerNorm(X + MultiHead(X, X)); output = LayerNorm(norm1 + FFN(norm1)). */
  encoderLayer(l: number, x: Ref): Ref {
    const attn = this.multiHead(l, "self", x, x, false);
    const norm1 = this.addNorm(l, "residual1", "norm1", x, attn);
    const ffn = this.feedForward(l, norm1);
    return this.nextInput(l, this.addNorm(l, "residual2", "output", norm1, ffn));
  }

  /**
   * norm1 = LayerNorm(Y + MaskedMultiHead(Y, Y)); norm2 = LayerNorm(norm1 + MultiHead(norm1,
   * memory)); output = LayerNorm(norm2 + FFN(norm2)). Without cross-attention the middle
   * sublayer is left out and the names follow the encoder's.
   */
  decoderLayer(l: number, y: Ref): Ref {
    const self = this.multiHead(l, "self", y, y, true);
    let x = this.addNorm(l, "residual1", "norm1", y, self);
    let residual = "residual2";
    if (this.c.cross) {
      const memory = this.input("memory");
      const cross = this.multiHead(l, "cross", x, memory, false);
      x = this.addNorm(l, "residual2", "norm2", x, cross);
      residual = "residual3";
    }
    const ffn = this.feedForward(l, x);
    return this.nextInput(l, this.addNorm(l, residual, "output", x, ffn));
  }

  /** A layer's output as the next layer's formulas call it: output1 is layer 1's (from 1). */
  private nextInput(l: number, output: Ref): Ref {
    return { ...output, symbol: `output${l + 1}` };
  }

  output(last: Ref): void {
    const step = this.steps.find((s) => s.path === last.path) as Step;
    this.push({
      path: "output",
      label: "output",
      op: { kind: "output" },
      operands: [{ path: last.path }],
      formula: "",
      shape: step.shape,
    });
  }
}
