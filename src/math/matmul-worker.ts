// The second thread of matmul-parallel.ts: waits for a task, computes its rows, says so.
import { type MessagePort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { matmulRows } from "./matmul.js";

const ctl = new Int32Array(workerData.ctl as SharedArrayBuffer);
const port = workerData.port as MessagePort;
const [IDLE, TASK, DONE, FAILED] = [0, 1, 2, 3];

Atomics.store(ctl, 0, IDLE);
Atomics.notify(ctl, 0);
for (;;) {
  Atomics.wait(ctl, 0, IDLE);
  if (Atomics.load(ctl, 0) !== TASK) continue;
  try {
    const task = receiveMessageOnPort(port)?.message;
    if (!task) throw new Error("a task was signalled but none was posted");
    const { A, B, C, n, k, m } = task;
    const view = (b: SharedArrayBuffer, length: number) => new Float64Array(b, 0, length);
    matmulRows(view(A, n * k), view(B, k * m), view(C, n * m), n, k, m, 0, n);
    Atomics.store(ctl, 0, DONE);
  } catch {
    Atomics.store(ctl, 0, FAILED);
  }
  Atomics.notify(ctl, 0);
}
