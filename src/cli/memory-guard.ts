import { UserError } from "../errors.js";
import { bytesHeld, LAYER_OVERHEAD_BYTES, MAX_DIM, type ModelConfig } from "../model/dims.js";

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
