// The second thread of matmul-parallel.ts: the same WebAssembly core on the same shared memory;
// waits for a task, computes its part of C in place, says so.
import { workerData } from "node:worker_threads";
import { attachCore } from "./kernels/core.js";
import { gemmColumns } from "./kernels/gemm.js";
import { DONE, FAILED, IDLE, TASK, TASK_FIELDS } from "./kernels/handoff.js";

const ctl = new Int32Array(workerData.ctl as SharedArrayBuffer);
const core = attachCore(workerData.module, workerData.memory);

Atomics.store(ctl, 0, IDLE);
Atomics.notify(ctl, 0);
for (;;) {
  Atomics.wait(ctl, 0, IDLE);
  if (Atomics.load(ctl, 0) !== TASK) continue;
  try {
    const t = Object.fromEntries(TASK_FIELDS.map((f, i) => [f, ctl[1 + i]]));
    gemmColumns(
      core,
      {
        a: t.a,
        b: t.b,
        c: t.c,
        n: t.n,
        k: t.k,
        m: t.m,
        transB: t.transB === 1,
        j0: t.j0,
        j1: t.j1,
      },
      { ap: t.ap, bp: t.bp, tmp: t.tmp },
    );
    Atomics.store(ctl, 0, DONE);
  } catch {
    Atomics.store(ctl, 0, FAILED);
  }
  Atomics.notify(ctl, 0);
}
