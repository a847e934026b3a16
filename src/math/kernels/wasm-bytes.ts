/**
 * The bytes of core.wat, assembled. The build (scripts/build.mjs) assembles core.wat with wabt
 * and writes the result into the bundle as base64 in place of __KERNELS_WASM__; running from
 * the sources (the tests), there is no bundle, so the text is assembled here, once, with the
 * same wabt (a dev dependency, never in dist/).
 */
declare const __KERNELS_WASM__: string | undefined;

/** The features core.wat uses: f64x2 SIMD, and a memory shared with the second thread. */
export const WAT_FEATURES = { simd: true, threads: true };

const assembled = typeof __KERNELS_WASM__ === "string" ? undefined : await assembleFromSource();

/** The bytes, decoded when first asked for (the homework's cell never asks). */
export function coreWasm(): Uint8Array<ArrayBuffer> {
  return assembled ?? new Uint8Array(Buffer.from(__KERNELS_WASM__ as string, "base64"));
}

async function assembleFromSource(): Promise<Uint8Array<ArrayBuffer>> {
  const { readFileSync } = process.getBuiltinModule("node:fs");
  const { default: wabtInit } = await import("wabt");
  const wabt = await wabtInit();
  const text = readFileSync(new URL("./core.wat", import.meta.url));
  const module = wabt.parseWat("core.wat", text, WAT_FEATURES);
  // validate() takes the features too, though wabt's types do not say so
  (module.validate as (features: typeof WAT_FEATURES) => void)(WAT_FEATURES);
  return new Uint8Array(module.toBinary({}).buffer);
}
