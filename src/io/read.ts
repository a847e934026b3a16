import { readFile } from "node:fs/promises";
import { UserError } from "../errors.js";
import { parseJson } from "./json-text.js";
import { readNpy } from "./npy.js";
import { readNpz } from "./npz.js";

/** What a file held: a JSON value, or matrices from numpy files (already Matrix values). */
export interface Loaded {
  /** the name used in messages: the path, or "<stdin>" */
  file: string;
  value: unknown;
}

export const STDIN = "-";

/** Reads a JSON, .npy or .npz file (told apart by their first bytes), or stdin for "-". */
export async function readInput(path: string): Promise<Loaded> {
  const file = path === STDIN ? "<stdin>" : path;
  const bytes = path === STDIN ? await readStdin() : await readPath(path);
  if (bytes.length === 0)
    throw new UserError(`${file} is empty, expected a JSON document or a numpy file`);
  if (isNpy(bytes)) return { file, value: readNpy(bytes, file) };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { file, value: await readNpz(bytes, file) };
  const text = new TextDecoder("utf-8").decode(bytes);
  if (/\.np[yz]$/i.test(path)) throw new UserError(misnamedText(file, text));
  return { file, value: parseJson(text, file) };
}

/** A text file named .npy or .npz: usually np.savetxt's, or a JSON dump. */
function misnamedText(file: string, text: string): string {
  const rows = /^[\s\d.eE+-]+$/.test(text.slice(0, 4096));
  const what = rows ? "a text file of numbers (as np.savetxt writes)" : "not a numpy file";
  return `${file}: is ${what}, not a .npy; save the array with np.save("${file.replace(/^.*\//, "")}", output)`;
}

function isNpy(b: Uint8Array): boolean {
  return b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === "NUMPY";
}

async function readPath(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : ((e as Error).message ?? String(e));
    throw new UserError(`cannot read ${path}: ${why}`);
  }
}

async function readStdin(): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new UserError(
      "--input - reads stdin, but stdin is a terminal; pipe a file in (… | transformer-lab encode --input -)",
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  if (all.length === 0)
    throw new UserError("stdin is empty, expected a JSON document or a numpy file");
  return all;
}
