import { fstatSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import { UserError } from "../errors.js";
import { parseJson } from "./json-text.js";
import { bytesText, inputLimit } from "./limits.js";
import { isNpy, npyDataOffset, readNpy, readNpyHeader } from "./npy.js";
import { readNpz } from "./npz.js";
import { printable } from "./printable.js";

/** What a file held: a JSON value, or matrices from numpy files (already Matrix values). */
export interface Loaded {
  /** the name used in messages: the path, or "<stdin>" */
  file: string;
  value: unknown;
}

export const STDIN = "-";

/**
 * Reads a JSON, .npy or .npz file (told apart by their first bytes), or stdin for "-". Reading
 * is bounded: never more than the input limit (README, "Limits"); a `.npy` no further than its
 * header says; and JSON is refused at the first byte that JSON text never holds (a control
 * character), so `/dev/zero` or `/dev/urandom` is refused after its first chunk.
 */
export async function readInput(path: string, limit = inputLimit()): Promise<Loaded> {
  if (path === "") throw new UserError("--input is empty; give a file, or - for stdin");
  const file = path === STDIN ? "<stdin>" : path;
  const bytes = await readBounded(path === STDIN ? stdinChunks() : fileChunks(path), file, limit);
  if (bytes.length === 0) {
    throw new UserError(
      path === STDIN
        ? "stdin is empty, expected a JSON document or a numpy file"
        : `${printable(file)} is empty, expected a JSON document or a numpy file`,
    );
  }
  return parse(bytes, file, limit);
}

async function parse(bytes: Uint8Array, file: string, limit: number): Promise<Loaded> {
  if (isNpy(bytes)) return { file, value: readNpy(bytes, file, limit) };
  if (isZip(bytes)) return { file, value: await readNpz(bytes, file, limit) };
  if (/\.np[yz]$/i.test(file)) {
    throw new UserError(misnamedText(file, new TextDecoder().decode(bytes.subarray(0, 4096))));
  }
  return { file, value: parseJson(decodeText(bytes, file), file) };
}

function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b;
}

/** UTF-16 text (zero bytes are its own, not garbage): a byte-order mark, or ASCII's zero halves. */
function utf16([a, b, c, d]: Uint8Array): boolean {
  if ((a === 0xff && b === 0xfe) || (a === 0xfe && b === 0xff)) return true;
  if (c === undefined) return false;
  return (a !== 0 && b === 0 && c !== 0 && d === 0) || (a === 0 && b !== 0 && c === 0 && d !== 0);
}

/** Collects chunks until the end, refusing as soon as what has come cannot be a usable input. */
async function readBounded(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  limit: number,
): Promise<Uint8Array> {
  let parts: Uint8Array[] = [];
  let total = 0;
  let kind: "npy" | "npz" | "json" | "utf16" | undefined;
  /** how many bytes a .npy holds, once its header has been read */
  let npyBytes = Number.POSITIVE_INFINITY;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
    if (kind === undefined && total >= 6) {
      parts = [Buffer.concat(parts)];
      kind = isNpy(parts[0]) ? "npy" : isZip(parts[0]) ? "npz" : utf16(parts[0]) ? "utf16" : "json";
      if (kind === "json") refuseControlBytes(parts[0], 0, file);
    } else if (kind === "json") {
      refuseControlBytes(chunk, total - chunk.length, file);
    }
    if (kind === "npy" && npyBytes === Number.POSITIVE_INFINITY) {
      parts = [Buffer.concat(parts)];
      const offset = npyDataOffset(parts[0], file);
      if (offset !== undefined && total >= offset) {
        npyBytes = offset + readNpyHeader(parts[0], file, limit).dataBytes;
      }
    }
    if (total > npyBytes) {
      throw new UserError(
        `${printable(file)}: not a readable .npy file: more bytes follow the ${npyBytes} its header implies`,
      );
    }
    if (total > limit) {
      throw new UserError(
        `${printable(file)} holds more than the input limit of ${bytesText(limit)} (README: Limits)`,
      );
    }
  }
  const all = Buffer.concat(parts);
  if (kind === undefined && !utf16(all)) refuseControlBytes(all, 0, file);
  return all;
}

/** JSON text holds no control characters but tab, newline and carriage return (escaped in strings). */
function refuseControlBytes(chunk: Uint8Array, offset: number, file: string): void {
  for (let i = 0; i < chunk.length; i++) {
    const b = chunk[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) {
      throw new UserError(
        `${printable(file)}: not a JSON document or a numpy file: byte ${offset + i} is 0x${b.toString(16).padStart(2, "0")}, which JSON text never holds`,
      );
    }
  }
}

async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    for (;;) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(1 << 16), 0, 1 << 16);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${printable(path)}: ${why(e as NodeJS.ErrnoException)}`);
  } finally {
    await handle?.close();
  }
}

function why(e: NodeJS.ErrnoException): string {
  if (e.code === "ENOENT") return "no such file";
  if (e.code === "EISDIR") return "it is a directory";
  if (e.code === "EACCES") return "permission denied";
  return printable(e.message ?? String(e));
}

async function* stdinChunks(): AsyncGenerator<Uint8Array> {
  if (process.stdin.isTTY) {
    throw new UserError(
      "--input - reads stdin, but stdin is a terminal; pipe a file in (… | transformer-lab encode --input -)",
    );
  }
  try {
    for await (const chunk of process.stdin) yield chunk as Buffer;
  } finally {
    process.stdin.destroy();
  }
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
export async function readPipedStdin(limit = inputLimit()): Promise<Loaded | undefined> {
  const bytes = await readBounded(stdinChunks(), "<stdin>", limit);
  return bytes.length === 0 ? undefined : parse(bytes, "<stdin>", limit);
}

/** A text file named .npy or .npz: usually np.savetxt's, or a JSON dump. */
function misnamedText(file: string, text: string): string {
  const rows = /^[\s\d.eE+-]+$/.test(text.slice(0, 4096));
  const what = rows ? "a text file of numbers (as np.savetxt writes)" : "not a numpy file";
  return `${printable(file)}: is ${what}, not a .npy; save the array with np.save("${file.replace(/^.*\//, "")}", output)`;
}
