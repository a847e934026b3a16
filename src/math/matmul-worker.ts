// The second thread of matmul-parallel.ts: the same WebAssembly core on the same shared memory;
// waits for the next product, takes chunks of it until none is left, computes them in place.
import { workerData } from "node:worker_threads";
import { attachCore } from "./kernels/core.js";
import { gemmColumns } from "./kernels/gemm.js";
import {
  chunkTask,
  DONE,
  FAILED,
  FAILED_CHUNK,
  FIELDS,
  GEN,
  READY,
  type SharedProduct,
  STATUS,
  TASK_FIELDS,
  takeChunk,
  workerScratchOf,
} from "./kernels/handoff.js";

const ctl = new Int32Array(workerData.ctl as SharedArrayBuffer);
const core = attachCore(workerData.module, workerData.memory);

let seen = Atomics.load(ctl, GEN);
Atomics.store(ctl, STATUS, READY);
Atomics.notify(ctl, STATUS);
for (;;) {
  Atomics.wait(ctl, GEN, seen);
  const gen = Atomics.load(ctl, GEN);
  seen = gen;
  // The fields stay as they are while a chunk of product `gen` may be taken (ctl's comment).
  const p = Object.fromEntries(TASK_FIELDS.map((f, i) => [f, ctl[FIELDS + i]])) as SharedProduct;
  for (let i = takeChunk(ctl, gen, p.chunks); i >= 0; i = takeChunk(ctl, gen, p.chunks)) {
    try {
      gemmColumns(core, chunkTask(p, i), workerScratchOf(p));
    } catch {
      Atomics.store(ctl, FAILED_CHUNK, i);
      Atomics.store(ctl, STATUS, FAILED);
    }
    Atomics.add(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
    if (Atomics.load(ctl, STATUS) === FAILED) break;
  }
}
