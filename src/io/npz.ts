import { UserError } from "../errors.js";
import type { Matrix } from "../math/matrix.js";
import { bytesText, inputLimit } from "./limits.js";
import { isNpy, npyDataOffset, readNpy, readNpyHeader } from "./npy.js";
import { printable, quoted } from "./printable.js";

/**
 * Reads a numpy `.npz` archive (`np.savez` or `np.savez_compressed`): a zip of `.npy` files,
 * one per keyword. Returns the matrices by key (`np.savez("a.npz", x=…)` gives key "x"), in a
 * record without a prototype.
 *
 * Nothing is inflated blindly: each member's `.npy` header is read from the first bytes of a
 * streaming inflate and checked (shape × dtype against the input limit, and against the size
 * the zip declares) before the rest is inflated, into a buffer of exactly that size; a member
 * that inflates to more than its header implies is refused as soon as it does.
 */
export async function readNpz(
  bytes: Uint8Array,
  file: string,
  limit = inputLimit(),
): Promise<Record<string, Matrix>> {
  const { Inflate } = await import("fflate"); // loaded only for .npz files
  const members = centralDirectory(bytes, file);
  const out: Record<string, Matrix> = Object.create(null);
  const seen = new Map<string, string>();
  let budget = limit;
  for (const m of members) {
    if (m.name.endsWith("/")) continue;
    const key = m.name.replace(/\.npy$/, "");
    const where = `${file}:${key}`;
    if (key === "__proto__") {
      throw new UserError(
        `${printable(file)}: the member ${quoted(m.name)} is not a name it may hold`,
      );
    }
    const before = seen.get(key.toLowerCase());
    if (before !== undefined) {
      throw new UserError(
        before === m.name
          ? `${printable(file)}: holds two members named ${quoted(m.name)}`
          : `${printable(file)}: the members ${quoted(before)} and ${quoted(m.name)} name the same matrix; keep one`,
      );
    }
    seen.set(key.toLowerCase(), m.name);
    const npy = inflateMember(bytes, m, where, limit, budget, Inflate);
    budget -= npy.length;
    out[key] = readNpy(npy, where, limit);
  }
  if (Object.keys(out).length === 0)
    throw new UserError(`${printable(file)}: the .npz archive holds no arrays`);
  return out;
}

