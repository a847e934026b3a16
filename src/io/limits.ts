/**
 * How much a run may hold. The memory rule: everything a run keeps must fit in half this
 * machine's memory. JSON is parsed into JavaScript arrays, which live in V8's heap (about 4 GiB
 * by default, whatever the machine), so an input is also bounded by that heap.
 */
export function memoryLimit(): number {
  return process.getBuiltinModule("node:os").totalmem() / 2;
}

/**
 * The input size cap, in bytes: the most a file or stdin may hold, and the most a `.npz`
 * archive's members may inflate to. Parsing JSON costs up to about 16 bytes of memory per byte
 * of text (the text itself twice, then the parsed lists, at 8 bytes per number for a number
 * that takes 2 bytes of text as `0,`, then the matrices): so 1/16 of the smaller of the
 * memory rule's limit and V8's heap keeps the parse inside both.
 */
export function inputLimit(): number {
  const heap = process.getBuiltinModule("node:v8").getHeapStatistics().heap_size_limit;
  const longestString = process.getBuiltinModule("node:buffer").constants.MAX_STRING_LENGTH;
  return Math.floor(Math.min(memoryLimit() / 16, heap / 16, longestString));
}

/** Bytes for a person: `259 MiB`, `8.0 GiB`. */
export function bytesText(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${Math.round(n / 2 ** 20)} MiB`;
  if (n >= 2 ** 10) return `${Math.round(n / 2 ** 10)} KiB`;
  return `${n} bytes`;
}
