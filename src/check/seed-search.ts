import { Matrix } from "../math/matrix.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs, LayerKey } from "../model/input-slots.js";
import { run } from "../model/run.js";
import { compare, type Tolerance } from "./compare.js";

/** One np.random.seed stream, as numpy's randn and rand give it. */
export interface Stream {
  randn(out: Float64Array): void;
  rand(out: Float64Array): void;
}

/** A way a notebook draws the homework cell's seven matrices; "_" is a draw thrown away. */
interface DrawOrder {
  id: string;
  /** said when this order (not the homework's) reproduces the output */
  note: string;
  order: string[];
  /** np.random.rand for input_data … Wo (feed_forward keeps its randn) */
  uniform?: boolean;
  /** the feed-forward's inner width, when not 4·emb */
  ffn?: number;
}

const CELL = ["x", "wq", "wk", "wv", "wo"];
const FFN = ["w1", "w2"];

export const DRAW_ORDERS: readonly DrawOrder[] = [
  { id: "homework", note: "", order: [...CELL, ...FFN] },
  {
    id: "ffn-drawn-first",
    note: "feed_forward's weights were drawn outside it, once, before input_data",
    order: [...FFN, ...CELL],
  },
  {
    id: "ffn-drawn-after-input",
    note: "feed_forward's weights were drawn outside it, once, right after input_data",
    order: ["x", ...FFN, "wq", "wk", "wv", "wo"],
  },
  {
    id: "ffn-called-twice",
    note: "feed_forward was called twice (the output used the second call's weights)",
    order: [...CELL, "_", "_", ...FFN],
  },
  {
    id: "wo-before-wv",
    note: "Wo was drawn before Wv",
    order: ["x", "wq", "wk", "wo", "wv", ...FFN],
  },
  {
    id: "input-after-weights",
    note: "input_data was drawn after the weights",
    order: ["wq", "wk", "wv", "wo", "x", ...FFN],
  },
  {
    id: "rand-not-randn",
    note: "input_data and the weights were drawn with np.random.rand, not randn",
    order: [...CELL, ...FFN],
    uniform: true,
  },
  {
    id: "paper-dff",
    note: "the feed-forward is the paper's d_ff = 2048 wide, not 4·emb",
    order: [...CELL, ...FFN],
    ffn: 2048,
  },
];

/** Seeds people type, tried first. */
export const USUAL_SEEDS = [42, 0, 1, 1234, 123, 2024, 2025, 2023, 7, 12345, 1337, 31337, 100, 99];

export interface SeedFound {
  seed: number;
  order: DrawOrder;
  inputs: Inputs;
  config: ModelConfig;
}

/**
 * The seed (and draw order) under which a bare output is the homework's layer computed right:
 * the usual seeds, then 0…`last`, each with every draw order above (the paper's d_ff only for
 * the usual seeds and 0…99: its weights are 60 times the draws). Only the homework's shape of
 * run: one encoder layer, one head.
 */
