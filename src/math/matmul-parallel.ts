import type { MessagePort, Worker } from "node:worker_threads";
import { matmulRows, setParallelMatmul } from "./matmul.js";

/**
 * A second thread for large products, behind the same `matmul`: the main thread computes the top
 * rows of C while one worker computes the bottom rows, both with `matmulRows`. The hand-off is
 * synchronous — SharedArrayBuffers, Atomics.wait/notify, and receiveMessageOnPort in the worker —
 * so `matmul` stays a plain function. Below MIN_WORK multiply-adds a product stays on one thread.
 * node:os and node:worker_threads are loaded on first use: the homework's cell never pays for them.
 */
export const MIN_WORK = 1 << 24;

/** ctl[0]: the worker's state. */
export const IDLE = 0;
export const TASK = 1;
export const DONE = 2;
export const FAILED = 3;
const BOOTING = 4;

/** How many products the worker has shared, so a test can tell the second thread really ran. */
export const parallelProducts = { count: 0 };

let helper: { worker: Worker; ctl: Int32Array; port: MessagePort } | undefined | null;

/**
 * Registers the worker (the built `matmul-worker.js`). Nothing starts until a product is large
 * enough; a machine with one core never starts it.
 */
export function enableParallelMatmul(workerUrl: URL): void {
  setParallelMatmul((A, B, C, n, k, m) => {
    if (n * k * m < MIN_WORK || n < 16) return false;
    const h = start(workerUrl);
    if (!h) return false;
    const split = Math.round(n / 8) * 4; // the main thread's rows: [0, split)
    const rows = n - split;
    const a = scratch(0, rows * k); // (rows, k): A's bottom rows
    const b = scratch(1, k * m); //    (k, m)
    const c = scratch(2, rows * m); // (rows, m): C's bottom rows
    a.set(A.subarray(split * k));
    b.set(B);
    c.fill(0);
    h.port.postMessage({ A: a.buffer, B: b.buffer, C: c.buffer, n: rows, k, m });
    Atomics.store(h.ctl, 0, TASK);
    Atomics.notify(h.ctl, 0);
    matmulRows(A, B, C, n, k, m, 0, split);
    while (Atomics.load(h.ctl, 0) === TASK) Atomics.wait(h.ctl, 0, TASK, 1000);
    const ok = Atomics.load(h.ctl, 0) === DONE;
    Atomics.store(h.ctl, 0, IDLE);
    if (ok) {
      C.set(c, split * m);
      parallelProducts.count++;
    } else matmulRows(A, B, C, n, k, m, split, n); // the worker failed: finish here
    return true;
  });
}

/**
 * Shared buffers reused from product to product (grown when too small): a new one per product
 * would leave the garbage collector hundreds of megabytes behind at seq 2048.
 */
const buffers: SharedArrayBuffer[] = [];

function scratch(slot: number, length: number): Float64Array {
  if (!buffers[slot] || buffers[slot].byteLength < length * 8)
    buffers[slot] = new SharedArrayBuffer(length * 8);
  return new Float64Array(buffers[slot], 0, length);
}

/** The worker, started on first use; null once it could not be (then everything stays on one thread). */
function start(url: URL): typeof helper {
  if (helper !== undefined) return helper;
  if (process.getBuiltinModule("node:os").availableParallelism() < 2) return (helper = null);
  const { MessageChannel, Worker } = process.getBuiltinModule("node:worker_threads");
  try {
    const ctl = new Int32Array(new SharedArrayBuffer(4));
    ctl[0] = BOOTING;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(url, {
      workerData: { ctl: ctl.buffer, port: port2 },
      transferList: [port2],
      execArgv: [],
    });
    worker.unref();
    port1.unref();
    // Booting takes a few tens of milliseconds; it runs on its own thread while this one waits.
    Atomics.wait(ctl, 0, BOOTING, 5000);
    helper = Atomics.load(ctl, 0) === IDLE ? { worker, ctl, port: port1 } : null;
    if (!helper) void worker.terminate();
  } catch {
    helper = null;
  }
  return helper;
}
