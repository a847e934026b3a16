import { UserError } from "../errors.js";
import { DEFAULT_DIMS, type Dims } from "../model/dims.js";
import {
  type Axis,
  type Command,
  drawOrder,
  getSlot,
  type Inputs,
  type LayerKey,
  SHAPES,
  slotName,
} from "../model/inputs.js";
import { count } from "./matrix-value.js";

/** Dimension flags as the user typed them; an absent one was not given. */
export type DimFlags = Partial<Dims>;

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
export function resolveDims(
  command: Command,
  supplied: Inputs,
  file: string,
  flags: DimFlags,
  cross: boolean,
): Dims {
  const layersGiven = supplied.layers.length;
  if (layersGiven > 0 && flags.layers !== undefined && flags.layers !== layersGiven) {
    throw new UserError(
      `--layers ${flags.layers} disagrees with ${file}, which has weights for ${layersGiven} layer${layersGiven > 1 ? "s" : ""}`,
    );
  }
  const layers = flags.layers ?? Math.max(DEFAULT_DIMS.layers, layersGiven);
  const needed = drawOrder(command, layers, cross);
  rejectUnused(
    command,
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
  const pick = (axis: "seq" | "src" | "emb" | "ffn" | "dmodel", fallback: () => number): number => {
    const k = known.get(axis);
    const flag = flags[axis];
    if (k && flag !== undefined && flag !== k.size) {
      throw new UserError(`--${axis} ${flag} disagrees with the input: ${k.by} (${axis})`);
    }
    return k?.size ?? flag ?? fallback();
  };
  const seq = pick("seq", () => DEFAULT_DIMS.seq);
  const src = pick("src", () => seq);
  const emb = pick("emb", () => DEFAULT_DIMS.emb);
  const ffn = pick("ffn", () => 4 * emb);
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
  const dims: Dims = { seq, emb, dmodel, heads, layers, ffn, src };
  assertFits(command, dims, cross);
  return dims;
}

function rejectUnused(
  command: Command,
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
      command === "decode" && !cross && (base === "memory" || base.startsWith("cross_"))
        ? "decode --no-cross has no cross-attention"
        : `${command} does not use it`;
    throw new UserError(`${name} in ${file} is not used: ${why}`);
  }
}

/** The largest dimension accepted, whatever the memory: beyond it a typo is far likelier. */
export const MAX_DIM = 1 << 20;

/**
 * Refuses, before allocating anything, dimensions whose matrices would not fit in memory: the
 * inputs, plus the intermediates of one layer (one head's attention matrices at a time).
 */
export function assertFits(
  command: Command,
  d: Dims,
  cross: boolean,
  limitBytes = memoryLimit(),
): void {
  for (const [name, v] of Object.entries(d)) {
    if (v > MAX_DIM) throw new UserError(`--${name} ${v} is too large (at most ${MAX_DIM})`);
  }
  const hd = d.heads * d.dmodel;
  const inputs =
    command === "attention"
      ? (d.seq + 2 * d.src) * d.dmodel
      : d.seq * d.emb +
        (cross ? d.src * d.emb : 0) +
        d.layers * (2 * (4 * d.emb * hd) + 2 * d.emb * d.ffn);
  const perLayer =
    4 * d.seq * d.src + 4 * (d.seq + d.src) * hd + 8 * d.seq * d.emb + 2 * d.seq * d.ffn;
  const bytes = 8 * (inputs + (command === "attention" ? 4 * d.seq * d.src : perLayer));
  if (bytes > limitBytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new UserError(
      `dimensions too large: seq ${d.seq}, src ${d.src}, emb ${d.emb}, heads·dmodel ${hd}, ffn ${d.ffn}, layers ${d.layers} need about ${gib(bytes)}, more than the ${gib(limitBytes)} allowed (half this machine's memory)`,
    );
  }
}

function memoryLimit(): number {
  return process.getBuiltinModule("node:os").totalmem() / 2;
}
