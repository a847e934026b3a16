import { UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import { readNpy } from "./npy.js";

/**
 * Reads a numpy `.npz` archive (`np.savez` or `np.savez_compressed`): a zip of `.npy` files,
 * one per keyword. Returns the matrices by key (`np.savez("a.npz", x=…)` gives key "x").
 */
export async function readNpz(bytes: Uint8Array, file: string): Promise<Record<string, Matrix>> {
  const { unzipSync } = await import("fflate"); // loaded only for .npz files
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch (e) {
    throw new UserError(`${file}: not a readable .npz archive (${(e as Error).message})`);
  }
  const out: Record<string, Matrix> = {};
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith("/")) continue;
    const key = name.replace(/\.npy$/, "");
    out[key] = readNpy(content, `${file}:${key}`);
  }
  if (Object.keys(out).length === 0)
    throw new UserError(`${file}: the .npz archive holds no arrays`);
  return out;
}
