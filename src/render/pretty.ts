import type { Matrix } from "../math/matrix.js";
import type { AttentionTrace } from "../model/attention.js";
import type { DecoderLayerTrace } from "../model/decoder-layer.js";
import type { EncoderLayerTrace } from "../model/encoder-layer.js";
import type { Inputs } from "../model/inputs.js";
import type { MultiHeadTrace } from "../model/multi-head.js";
import type { RunTrace } from "../model/run.js";
import type { RunConfig } from "./document.js";
import { type FormatOptions, heatMapText, matrixText } from "./format.js";

/** What the titles need of a matrix: its shape. */
type Sized = { rows: number; cols: number };

const dims = (m: Sized) => `${m.rows}×${m.cols}`;
const product = (a: Matrix, b: Matrix, c: Matrix) => `(${dims(a)})·(${dims(b)}) → ${dims(c)}`;
const productT = (a: Matrix, b: Matrix, c: Matrix) =>
  `(${dims(a)})·(${b.cols}×${b.rows}) → ${dims(c)}`;

/** The report of a run as text, section by section: header, inputs, every step, output. */
export function* prettyChunks(
  config: RunConfig,
  inputs: Inputs,
  trace: RunTrace,
  opts: FormatOptions & { quiet: boolean },
): Generator<string> {
  const r = new Report(opts);
  if (opts.quiet) {
    yield r.step("output", "", dims(trace.output), trace.output);
    return;
  }
  yield header(config, opts);
  const g = inputs.globals;
  for (const key of ["x", "y", "memory", "q", "k", "v"] as const) {
    const m = g[key];
    if (m) yield r.step(INPUT_TITLES[key], "", dims(m), m);
  }
  if (trace.attention) {
    yield* r.attentionHead(trace.attention, { q: "Q", k: "K", v: "V" });
  }
  for (const [l, layer] of trace.layers.entries()) {
    const title = config.computation === "encode" ? "Encoder layer" : "Decoder layer";
    yield r.section(`${title} ${l + 1} of ${trace.layers.length}`);
    const w = inputs.layers[l];
    for (const [key, m] of Object.entries(w)) {
      if (m) yield r.step(`${weightName(key)}`, "", dims(m), m, "weights");
    }
    if (config.computation === "encode")
      yield* r.encoderLayer(layer as EncoderLayerTrace, l, config);
    else yield* r.decoderLayer(layer as DecoderLayerTrace, l, config);
  }
  yield r.section("Output");
  yield r.step("output", "", dims(trace.output), trace.output);
}

const INPUT_TITLES = {
  x: "X  (input embeddings, one row per position)",
  y: "Y  (decoder input, one row per position)",
  memory: "memory  (the encoder's output: the decoder attends to it)",
  q: "Q  (queries)",
  k: "K  (keys)",
  v: "V  (values)",
} as const;