export function searchSeed(
  output: Matrix,
  config: ModelConfig,
  stream: (seed: number) => Stream,
  tolerance: Tolerance,
  last = 9999,
): SeedFound | undefined {
  if (config.computation !== "encode" || config.layers !== 1 || config.heads !== 1) return;
  if (output.rows !== config.seq || output.cols !== config.emb) return;
  const seeds = new Set([...USUAL_SEEDS, ...Array.from({ length: last + 1 }, (_, s) => s)]);
  const sizes = slotSizes(config);
  const normals = new Float64Array(DRAW_ORDERS.reduce((n, o) => Math.max(n, total(o, sizes)), 0));
  const firstRow = firstRowKernel(config);
  const at = new Map(DRAW_ORDERS.map((o) => [o, offsets(o, sizes)]));
  const near = (row: Float64Array) => {
    for (let j = 0; j < config.emb; j++) {
      const e = row[j];
      if (!(Math.abs(e - output.data[j]) <= 1e-4 + 1e-3 * Math.abs(e))) return false;
    }
    return true;
  };
  const cell = CELL.reduce((n, k) => n + sizes[k][0] * sizes[k][1], 0);
  const once = total(DRAW_ORDERS[0], sizes);
  const uniform = new Float64Array(once);
  for (const seed of seeds) {
    // every randn order reads one and the same sequence of normals, at its own offsets; the
    // draws beyond one cell's are only drawn when the order that needs them comes
    const s = stream(seed);
    s.randn(normals.subarray(0, once));
    let drawnTo = once;
    for (const order of DRAW_ORDERS) {
      if (order.ffn && seed > 99 && !USUAL_SEEDS.includes(seed)) continue;
      const c = { ...config, ffn: order.ffn ?? config.ffn };
      let inputs: Inputs | undefined;
      if (order.ffn) {
        inputs = drawn(order, c, stream(seed));
        const flat = flatten(inputs);
        if (!near(firstRowKernel(c)(flat.data, flat.at))) continue;
      } else if (order.uniform) {
        const u = stream(seed);
        u.rand(uniform.subarray(0, cell));
        u.randn(uniform.subarray(cell));
        if (!near(firstRow(uniform, at.get(DRAW_ORDERS[0]) as Offsets))) continue;
        inputs = drawn(order, c, stream(seed));
      } else {
        const need = total(order, sizes);
        if (need > drawnTo) {
          s.randn(normals.subarray(drawnTo, need));
          drawnTo = need;
        }
        if (!near(firstRow(normals, at.get(order) as Offsets))) continue;
        inputs = sliced(order, sizes, normals);
      }
      const out = run("encode", inputs, c, { keep: false }).output;
      if (compare("output", output, out, tolerance).pass) return { seed, order, inputs, config: c };
    }
  }
  return undefined;
}

type Sizes = Record<string, [number, number]>;

function slotSizes(c: ModelConfig): Sizes {
  return {
    x: [c.seq, c.emb],
    wq: [c.emb, c.dmodel],
    wk: [c.emb, c.dmodel],
    wv: [c.emb, c.dmodel],
    wo: [c.dmodel, c.emb],
    w1: [c.emb, c.ffn],
    w2: [c.ffn, c.emb],
  };
}

/** The slot a name fills; "_" is a discarded draw shaped as the slot two places on. */
const slotAt = (o: DrawOrder, i: number) => (o.order[i] === "_" ? o.order[i + 2] : o.order[i]);

function total(o: DrawOrder, s: Sizes): number {
  return o.order.reduce((n, _, i) => n + s[slotAt(o, i)][0] * s[slotAt(o, i)][1], 0);
}

function asInputs(got: Record<string, Matrix>): Inputs {
  const { x, ...layer } = got;
  return { globals: { x }, layers: [layer as Record<LayerKey, Matrix>] };
}

/** The inputs of a randn-only order: views into the normals, no copies. */
function sliced(o: DrawOrder, s: Sizes, normals: Float64Array): Inputs {
  const got: Record<string, Matrix> = {};
  let at = 0;
  o.order.forEach((name, i) => {
    const [r, c] = s[slotAt(o, i)];
    if (name !== "_") got[name] = new Matrix(r, c, normals.subarray(at, at + r * c));
    at += r * c;
  });
  return asInputs(got);
}

/** The inputs of an order with rand draws, or other sizes, drawn from a fresh stream. */
function drawn(o: DrawOrder, c: ModelConfig, s: Stream): Inputs {
  const sizes = slotSizes(c);
  const got: Record<string, Matrix> = {};
  o.order.forEach((name, i) => {
    const [r, cols] = sizes[slotAt(o, i)];
    const m = new Matrix(r, cols);
    if (o.uniform && CELL.includes(name)) s.rand(m.data);
    else s.randn(m.data);
    if (name !== "_") got[name] = m;
  });
  return asInputs(got);
}

