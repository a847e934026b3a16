import { UserError } from "../errors.js";
import { bytesHeld, MAX_DIM, type ModelConfig } from "../model/dims.js";

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
