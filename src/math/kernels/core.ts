import { heapMemory } from "./heap.js";
import { coreWasm } from "./wasm-bytes.js";

/** What core.wat exports; every pointer is a byte offset into the shared memory. */
export interface Core {
  gemm_panel(
    ap: number,
    bp: number,
    kc: number,
    c: number,
    ldc: number,
    panels: number,
    lastRows: number,
    cols: number,
    tmp: number,
  ): void;
  pack_rows(src: number, ld: number, rows: number, kc: number, dst: number): void;
  pack_cols(src: number, ld: number, cols: number, kc: number, dst: number): void;
  divide(src: number, dst: number, n: number, s: number): void;
  add(a: number, b: number, dst: number, n: number): void;
  relu(src: number, dst: number, n: number): void;
  softmax_row(src: number, dst: number, n: number): void;
  layer_norm_row(src: number, dst: number, n: number, eps: number): void;
  polar_normals(state: number, out: number, pairs: number): void;
  log(x: number): number;
}

let core: Core | null | undefined;
let compiled: WebAssembly.Module | undefined;

/**
 * The core, compiled and instantiated on first use (a few hundred microseconds: the homework's
 * cell, whose matrices are all small, never asks for it); undefined where the runtime has no
 * WebAssembly SIMD, and then the JS fallback computes everything.
 */
export function wasmCore(): Core | undefined {
  if (core === undefined) {
    try {
      compiled = new WebAssembly.Module(coreWasm());
      core = attachCore(compiled, heapMemory());
    } catch {
      core = null;
    }
  }
  return core ?? undefined;
}

/** The compiled module, for the second thread to instantiate on the same memory. */
export function coreModule(): WebAssembly.Module | undefined {
  return wasmCore() ? compiled : undefined;
}

export function attachCore(module: WebAssembly.Module, memory: WebAssembly.Memory): Core {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Core;
}
