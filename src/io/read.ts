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
  return { file, value: parseJson(new TextDecoder("utf-8").decode(bytes), file) };
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
