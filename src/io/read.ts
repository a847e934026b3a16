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
  if (path === "") throw new UserError("the input path is empty; give a file, or - for stdin");
  const file = path === STDIN ? "<stdin>" : path;
  const bytes = await readBounded(path === STDIN ? stdinChunks() : fileChunks(path), file, limit);
  if (bytes.length === 0) {
    throw new UserError(
      path === STDIN
        ? "stdin is empty, expected a JSON document or a numpy file"
        : `${printable(file)} is empty, expected a JSON document or a numpy file`,
    );
  }
  if (isNpy(bytes)) return { file, value: readNpy(bytes, file, limit) };
  if (isZip(bytes)) return { file, value: await readNpz(bytes, file, limit) };
  return { file, value: parseJson(new TextDecoder("utf-8").decode(bytes), file) };
}

function isZip(b: Uint8Array): boolean {
  return b[0] === 0x50 && b[1] === 0x4b;
}

/** Collects chunks until the end, refusing as soon as what has come cannot be a usable input. */
async function readBounded(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  limit: number,
): Promise<Uint8Array> {
  let parts: Uint8Array[] = [];
  let total = 0;
  let kind: "npy" | "npz" | "json" | undefined;
  /** how many bytes a .npy holds, once its header has been read */
  let npyBytes = Number.POSITIVE_INFINITY;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
    if (kind === undefined && total >= 6) {
      parts = [Buffer.concat(parts)];
      kind = isNpy(parts[0]) ? "npy" : isZip(parts[0]) ? "npz" : "json";
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
  if (kind === undefined) refuseControlBytes(all, 0, file);
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