function weightName(key: string): string {
  const m = /^(cross_)?w(\w+)$/.exec(key);
  if (!m) return key;
  const base = `W${m[2]}`;
  return m[1] ? `cross ${base}` : base;
}

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

  *attentionHead(
    h: AttentionTrace,
    names: { q: string; k: string; v: string },
    suffix = "",
  ): Generator<string> {
    const { q, k } = names;
    const dk = h.k.cols;
    yield this.step(`scores${suffix}`, `${q}·${k}ᵀ`, productT(h.q, h.k, h.scores), h.scores);
    yield this.step(
      `scaled${suffix}`,
      `scores / √${dk}`,
      dims(h.scaled),
      h.scaled,
      `√d_k = ${Math.sqrt(dk).toFixed(this.opts.precision)}`,
    );
    if (h.mask && h.masked) {
      yield this.step("mask", "causal", dims(h.mask), h.mask, "query i sees key j only when j ≤ i");
      yield this.step(
        `masked${suffix}`,
        "scaled + mask",
        dims(h.masked),
        h.masked,
        "−∞ becomes weight 0",
      );
    }
    yield this.heat(
      `weights${suffix}`,
      `softmax(${h.masked ? "masked" : "scaled"})`,
      dims(h.weights),
      h.weights,
      "each row sums to 1; row i: how much query i attends to each key",
    );
    yield this.step(`z${suffix}`, `weights·${names.v}`, product(h.weights, h.v, h.z), h.z);
  }

  *multiHead(
    t: MultiHeadTrace,
    from: { xq: string; xkv: string; w: string; xqM: Sized; xkvM: Sized },
  ): Generator<string> {
    const n = t.heads.length;
    for (const [i, h] of t.heads.entries()) {
      const dk = h.q.cols;
      const cols = n > 1 ? `[:, ${i * dk}:${(i + 1) * dk}]` : "";
      const sub = n > 1 ? `${i + 1}` : "";
      if (n > 1) yield `\n${this.opts.paint.bold(`head ${i + 1} of ${n}`)}\n`;
      const proj = (letter: string, x: string, xm: Sized, m: Matrix) =>
        this.step(
          `${letter}${sub}`,
          `${x}·${from.w}${letter.toLowerCase()}${cols}`,
          `(${dims(xm)})·(${xm.cols}×${dk}) → ${dims(m)}`,
          m,
        );
      yield proj("Q", from.xq, from.xqM, h.q);
      yield proj("K", from.xkv, from.xkvM, h.k);
      yield proj("V", from.xkv, from.xkvM, h.v);
      yield* this.attentionHead(h, { q: `Q${sub}`, k: `K${sub}`, v: `V${sub}` });
    }
    const wo = `${from.w}o`;
    if (n > 1) {
      const zs = Array.from({ length: n }, (_, i) => `z${i + 1}`).join(" | ");
      yield this.step("concat", `[${zs}]`, dims(t.concat), t.concat);
      yield this.step(
        "attn",
        `concat·${wo}`,
        `(${dims(t.concat)})·(${t.concat.cols}×${t.attn.cols}) → ${dims(t.attn)}`,
        t.attn,
      );
    } else {
      yield this.step(
        "attn",
        `z·${wo}`,
        `(${dims(t.concat)})·(${t.concat.cols}×${t.attn.cols}) → ${dims(t.attn)}`,
        t.attn,
      );
    }
  }

  *addNorm(
    residual: [string, Matrix],
    norm: [string, Matrix],
    a: string,
    b: string,
  ): Generator<string> {
    yield this.step(
      residual[0],
      `${a} + ${b}`,
      dims(residual[1]),
      residual[1],
      "residual connection",
    );
    yield this.step(
      norm[0],
      `layer_norm(${residual[0]})`,
      dims(norm[1]),
      norm[1],
      "each row: mean 0, variance 1",
    );
  }

  *feedForward(
    t: { hidden: Matrix; ffn: Matrix },
    input: string,
    inputM: Matrix,
  ): Generator<string> {
    yield this.step(
      "hidden",
      `relu(${input}·W1)`,
      `(${dims(inputM)})·(${inputM.cols}×${t.hidden.cols}) → ${dims(t.hidden)}`,
      t.hidden,
    );
    yield this.step(
      "ffn",
      "hidden·W2",
      `(${dims(t.hidden)})·(${t.hidden.cols}×${t.ffn.cols}) → ${dims(t.ffn)}`,
      t.ffn,
    );
  }

  *encoderLayer(t: EncoderLayerTrace, l: number, c: RunConfig): Generator<string> {
    const x = l === 0 ? "X" : `output${l}`;
    const xm = t.residual1; // same shape as the layer's input
    yield this.subsection("self-attention", c.heads);
    yield* this.multiHead(t.self, { xq: x, xkv: x, w: "W", xqM: xm, xkvM: xm });
    yield this.subsection("add & norm, feed-forward, add & norm");
    yield* this.addNorm(["residual1", t.residual1], ["norm1", t.norm1], x, "attn");
    yield* this.feedForward(t, "norm1", t.norm1);
    yield* this.addNorm(["residual2", t.residual2], ["output", t.output], "norm1", "ffn");
  }

  *decoderLayer(t: DecoderLayerTrace, l: number, c: RunConfig): Generator<string> {
    const y = l === 0 ? "Y" : `output${l}`;
    const ym = t.residual1;
    yield this.subsection("masked (causal) self-attention", c.heads);
    yield* this.multiHead(t.self, { xq: y, xkv: y, w: "W", xqM: ym, xkvM: ym });
    yield* this.addNorm(["residual1", t.residual1], ["norm1", t.norm1], y, "attn");
    let last = "norm1";
    if (t.cross && t.norm2) {
      yield this.subsection(
        "cross-attention: queries from norm1, keys and values from memory",
        c.heads,
      );
      yield* this.multiHead(t.cross, {
        xq: "norm1",
        xkv: "memory",
        w: "cross_W",
        xqM: t.norm1,
        xkvM: { rows: c.src, cols: c.emb },
      });
      yield* this.addNorm(["residual2", t.residual2], ["norm2", t.norm2], "norm1", "attn");
      last = "norm2";
    }
    yield this.subsection("feed-forward, add & norm");
    const lastM = t.norm2 ?? t.norm1;
    yield* this.feedForward(t, last, lastM);
    const residual = t.residual3 ? "residual3" : "residual2";
    yield* this.addNorm([residual, t.residual3 ?? t.residual2], ["output", t.output], last, "ffn");
  }

  subsection(title: string, heads?: number): string {
    const h = heads && heads > 1 ? ` (${heads} heads)` : "";
    return `\n${this.opts.paint.magenta(`— ${title}${h}`)}\n`;
  }
}
