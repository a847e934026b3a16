import type { Worker } from "node:worker_threads";
import { coreModule } from "./kernels/core.js";
import { type GemmTask, scratchBytes } from "./kernels/gemm.js";
import {
  BOOTING,
  CLOSED,
  CTL_LENGTH,
  chunkTask,
  DONE,
  FAILED_CHUNK,
  FIELDS,
  GEN,
  READY,
  type SharedProduct,
  STATUS,
  TASK_FIELDS,
  takeChunk,
  WORK,
  workTag,
} from "./kernels/handoff.js";
import { heapArray, heapMemory, release } from "./kernels/heap.js";
import { type Product, setParallelMatmul } from "./matmul.js";

/**
 * A second thread for large products, behind the same `matmul`. The worker instantiates the same
 * WebAssembly core on the same shared memory, so a product is handed over as a few integers. It
 * is cut into about CHUNKS chunks — ranges of C's columns when A is the smaller operand (each
 * chunk packs all of A and its columns of B), of C's rows otherwise — and each thread takes the
 * next chunk until none is left: when the other thread is slow to wake (a busy machine), this
 * one simply computes more. Every element gets the same arithmetic as on one thread, so the
 * results are bit-identical. The hand-off is synchronous (Atomics on a shared Int32Array,
 * kernels/handoff.ts), so `matmul` stays a plain function. Below MIN_WORK multiply-adds a
 * product stays on one thread. node:os and node:worker_threads are loaded on first use.
 */
export const MIN_WORK = 1 << 22;
const CHUNKS = 8;

/**
 * Products shared out, and how many chunks the worker computed: a test can tell the second
 * thread really ran.
 */
export const parallelProducts = { count: 0, workerChunks: 0 };

let helper: { worker: Worker; ctl: Int32Array; gen: number } | undefined | null;
let workerUrl: URL | undefined;

/**
 * Registers the worker (the built `matmul-worker.js`). It starts on the first product large
 * enough, or at once with `startParallelMatmul`; a machine with one core never starts it.
 */
export function enableParallelMatmul(url: URL): void {
  workerUrl = url;
  setParallelMatmul(share);
}

/**
 * Starts the worker now if a product of `multiplyAdds` will need it, so that its start-up
 * overlaps this thread's work (the draws) instead of delaying the first large product.
 */
export function startParallelMatmul(multiplyAdds: number): void {
  if (workerUrl && multiplyAdds >= MIN_WORK) start(workerUrl, false);
}

function share(t: Product, runHere: (part: GemmTask) => void): boolean {
  if (t.n * t.k * t.m < MIN_WORK || !workerUrl) return false;
  const h = start(workerUrl, true);
  if (!h) return false;
  const byRows = t.n * t.k > t.k * t.m; // else share B's packing, pack all of A in each chunk
  const total = byRows ? t.n : t.m;
  if (total < 16) return false;
  const chunk = Math.max(8, Math.ceil(total / CHUNKS / 4) * 4);
  const s = workerScratch(byRows ? t.m : chunk);
  if (!s) return false; // the shared memory is full: one thread
  const p: SharedProduct = {
    ...t,
    transB: t.transB ? 1 : 0,
    byRows: byRows ? 1 : 0,
    chunk,
    chunks: Math.ceil(total / chunk),
    ...s,
  };
  const { ctl } = h;
  Atomics.store(ctl, WORK, workTag(h.gen, CLOSED)); // the last product is over: no chunk of it
  TASK_FIELDS.forEach((f, i) => {
    ctl[FIELDS + i] = p[f];
  });
  const gen = ++h.gen;
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, FAILED_CHUNK, -1);
  Atomics.store(ctl, WORK, workTag(gen, 0));
  Atomics.store(ctl, GEN, gen);
  Atomics.notify(ctl, GEN);
  let mine = 0;
  for (let i = takeChunk(ctl, gen, p.chunks); i >= 0; i = takeChunk(ctl, gen, p.chunks)) {
    runHere(chunkTask(p, i));
    Atomics.add(ctl, DONE, 1);
    mine++;
  }
  for (let done = Atomics.load(ctl, DONE); done < p.chunks; done = Atomics.load(ctl, DONE)) {
    Atomics.wait(ctl, DONE, done, 1000);
  }
  const failed = Atomics.load(ctl, FAILED_CHUNK);
  if (failed >= 0) runHere(chunkTask(p, failed)); // the worker could not: finish here
  parallelProducts.count++;
  parallelProducts.workerChunks += p.chunks - mine - (failed >= 0 ? 1 : 0);
  return true;
}

/** The worker's scratch, owned by this thread's allocator, grown as needed. */
const workerOwn: { ap?: Float64Array; bp?: Float64Array; tmp: number } = { tmp: 128 };

function workerScratch(cols: number): { ap: number; bp: number; tmp: number } | undefined {
  const need = scratchBytes(cols);
  try {
    workerOwn.ap ??= heapArray(need.ap / 8);
    if (!workerOwn.bp || workerOwn.bp.length * 8 < need.bp) {
      if (workerOwn.bp) release(workerOwn.bp);
      workerOwn.bp = undefined;
      workerOwn.bp = heapArray(need.bp / 8);
    }
  } catch {
    return undefined;
  }
  return { ap: workerOwn.ap.byteOffset, bp: workerOwn.bp.byteOffset, tmp: workerOwn.tmp };
}

/**
 * The worker, started once; null once it could not be (then everything stays on one thread).
 * `wait`: block until it has booted (a product needs it now) or return at once.
 */
function start(url: URL, wait: boolean): typeof helper {
  if (helper === undefined) helper = boot(url);
  if (helper && wait && Atomics.load(helper.ctl, STATUS) === BOOTING) {
    Atomics.wait(helper.ctl, STATUS, BOOTING, 5000);
  }
  if (helper && wait && Atomics.load(helper.ctl, STATUS) !== READY) {
    void helper.worker.terminate(); // it did not boot, or a chunk failed there: one thread
    helper = null;
  }
  return helper;
}

function boot(url: URL): typeof helper {
  if (process.getBuiltinModule("node:os").availableParallelism() < 2) return null;
  const module = coreModule();
  if (!module) return null;
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  try {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * CTL_LENGTH));
    ctl[STATUS] = BOOTING;
    const worker = new Worker(url, {
      workerData: { ctl: ctl.buffer, module, memory: heapMemory() },
      execArgv: [],
    });
    worker.unref();
    return { worker, ctl, gen: 0 };
  } catch {
    return null;
  }
}
