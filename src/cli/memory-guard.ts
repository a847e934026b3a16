import { UserError } from "../errors.js";
import {
  bytesHeld,
  LAYER_OVERHEAD_BYTES,
  MAX_DIM,
  MAX_WORK,
  type ModelConfig,
  WORK_PER_SECOND,
  workOf,
} from "../model/dims.js";

/**
 * Refuses, before anything is allocated, dimensions whose matrices would not fit in half this
 * machine's memory (model/dims.ts bytesHeld: the trace kept or not, V8's objects, the output).
 */
export function assertFits(c: ModelConfig, keep = true, limitBytes = memoryLimit()): void {
  for (const name of ["seq", "emb", "dmodel", "heads", "layers", "ffn", "src"] as const) {
    if (c[name] > MAX_DIM)
      throw new UserError(`--${name} ${c[name]} is too large (at most ${MAX_DIM})`);
  }
  const bytes = bytesHeld(c, keep);
  if (bytes > limitBytes) {
    const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;
    throw new UserError(
      `dimensions too large: seq ${c.seq}, src ${c.src}, emb ${c.emb}, heads·dmodel ${c.heads * c.dmodel}, ffn ${c.ffn}, layers ${c.layers} need about ${gib(bytes)}, more than the ${gib(limitBytes)} allowed (half this machine's memory)`,
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
export function assertWorkFits(c: ModelConfig, allowLong: boolean, maxWork = MAX_WORK): void {
  const work = workOf(c);
  if (allowLong || work <= maxWork) return;
  const seconds = work / WORK_PER_SECOND;
  const time =
    seconds < 90
      ? `${Math.round(seconds)} s`
      : seconds < 7200
        ? `${Math.round(seconds / 60)} minutes`
        : `${Math.round(seconds / 3600)} hours`;
  const dims =
    c.computation === "attention"
      ? `seq ${c.seq}, src ${c.src}, dmodel ${c.dmodel}`
      : `seq ${c.seq}${c.cross ? `, src ${c.src}` : ""}, emb ${c.emb}, heads·dmodel ${c.heads * c.dmodel}, ffn ${c.ffn}, layers ${c.layers}`;
  throw new UserError(
    `${c.computation} with ${dims} is about ${big(work)} multiply-adds (some ${time} of CPU); a run does at most ${big(maxWork)} (about a minute) unless given --allow-long (README: Limits)`,
  );
}

/** 230 billion, 2.3 trillion. */
function big(n: number): string {
  return n >= 1e12 ? `${(n / 1e12).toFixed(1)} trillion` : `${Math.round(n / 1e9)} billion`;
}
