import type { GemmTask, Scratch } from "./gemm.js";

/**
 * How matmul-parallel.ts shares a product with its worker, through a shared Int32Array `ctl`.
 * A product is cut into chunks (ranges of C's columns, or of its rows); both threads take the
 * next chunk from one counter until none is left, so a worker the system has not scheduled
 * yet delays nothing: this thread takes every chunk itself.
 *
 *   ctl[STATUS]  BOOTING until the worker has instantiated the core, then READY (FAILED after a
 *                chunk threw: it is not given work again)
 *   ctl[GEN]     the product's number; the worker waits on it for the next one
 *   ctl[WORK]    (GEN mod 2¹⁵) · 2¹⁶ + the next chunk: taken with compareExchange, so a chunk of
 *                an earlier product can never be taken; CLOSED shuts a product before the
 *                fields are rewritten for the next
 *   ctl[DONE]    chunks finished (either thread); this thread waits on it
 *   ctl[FAILED_CHUNK]  a chunk the worker could not compute (this thread computes it), else −1
 *   ctl[FIELDS…] the product, in the order of TASK_FIELDS (pointers into the shared memory)
 */
export const STATUS = 0;
export const GEN = 1;
export const WORK = 2;
export const DONE = 3;
export const FAILED_CHUNK = 4;
export const FIELDS = 5;

export const BOOTING = 0;
export const READY = 1;
export const FAILED = 2;

export const CLOSED = 0xffff;

export const TASK_FIELDS = [
  "a",
  "b",
  "c",
  "n",
  "k",
  "m",
  "transB",
  "byRows",
  "chunk",
  "chunks",
  "ap",
  "bp",
  "tmp",
] as const;
export type SharedProduct = Record<(typeof TASK_FIELDS)[number], number>;

export const CTL_LENGTH = FIELDS + TASK_FIELDS.length;

/** The tag of product `gen` with `next` chunks taken. */
export const workTag = (gen: number, next: number) => ((gen & 0x7fff) << 16) | next;

/**
 * Takes the next chunk of product `gen`, or returns −1 when none is left (or the product is
 * over: a thread late to wake finds its tag gone).
 */
export function takeChunk(ctl: Int32Array, gen: number, chunks: number): number {
  for (;;) {
    const v = Atomics.load(ctl, WORK);
    if (v >>> 16 !== (gen & 0x7fff)) return -1;
    const next = v & 0xffff;
    if (next >= chunks) return -1;
    if (Atomics.compareExchange(ctl, WORK, v, v + 1) === v) return next;
  }
}

/** Chunk i of a shared product as a task of gemmColumns: a range of C's columns or of its rows. */
export function chunkTask(p: SharedProduct, i: number): GemmTask {
  const from = i * p.chunk;
  const to = Math.min(from + p.chunk, p.byRows ? p.n : p.m);
  const whole = { a: p.a, b: p.b, c: p.c, n: p.n, k: p.k, m: p.m, transB: p.transB === 1 };
  return p.byRows
    ? { ...whole, a: p.a + from * p.k * 8, c: p.c + from * p.m * 8, n: to - from, j0: 0, j1: p.m }
    : { ...whole, j0: from, j1: to };
}

/** The worker's scratch, as the product gives it. */
export const workerScratchOf = (p: SharedProduct): Scratch => ({ ap: p.ap, bp: p.bp, tmp: p.tmp });
