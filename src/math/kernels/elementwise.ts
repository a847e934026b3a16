import { type Core, wasmCore } from "./core.js";
import { HEAP_MIN, inHeap, release } from "./heap.js";

/**
 * Drivers for the core's element-wise steps. Each runs a step on large arrays on the core and
 * returns true, or returns false (having done nothing) for small arrays or without a core, and
 * the caller computes in JS. The core is called a row or a CHUNK of values at a time: V8 tiers
 * a WebAssembly function up for its next call, never during one.
 */
const CHUNK = 8192;

type Step = (core: Core, sources: number[], dst: number, n: number) => void;

/** `step` over each row of `cols` values of the sources into `out`. */
export function onCoreByRows(
  sources: Float64Array[],
  out: Float64Array,
  cols: number,
  step: Step,
): boolean {
  return onCore(sources, out, cols, step);
}

/** `step` over all the values, a chunk at a time. */
export function onCoreByChunks(sources: Float64Array[], out: Float64Array, step: Step): boolean {
  return onCore(sources, out, CHUNK, step);
}

function onCore(sources: Float64Array[], out: Float64Array, width: number, step: Step): boolean {
  if (out.length < HEAP_MIN || width === 0) return false;
  const core = wasmCore();
  if (!core) return false;
  const ins = sources.map(inHeap);
  const o = inHeap(out);
  if (!o || ins.some((x) => !x)) {
    for (const x of [o, ...ins]) if (x?.copied) release(x.view);
    return false;
  }
  const bases = ins.map((x) => x!.view.byteOffset);
  for (let at = 0; at < out.length; at += width) {
    const n = Math.min(width, out.length - at);
    step(
      core,
      bases.map((b) => b + at * 8),
      o.view.byteOffset + at * 8,
      n,
    );
  }
  if (o.copied) {
    out.set(o.view);
    release(o.view);
  }
  for (const x of ins) if (x!.copied) release(x!.view);
  return true;
}