type Offsets = Record<"x" | "wq" | "wk" | "wv" | "wo" | "w1" | "w2", number>;

/** Where each matrix of an order starts in the sequence of normals. */
function offsets(o: DrawOrder, s: Sizes): Offsets {
  const at: Record<string, number> = {};
  let n = 0;
  o.order.forEach((name, i) => {
    if (name !== "_") at[name] = n;
    n += s[slotAt(o, i)][0] * s[slotAt(o, i)][1];
  });
  return at as Offsets;
}

/** Inputs laid end to end, for the kernel. */
function flatten(inputs: Inputs): { data: Float64Array; at: Offsets } {
  const w = inputs.layers[0] as Record<LayerKey, Matrix>;
  const parts = { x: inputs.globals.x as Matrix, ...w };
  const names = ["x", "wq", "wk", "wv", "wo", "w1", "w2"] as const;
  const data = new Float64Array(names.reduce((n, k) => n + parts[k].data.length, 0));
  const at: Record<string, number> = {};
  let n = 0;
  for (const k of names) {
    data.set(parts[k].data, n);
    at[k] = n;
    n += parts[k].data.length;
  }
  return { data, at: at as Offsets };
}

/**
 * A quick filter before the full run: row 0 of LayerNorm(n1 + FFN(n1)),
 * n1 = LayerNorm(x₀ + softmax(q₀·Kᵀ/√d)·V·Wo), for one head — attention mixes the rows only
 * through K and V, the rest is position-wise. Only runs whose first row is near the answer's
 * are computed whole (run) and compared. Scratch is allocated once per kernel.
 */
export function firstRowKernel({ seq: n, emb: e, dmodel: d, ffn: f }: ModelConfig) {
  const q = new Float64Array(d);
  const kv = new Float64Array(2 * n * d); // K then V: (n, d) each
  const weights = new Float64Array(n);
  const z = new Float64Array(d);
  const n1 = new Float64Array(e);
  const out = new Float64Array(e);
  return (m: Float64Array, at: Offsets): Float64Array => {
    q.fill(0);
    kv.fill(0);
    z.fill(0);
    for (let r = 0; r < n; r++) {
      for (let i = 0; i < e; i++) {
        const xi = m[at.x + r * e + i];
        for (let j = 0; j < d; j++) {
          if (r === 0) q[j] += xi * m[at.wq + i * d + j];
          kv[r * d + j] += xi * m[at.wk + i * d + j];
          kv[n * d + r * d + j] += xi * m[at.wv + i * d + j];
        }
      }
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += q[j] * kv[r * d + j];
      weights[r] = s / Math.sqrt(d);
      if (weights[r] > max) max = weights[r];
    }
    let sum = 0;
    for (let r = 0; r < n; r++) sum += weights[r] = Math.exp(weights[r] - max);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < d; j++) z[j] += (weights[r] / sum) * kv[n * d + r * d + j];
    }
    for (let c = 0; c < e; c++) {
      let a = m[at.x + c];
      for (let j = 0; j < d; j++) a += z[j] * m[at.wo + j * e + c];
      n1[c] = a;
    }
    normaliseInPlace(n1);
    out.set(n1);
    for (let k = 0; k < f; k++) {
      let h = 0;
      for (let c = 0; c < e; c++) h += n1[c] * m[at.w1 + c * f + k];
      if (h <= 0) continue; // ReLU
      for (let c = 0; c < e; c++) out[c] += h * m[at.w2 + k * e + c];
    }
    normaliseInPlace(out);
    return out;
  };
}

/** The homework's layer_norm of one row: population variance, eps 1e-8 under the root. */
function normaliseInPlace(v: Float64Array): void {
  let mean = 0;
  for (const a of v) mean += a;
  mean /= v.length;
  let variance = 0;
  for (const a of v) variance += (a - mean) ** 2;
  const sd = Math.sqrt(variance / v.length + 1e-8);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] - mean) / sd;
}