interface Member {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** The most members an archive may list: far more than the matrices any command reads. */
const MAX_MEMBERS = 10_000;
/**
 * Compressed bytes handed to the inflater at a time (deflate inflates at most about 1032-fold):
 * 1 KiB until the `.npy` header has been read, so that at most 1 MiB comes out before it is
 * checked, then 16 KiB.
 */
const HEAD_SLICE = 1024;
const SLICE = 16 * 1024;

/** The zip's central directory (zip64 too, as `np.savez` writes it): the members and where they are. */
function centralDirectory(b: Uint8Array, file: string): Member[] {
  const bad = (what: string): never => {
    throw new UserError(`${printable(file)}: not a readable .npz archive (${what})`);
  };
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const u16 = (at: number) => (at + 2 <= b.length ? v.getUint16(at, true) : bad("cut short"));
  const u32 = (at: number) => (at + 4 <= b.length ? v.getUint32(at, true) : bad("cut short"));
  const u64 = (at: number) => {
    const n = at + 8 <= b.length ? v.getBigUint64(at, true) : bad("cut short");
    return n > BigInt(Number.MAX_SAFE_INTEGER) ? bad("a size beyond 2⁵³") : Number(n);
  };
  let eocd = -1;
  for (let at = b.length - 22; at >= Math.max(0, b.length - 22 - 0xffff); at--) {
    if (v.getUint32(at, true) === 0x06054b50) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) bad("no end of central directory record; the file may be cut short");
  let count = u16(eocd + 10);
  let offset = u32(eocd + 16);
  if ((count === 0xffff || offset === 0xffffffff) && eocd >= 20 && u32(eocd - 20) === 0x07064b50) {
    const z = u64(eocd - 12);
    if (u32(z) !== 0x06064b50) bad("a broken zip64 end of central directory");
    count = u64(z + 32);
    offset = u64(z + 48);
  }
  if (count > MAX_MEMBERS)
    bad(`it lists ${count} members; transformer-lab reads at most ${MAX_MEMBERS}`);
  const members: Member[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (u32(at) !== 0x02014b50) bad(`central directory entry ${i} is broken`);
    const nameLength = u16(at + 28);
    const extraLength = u16(at + 30);
    const flags = u16(at + 8);
    if (at + 46 + nameLength > b.length) bad("cut short");
    const nameBytes = b.subarray(at + 46, at + 46 + nameLength);
    const name = new TextDecoder(flags & 0x800 ? "utf-8" : "latin1").decode(nameBytes);
    const m: Member = {
      name,
      method: u16(at + 10),
      flags,
      crc: u32(at + 16),
      compressedSize: u32(at + 20),
      size: u32(at + 24),
      localOffset: u32(at + 42),
    };
    zip64Sizes(m, at + 46 + nameLength, extraLength, u16, u64);
    members.push(m);
    at += 46 + nameLength + extraLength + u16(at + 32);
  }
  return members;
}

/** A zip64 extra field holds, in order, whichever of the sizes and offset are 0xffffffff. */
function zip64Sizes(
  m: Member,
  start: number,
  length: number,
  u16: (at: number) => number,
  u64: (at: number) => number,
): void {
  for (let at = start; at + 4 <= start + length; at += 4 + u16(at + 2)) {
    if (u16(at) !== 0x0001) continue;
    let field = at + 4;
    for (const k of ["size", "compressedSize", "localOffset"] as const) {
      if (m[k] === 0xffffffff) {
        m[k] = u64(field);
        field += 8;
      }
    }
  }
}

type InflateClass = typeof import("fflate").Inflate;

/** A member's bytes, inflated no further than its `.npy` header allows. */
function inflateMember(
  b: Uint8Array,
  m: Member,
  where: string,
  limit: number,
  budget: number,
  Inflate: InflateClass,
): Uint8Array {
  const bad = (what: string): never => {
    throw new UserError(`${printable(where)}: not a readable .npy member (${what})`);
  };
  if (m.flags & 1) bad("it is encrypted");
  if (m.method !== 0 && m.method !== 8)
    bad(`compression method ${m.method} is not stored or deflate`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (m.localOffset + 30 > b.length || v.getUint32(m.localOffset, true) !== 0x04034b50)
    bad("its local header is missing");
  const start =
    m.localOffset +
    30 +
    v.getUint16(m.localOffset + 26, true) +
    v.getUint16(m.localOffset + 28, true);
  if (start + m.compressedSize > b.length) bad("its data runs past the end of the archive");
  const compressed = b.subarray(start, start + m.compressedSize);

  let head: Uint8Array = new Uint8Array(0);
  let out: Uint8Array | undefined;
  let filled = 0;
  const take = (chunk: Uint8Array): void => {
    if (out === undefined) {
      head = concat(head, chunk);
      if (head.length >= 6 && !isNpy(head)) bad("it does not start with \\x93NUMPY");
      const offset = npyDataOffset(head, where);
      if (offset === undefined || head.length < offset) return;
      const h = readNpyHeader(head, where, limit);
      const total = offset + h.dataBytes;
      if (total > budget) {
        throw new UserError(
          `${printable(where)}: with the members before it, the archive holds more than the input limit of ${bytesText(limit)}`,
        );
      }
      if (m.size !== total) {
        bad(
          `the zip says it inflates to ${m.size} bytes, its header of shape ${h.shape} of ${h.descr} implies ${total}`,
        );
      }
      out = new Uint8Array(total);
      chunk = head;
    }
    if (filled + chunk.length > out.length)
      bad(`it inflates to more than the ${bytesText(out.length)} its header implies`);
    out.set(chunk, filled);
    filled += chunk.length;
  };
  if (m.method === 0) {
    if (m.compressedSize !== m.size) bad("a stored member whose sizes disagree");
    for (let at = 0; at < compressed.length; at += SLICE) take(compressed.subarray(at, at + SLICE));
  } else {
    const inflater = new Inflate((chunk) => take(chunk));
    try {
      for (let at = 0, end = 0; at < compressed.length || at === 0; at = end) {
        end = at + (out === undefined ? HEAD_SLICE : SLICE);
        inflater.push(compressed.subarray(at, end), end >= compressed.length);
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      bad(`its deflate data is broken: ${(e as Error).message}`);
    }
  }
  if (out === undefined) return head; // too short for a header: readNpy says what is missing
  if (filled < out.length) bad(`it inflates to ${filled} bytes, its header implies ${out.length}`);
  const crc32 = process.getBuiltinModule("node:zlib").crc32;
  if (crc32(out) !== m.crc) bad("its CRC-32 does not match: the archive is corrupt");
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const c = new Uint8Array(a.length + b.length);
  c.set(a);
  c.set(b, a.length);
  return c;
}
