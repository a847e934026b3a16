import { printable, UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import {
  bytesHeld,
  type DimFlags,
  LAYER_OVERHEAD_BYTES,
  MAX_DIM,
  MAX_WORK,
  type ModelConfig,
  WORK_PER_SECOND,
  workOf,
} from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";

/**
 * Where a run's dimensions came from, so that a refusal names what the user gave: the flags
 * given, and the file (`--input`, stdin) whose matrices fixed the rest, with their shapes.
 */
export interface DimsOrigin {
  /** the dimension flags given (`--seq` …); the others came from the file or the defaults */
  given: DimFlags;
  /** the input file, as printed (`big.npy`, `<stdin>`) */
  file?: string;
  /** its matrices' shapes (`x 300000×8`) */
  shapes?: string;
}

/** The origin of a run's dimensions: the flags given, and the input file read, if any. */
export function dimsOrigin(
  given: DimFlags,
  file: string | undefined,
  supplied: Inputs,
): DimsOrigin {
  const shapes = Object.entries(supplied.globals)
    .filter((e): e is [string, Matrix] => e[1] !== undefined)
    .map(([name, m]) => `${name} ${m.rows}×${m.cols}`)
    .join(", ");
  return { given, file: file === undefined ? undefined : printable(file), shapes };
}

/**
 * The input file and its shapes, for a refusal (` for big.npy (x 300000×8)`), or nothing when no
 * file was read.
 */
function fromFile(origin: DimsOrigin | undefined, lead: string): string {
  if (!origin?.file) return "";
  return `${lead}${origin.file}${origin.shapes ? ` (${origin.shapes})` : ""}`;
}

/** The dimensions that size a run of this computation (no src for an encoder, …). */
function dimsText(c: ModelConfig): string {
  return c.computation === "attention"
    ? `seq ${c.seq}, src ${c.src}, dmodel ${c.dmodel}`
    : `seq ${c.seq}${c.cross ? `, src ${c.src}` : ""}, emb ${c.emb}, heads·dmodel ${c.heads * c.dmodel}, ffn ${c.ffn}, layers ${c.layers}`;
}

/**
 * Refuses, before anything is allocated, dimensions whose matrices would not fit in half this
 * machine's memory (model/dims.ts bytesHeld: the trace kept or not, V8's objects, the output).
 * A dimension is named as the flag only when that flag was given; else as the file's.
 */
export function assertFits(
  c: ModelConfig,
  keep = true,
  origin?: DimsOrigin,
  limitBytes = memoryLimit(),
): void {
  for (const name of ["seq", "emb", "dmodel", "heads", "layers", "ffn", "src"] as const) {
    if (c[name] <= MAX_DIM) continue;
    const what =
      !origin || origin.given[name] !== undefined || !origin.file
        ? `--${name} ${c[name]}`
        : `${name} ${c[name]}${fromFile(origin, ", from ")}`;
    throw new UserError(`${what} is too large (at most ${MAX_DIM})`);
  }
  const bytes = bytesHeld(c, keep);
  if (bytes > limitBytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new UserError(
      `dimensions too large${fromFile(origin, " for ")}: ${dimsText(c)} need about ${gib(bytes)}, more than the ${gib(limitBytes)} allowed (half this machine's memory)`,
    );
  }
}

function memoryLimit(): number {
  return process.getBuiltinModule("node:os").totalmem() / 2;
}

/** --layers alone, before the stack's step table is built: its V8 objects cost per layer. */
export function assertLayersFit(layers: number | undefined, limitBytes = memoryLimit()): void {
  if (layers === undefined || layers * LAYER_OVERHEAD_BYTES <= limitBytes) return;
  const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
  throw new UserError(
    `--layers ${layers} needs about ${gib(layers * LAYER_OVERHEAD_BYTES)} for its layers' objects alone, more than the ${gib(limitBytes)} allowed (half this machine's memory)`,
  );
}

/**
 * Refuses, before anything is drawn, a run whose work (model/dims.ts workOf) is beyond about a
 * minute of CPU, unless --allow-long asks for it: a run of minutes is far likelier a typo (a
 * dimension, --layers) than a wish. The memory rule bounds what a run holds; this, how long it runs.
 */
export function assertWorkFits(
  c: ModelConfig,
  allowLong: boolean,
  origin?: DimsOrigin,
  maxWork = MAX_WORK,
): void {
  const work = workOf(c);
  if (allowLong || work <= maxWork) return;
  const seconds = work / WORK_PER_SECOND;
  const time =
    seconds < 90
      ? `${Math.round(seconds)} s`
      : seconds < 7200
        ? `${Math.round(seconds / 60)} minutes`
        : `${Math.round(seconds / 3600)} hours`;
  throw new UserError(
    `${c.computation}${fromFile(origin, " of ")} with ${dimsText(c)} is about ${big(work)} multiply-adds (some ${time} of CPU); a run does at most ${big(maxWork)} (about a minute) unless given --allow-long (README: Limits)`,
  );
}

/** 230 billion, 2.3 trillion. */
function big(n: number): string {
  return n >= 1e12 ? `${(n / 1e12).toFixed(1)} trillion` : `${Math.round(n / 1e9)} billion`;
}
