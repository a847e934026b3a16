import { count, UserError } from "../errors.js";
import {
  type Axis,
  drawOrder,
  getSlot,
  type Inputs,
  type LayerKey,
  NO_INPUTS,
  SHAPES,
  slotName,
} from "./input-slots.js";

/** What a run computes: an encoder stack, a decoder stack, or attention alone (Question 1). */
export type Computation = "encode" | "decode" | "attention";

/** The dimensions of a run. Defaults are the homework's cell: seq 4, emb 8, d_k 3, one head. */
export interface Dims {
  /** sequence length: rows of x (encoder) or y (decoder), and of q in `attention` */
  seq: number;
  /** embedding length: columns of x, y and memory */
  emb: number;
  /** d_k, the width of one attention head (the homework's `model_dimension`) */
  dmodel: number;
  /** attention heads; wq, wk, wv are emb × heads·dmodel */
  heads: number;
  /** stacked layers, each with its own weights */
  layers: number;
  /** inner width of the feed-forward; 4·emb unless given */
  ffn: number;
  /** rows of the decoder's memory (the encoder output) and of k, v in `attention`; seq unless given */
  src: number;
}

/** Everything the model needs to know about a run, passed down whole (nanoGPT's GPTConfig). */
export interface ModelConfig extends Dims {
  computation: Computation;
  /** decode: cross-attention to the memory (false: decoder-only, GPT-style); false otherwise */
  cross: boolean;
  /** attention: hide key j > i from query i; false otherwise (the decoder's mask is always on) */
  causal: boolean;
}

/** The homework's cell; what no flag or matrix fixes takes these. ffn is 4·emb and src is seq. */
export const DEFAULT_DIMS = {
  seq: 4,
  emb: 8,
  dmodel: 3,
  heads: 1,
  layers: 1,
} as const;

/** The largest dimension accepted, whatever the memory: beyond it a typo is far likelier. */
export const MAX_DIM = 1 << 20;

/** Dimension flags as the user typed them; an absent one was not given. */
export type DimFlags = Partial<Dims>;

export interface ResolveDims {
  computation: Computation;
  /** decode: with cross-attention (so with a memory) */
  cross: boolean;
  /** the matrices supplied, whose shapes fix sizes; none by default */
  supplied?: Inputs;
  /** where they came from, for messages */
  file?: string;
  flags?: DimFlags;
}

const AXIS_WORD: Record<Axis, string> = {
  seq: "seq",
  src: "src",
  emb: "emb",
  hd: "heads·dmodel",
  dmodel: "dmodel",
  ffn: "ffn",
};

/**
 * The run's dimensions from the matrices supplied and the flags given. A size may be fixed by a
 * matrix or a flag; when two disagree the error names both. What nothing fixes takes its
 * default (seq 4, emb 8, dmodel 3, heads 1, layers 1, ffn 4·emb, src seq).
 */
