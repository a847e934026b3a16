/**
 * The one WebAssembly.Memory that large matrices live in, shared with the second thread, and
 * its allocator. A Matrix of HEAP_MIN values or more gets a Float64Array view of this memory,
 * so the WebAssembly core works on it where it lies: nothing is copied in or out. Small ones
 * (the homework's) stay ordinary Float64Arrays and never make this memory exist.
 *
 * Blocks are rounded up to 64 bytes and kept, when freed, in a free list per size. A view's block
 * is freed by `release` (scratch that the math knows is dead) or, failing that, when the view is
 * garbage-collected (a FinalizationRegistry). The memory is shared, so growing it leaves every
 * existing view valid.
 */
export const HEAP_MIN = 4096;

/** The first bytes: each thread's 128-byte scratch tile for the core (thread t at t·128). */
const RESERVED = 1024;
const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, the most a 32-bit memory can address

let memory: WebAssembly.Memory | undefined;
let top = RESERVED;
const freeBlocks = new Map<number, number[]>();
/** Every SharedArrayBuffer the memory has been seen through: how a view is known to be ours. */
const buffers = new WeakSet<ArrayBufferLike>();
const registry = new FinalizationRegistry<[number, number]>(([at, bytes]) => give(at, bytes));

export function heapMemory(): WebAssembly.Memory {
  memory ??= new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  return memory;
}

function currentBuffer(): ArrayBufferLike {
  const b = heapMemory().buffer;
  buffers.add(b);
  return b;
}

/**
 * A zeroed Float64Array of `length` values in the shared memory; throws a RangeError when the
 * memory cannot grow enough (it addresses 4 GiB at most).
 */
export function heapArray(length: number): Float64Array {
  const bytes = Math.max(64, Math.ceil((length * 8) / 64) * 64);
  const reused = freeBlocks.get(bytes)?.pop();
  const at = reused ?? bump(bytes);
  const view = new Float64Array(currentBuffer(), at, length);
  if (reused !== undefined) view.fill(0);
  registry.register(view, [at, bytes], view);
  return view;
}

/** Hands a view's block back at once; the view must not be used again. */
export function release(view: Float64Array): void {
  const at = heapOffset(view);
  if (at < 0 || !registry.unregister(view)) return;
  give(view.byteOffset, Math.max(64, Math.ceil((view.length * 8) / 64) * 64));
}

function give(at: number, bytes: number): void {
  const list = freeBlocks.get(bytes);
  if (list) list.push(at);
  else freeBlocks.set(bytes, [at]);
}

function bump(bytes: number): number {
  const m = heapMemory();
  const end = top + bytes;
  const have = m.buffer.byteLength;
  if (end > have) {
    const pages = Math.ceil((end - have) / PAGE);
    if (have / PAGE + pages > MAX_PAGES) throw new RangeError("the shared memory is full");
    // Grow by at least a quarter of what there is, so that a run grows it a few times only.
    m.grow(Math.min(MAX_PAGES - have / PAGE, Math.max(pages, Math.ceil(have / PAGE / 4))));
  }
  const at = top;
  top = end;
  return at;
}

/** The byte offset of `a` in the shared memory, or −1 when it lives elsewhere. */
export function heapOffset(a: Float64Array): number {
  return buffers.has(a.buffer) ? a.byteOffset : -1;
}

/**
 * A heap view of a's values: a itself when it lives there, otherwise a copy (`copied` true);
 * undefined when the memory is full (then the caller computes in JS).
 */
export function inHeap(a: Float64Array): { view: Float64Array; copied: boolean } | undefined {
  if (heapOffset(a) >= 0) return { view: a, copied: false };
  const view = tryHeapArray(a.length);
  view?.set(a);
  return view && { view, copied: true };
}

function tryHeapArray(length: number): Float64Array | undefined {
  try {
    return heapArray(length);
  } catch {
    return undefined;
  }
}

/**
 * Storage for a matrix of `length` values: in the shared memory from HEAP_MIN values on, as long
 * as it has room; an ordinary Float64Array otherwise.
 */
export function allocate(length: number): Float64Array {
  return (length >= HEAP_MIN && tryHeapArray(length)) || new Float64Array(length);
}
