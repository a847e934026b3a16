import { fstatSync } from "node:fs";
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
  return parse(bytes, file);
}

async function parse(bytes: Uint8Array, file: string): Promise<Loaded> {
  if (isNpy(bytes)) return { file, value: readNpy(bytes, file) };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return { file, value: await readNpz(bytes, file) };
  if (/\.np[yz]$/i.test(file)) {
    throw new UserError(misnamedText(file, new TextDecoder().decode(bytes.subarray(0, 4096))));
  }
  return { file, value: parseJson(decodeText(bytes, file), file) };
}

/**
 * JSON text as Windows tools save it too: UTF-8 with or without a byte-order mark, or UTF-16
 * (PowerShell's `>` writes UTF-16 LE with a mark). Bytes that are none of these are refused.
 */
export function decodeText(bytes: Uint8Array, file: string): string {
  const [a, b, c] = bytes;
  if (a === 0xef && b === 0xbb && c === 0xbf) return strict("utf-8", bytes.subarray(3), file);
  if (a === 0xff && b === 0xfe) return strict("utf-16le", bytes.subarray(2), file);
  if (a === 0xfe && b === 0xff) return strict("utf-16be", bytes.subarray(2), file);
  // no mark: ASCII JSON saved as UTF-16 has a zero byte beside each of its first characters
  if (bytes.length >= 2 && a !== 0 && b === 0) return strict("utf-16le", bytes, file);
  if (bytes.length >= 2 && a === 0 && b !== 0) return strict("utf-16be", bytes, file);
  return strict("utf-8", bytes, file);
}

function strict(encoding: string, bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(
      `${file} is not valid ${encoding.toUpperCase()} text (it starts like it); save it as UTF-8`,
    );
  }
}

/**
 * Whether stdin carries something the user piped or redirected in (`… | transformer-lab encode`,
 * `encode < case.json`): a pipe, or a file that is not empty. A terminal, /dev/null and the socket
 * a parent process may leave open (Node's child_process) do not count, so a run is never left
 * waiting on a stdin nobody writes to.
 */
export function stdinRedirected(): boolean {
  try {
    const s = fstatSync(0);
    return s.isFIFO() || (s.isFile() && s.size > 0);
  } catch {
    return false;
  }
}

/** What was piped into stdin, read as `--input -` reads it; undefined when the pipe was empty. */
export async function readPipedStdin(): Promise<Loaded | undefined> {
  const bytes = await readStdin(true);
  return bytes.length === 0 ? undefined : parse(bytes, "<stdin>");
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

async function readStdin(emptyIsNone = false): Promise<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new UserError(
      "--input - reads stdin, but stdin is a terminal; pipe a file in (… | transformer-lab encode --input -)",
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const all = Buffer.concat(chunks);
  if (all.length === 0 && !emptyIsNone)
    throw new UserError("stdin is empty, expected a JSON document or a numpy file");
  return all;
}

/** A text file named .npy or .npz: usually np.savetxt's, or a JSON dump. */
function misnamedText(file: string, text: string): string {
  const rows = /^[\s\d.eE+-]+$/.test(text.slice(0, 4096));
  const what = rows ? "a text file of numbers (as np.savetxt writes)" : "not a numpy file";
  return `${file}: is ${what}, not a .npy; save the array with np.save("${file.replace(/^.*\//, "")}", output)`;
}