export function resolveDims({
  computation,
  cross,
  supplied = NO_INPUTS,
  file = "",
  flags = {},
}: ResolveDims): Dims {
  const layersGiven = supplied.layers.length;
  if (layersGiven > 0 && flags.layers !== undefined && flags.layers !== layersGiven) {
    throw new UserError(
      `--layers ${flags.layers} disagrees with ${file}, which has weights for ${layersGiven} layer${layersGiven > 1 ? "s" : ""}`,
    );
  }
  const layers = flags.layers ?? Math.max(DEFAULT_DIMS.layers, layersGiven);
  const needed = drawOrder(computation, layers, cross);
  rejectUnused(
    computation,
    supplied,
    file,
    needed.map((s) => slotName(s, layers)),
    cross,
    layers,
  );

  const known = new Map<Axis, { size: number; by: string }>();
  for (const slot of needed) {
    const m = getSlot(supplied, slot);
    if (!m) continue;
    SHAPES[slot.key].forEach((axis, i) => {
      const size = i === 0 ? m.rows : m.cols;
      const by = `${slotName(slot, layers)} in ${file} has ${count(size, i === 0 ? "row" : "column")}`;
      const prev = known.get(axis);
      if (prev && prev.size !== size) {
        throw new UserError(`${by}, but ${prev.by}; both are ${AXIS_WORD[axis]}`);
      }
      if (!prev) known.set(axis, { size, by });
    });
  }
  if (computation === "decode" && !cross && flags.src !== undefined) {
    throw new UserError(
      `--src ${flags.src}: decode --no-cross has no memory, so no src; leave --src out`,
    );
  }
  /** A size from a matrix, a flag, or a default; the error for one too large names which. */
  const pick = (
    axis: "seq" | "src" | "emb" | "ffn" | "dmodel",
    fallback: () => number,
    derived = "",
  ): number => {
    const k = known.get(axis);
    const flag = flags[axis];
    if (k && flag !== undefined && flag !== k.size) {
      throw new UserError(`--${axis} ${flag} disagrees with the input: ${k.by} (${axis})`);
    }
    const size = k?.size ?? flag ?? fallback();
    if (size > MAX_DIM) {
      throw new UserError(
        k
          ? `${k.by}: more than the ${MAX_DIM} transformer-lab takes (${axis})`
          : flag !== undefined
            ? `--${axis} ${flag} is too large (at most ${MAX_DIM})`
            : `${axis} = ${derived} = ${size} is too large (at most ${MAX_DIM}); give --${axis}`,
      );
    }
    return size;
  };
  const seq = pick("seq", () => DEFAULT_DIMS.seq);
  const src = pick("src", () => seq, "seq");
  const emb = pick("emb", () => DEFAULT_DIMS.emb);
  const ffn = pick("ffn", () => 4 * emb, "4·emb");
  for (const name of ["heads", "layers"] as const) {
    const v = flags[name];
    if (v !== undefined && v > MAX_DIM)
      throw new UserError(`--${name} ${v} is too large (at most ${MAX_DIM})`);
  }
  const heads = flags.heads ?? DEFAULT_DIMS.heads;
  let dmodel: number;
  const hd = known.get("hd");
  if (hd) {
    if (hd.size % heads !== 0) {
      throw new UserError(
        `--heads ${heads} does not divide the input: ${hd.by}, which must be heads·dmodel`,
      );
    }
    dmodel = hd.size / heads;
    if (flags.dmodel !== undefined && flags.dmodel !== dmodel) {
      throw new UserError(
        `--dmodel ${flags.dmodel} disagrees with the input: ${hd.by} = heads·dmodel = ${heads}·${dmodel}`,
      );
    }
  } else {
    dmodel = pick("dmodel", () => DEFAULT_DIMS.dmodel);
  }
  return { seq, emb, dmodel, heads, layers, ffn, src };
}

function rejectUnused(
  computation: Computation,
  supplied: Inputs,
  file: string,
  needed: string[],
  cross: boolean,
  layers: number,
): void {
  const given = [
    ...Object.keys(supplied.globals),
    ...supplied.layers.flatMap((l, layer) =>
      Object.keys(l).map((k) => slotName({ key: k as LayerKey, layer }, layers)),
    ),
  ];
  for (const name of given) {
    if (needed.includes(name)) continue;
    const base = name.replace(/^layers\[\d+\]\./, "");
    const why =
      computation === "decode" && !cross && (base === "memory" || base.startsWith("cross_"))
        ? "decode --no-cross has no cross-attention"
        : `${computation} does not use it`;
    throw new UserError(`${name} in ${file} is not used: ${why}`);
  }
}

/** Causal attention hides key j > i from query i: it needs as many keys as queries. */
export function assertCausalSquare(d: Dims): void {
  if (d.seq !== d.src) {
    throw new UserError(
      `--causal needs square attention: ${d.seq} queries but ${d.src} keys (query i may see keys 0…i)`,
    );
  }
}

/** A block of one head's scores under --quiet (math/attention-rows.ts), with its product. */
const QUIET_BLOCK = 2 * (1 << 16);
/** V8 objects per layer (trace steps, matrix headers, the table's rows): 80 KB measured, doubled. */
export const LAYER_OVERHEAD_BYTES = 160 * 1024;
/** Output text per number printed (about 20 characters), with the string pieces held meanwhile. */
const OUTPUT_BYTES_PER_NUMBER = 32;
/** The matmul worker thread and the modules loaded late (render, output): 40 MB measured. */
const RUNTIME_BYTES = 96 * 2 ** 20;

/**
 * An upper bound on the bytes a run holds at its peak: its inputs and every layer's weights; the
 * trace, when kept, of every head (q, k, v, scores, scaled, masked, weights, z) and every layer
 * (projections, residuals, norms, the feed-forward); under --quiet one block of one head's scores
 * and one layer's intermediates; V8's objects per layer; and the output text.
 */
