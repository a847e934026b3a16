/**
 * How matmul-parallel.ts hands a part of a product to its worker: ctl[0] is the worker's
 * state, ctl[1…] the task's integers in the order of TASK_FIELDS (pointers into the shared memory).
 */
export const IDLE = 0;
export const TASK = 1;
export const DONE = 2;
export const FAILED = 3;
export const BOOTING = 4;
export const TASK_FIELDS = [
  "a",
  "b",
  "c",
  "n",
  "k",
  "m",
  "transB",
  "j0",
  "j1",
  "ap",
  "bp",
  "tmp",
] as const;
