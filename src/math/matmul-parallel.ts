import type { Worker } from "node:worker_threads";
import { coreModule } from "./kernels/core.js";
import { type GemmTask, scratchBytes } from "./kernels/gemm.js";
import { BOOTING, DONE, IDLE, TASK, TASK_FIELDS } from "./kernels/handoff.js";
import { heapArray, heapMemory, release } from "./kernels/heap.js";
import { type Product, setParallelMatmul } from "./matmul.js";

/**
 * A second thread for large products, behind the same `matmul`. The worker instantiates the same
 * WebAssembly core on the same shared memory, so a product is handed over as a few integers: the
 * worker computes one part of C in place while this thread computes the other. The part is a
 * range of C's columns when A is the smaller operand (each thread packs all of A and half of B)
 * and a range of rows otherwise; either way every element gets the same arithmetic as on one
 * thread, so the results are bit-identical. The hand-off is synchronous (Atomics.wait/notify
 * on a shared Int32Array), so `matmul` stays a plain function. Below MIN_WORK multiply-adds a
 * product stays on one thread. node:os and node:worker_threads are loaded on first use.
 */
export const MIN_WORK = 1 << 22;

/** How many products the worker has shared, so a test can tell the second thread really ran. */
export const parallelProducts = { count: 0 };

let helper: { worker: Worker; ctl: Int32Array } | undefined | null;
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
  const byColumns = t.n * t.k <= t.k * t.m; // share B's packing, pack all of A twice
  const total = byColumns ? t.m : t.n;
  if (total < 16) return false;
  const split = Math.round(total / 8) * 4; // this thread's part: [0, split)
  const [mineTask, theirs] = byColumns
    ? [
        { ...t, j0: 0, j1: split },
        { ...t, j0: split, j1: t.m },
      ]
    : [
        { ...t, n: split, j0: 0, j1: t.m },
        {
          ...t,
          a: t.a + split * t.k * 8,
          c: t.c + split * t.m * 8,
          n: t.n - split,
          j0: 0,
          j1: t.m,
        },
      ];
  const s = workerScratch(theirs.j1 - theirs.j0);
  if (!s) return false; // the shared memory is full: one thread
  const fields = { ...theirs, transB: theirs.transB ? 1 : 0, ...s };
  TASK_FIELDS.forEach((f, i) => {
    h.ctl[1 + i] = fields[f];
  });
  Atomics.store(h.ctl, 0, TASK);
  Atomics.notify(h.ctl, 0);
  runHere(mineTask);
  while (Atomics.load(h.ctl, 0) === TASK) Atomics.wait(h.ctl, 0, TASK, 1000);
  const ok = Atomics.load(h.ctl, 0) === DONE;
  Atomics.store(h.ctl, 0, IDLE);
  if (ok) parallelProducts.count++;
  else runHere(theirs); // the worker failed: finish here
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
  if (helper === undefined) {
    helper = boot(url);
  }
  if (helper && wait && Atomics.load(helper.ctl, 0) === BOOTING) {
    Atomics.wait(helper.ctl, 0, BOOTING, 5000);
    if (Atomics.load(helper.ctl, 0) !== IDLE) {
      void helper.worker.terminate();
      helper = null;
    }
  }
  return helper;
}

function boot(url: URL): typeof helper {
  if (process.getBuiltinModule("node:os").availableParallelism() < 2) return null;
  const module = coreModule();
  if (!module) return null;
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  try {
    const ctl = new Int32Array(new SharedArrayBuffer(4 * (1 + TASK_FIELDS.length)));
    ctl[0] = BOOTING;
    const worker = new Worker(url, {
      workerData: { ctl: ctl.buffer, module, memory: heapMemory() },
      execArgv: [],
    });
    worker.unref();
    return { worker, ctl };
  } catch {
    return null;
  }
}