export function bytesHeld(c: ModelConfig, keep = true): number {
  const hd = c.heads * c.dmodel;
  const perHead = (4 * c.seq * c.src + (c.seq + 2 * c.src) * c.dmodel + c.seq * c.dmodel) * c.heads;
  const blocks = c.computation === "decode" ? (c.cross ? 2 : 1) : 1;
  if (c.computation === "attention") {
    const inputs = (c.seq + 2 * c.src) * c.dmodel;
    const held = inputs + (keep ? 4 * c.seq * c.src : QUIET_BLOCK) + c.seq * c.dmodel;
    const printed = keep ? held : inputs + c.seq * c.dmodel;
    return 8 * held + OUTPUT_BYTES_PER_NUMBER * printed + LAYER_OVERHEAD_BYTES + RUNTIME_BYTES;
  }
  const inputs =
    c.seq * c.emb +
    (c.cross ? c.src * c.emb : 0) +
    c.layers * (blocks * 4 * c.emb * hd + 2 * c.emb * c.ffn + 4 * c.emb);
  const attention = keep ? perHead : QUIET_BLOCK + (c.seq + 2 * c.src) * hd;
  const rest = 12 * c.seq * c.emb + 3 * c.seq * c.ffn + 2 * (c.seq + 2 * c.src) * hd;
  const layer = blocks * attention + rest;
  const held = inputs + (keep ? c.layers : 1) * layer;
  const printed = keep ? held : inputs + c.seq * c.emb;
  return (
    8 * held + OUTPUT_BYTES_PER_NUMBER * printed + LAYER_OVERHEAD_BYTES * c.layers + RUNTIME_BYTES
  );
}

/** The most multiply-adds of any one product of the run (what decides whether a second thread helps). */
export function largestProduct(c: ModelConfig): number {
  const hd = c.heads * c.dmodel;
  const attention = c.seq * c.src * c.dmodel; // Q·Kᵀ and weights·V, per head
  if (c.computation === "attention") return attention;
  return Math.max(attention, Math.max(c.seq, c.src) * c.emb * Math.max(hd, c.ffn));
}

/**
 * The cost of a run's parts in multiply-adds of a product, the unit of workOf: one normal drawn,
 * one exp of the softmax, one layer's fixed cost (its trace steps, matrix headers and table rows).
 * Measured in CPU time on the test machine: 3·10⁹ multiply-adds, 60 ns a normal and 1.3 ms a
 * layer each second (README: Limits).
 */
export const WORK_PER = { normal: 200, exp: 20, layer: 4e6 } as const;

/** Multiply-adds a second at which the README's time for workOf is given (CPU time, measured). */
export const WORK_PER_SECOND = 3e9;

/**
 * The work of a run in multiply-adds: every product of every layer (the projections, each head's
 * Q·Kᵀ and weights·V, the output projection, the feed-forward), the softmax's exps, the normals
 * drawn (every input and weight, as if none were supplied) and each layer's fixed cost.
 */
export function workOf(c: ModelConfig): number {
  const hd = c.heads * c.dmodel;
  /** one attention block: queries from `q` rows, keys and values from `kv` rows */
  const block = (q: number, kv: number, projected: boolean) =>
    (projected ? (q + 2 * kv) * c.emb * hd + q * hd * c.emb : 0) +
    2 * q * kv * hd +
    WORK_PER.exp * q * kv * c.heads;
  if (c.computation === "attention") {
    return block(c.seq, c.src, false) + WORK_PER.normal * (c.seq + 2 * c.src) * c.dmodel;
  }
  const blocks = c.computation === "decode" && c.cross ? 2 : 1;
  const attention = block(c.seq, c.seq, true) + (blocks === 2 ? block(c.seq, c.src, true) : 0);
  const drawn = blocks * 4 * c.emb * hd + 2 * c.emb * c.ffn;
  const layer = attention + 2 * c.seq * c.emb * c.ffn + WORK_PER.normal * drawn + WORK_PER.layer;
  const inputs = WORK_PER.normal * (c.seq + (blocks === 2 ? c.src : 0)) * c.emb;
  return inputs + c.layers * layer;
}

/** The most work a run does unless asked (--allow-long): about a minute of CPU (README: Limits). */
export const MAX_WORK = 2e11;
