/** The seeded mutators of test/fuzz*.test.ts (issue 9): seed files, a small PRNG, the edits. */
import { unzipSync, zipSync } from "fflate";

/** Files the mutations start from: inputs, answers and traces as JSON, .npy, .npz (under fixtures/). */
export const SEED_FILES = [
  "spec/encode-heads3-layers2.json",
  "answers/attention/correct.json",
  "answers/homework/seed0/correct.json",
  "answers/homework/seed0/correct.npy",
  "npy/f8-fortran.npy",
  "npy/v3.npy",
  "answers/npz/correct.npz",
  "answers/npz/correct-compressed.npz",
];

/** mulberry32: small, seeded, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const TOKENS = [
  "[",
  "]",
  "{",
  "}",
  ",",
  '"',
  ":",
  "NaN",
  "-Infinity",
  "1e309",
  "9".repeat(500),
  '"__proto__"',
  '"X"',
  '"x"',
  "\u001b[2J",
  "\n",
  "(",
  ")",
  "L",
  "-1",
  "'descr'",
  "'|O'",
  "\u0000",
];

/** One to three random edits: flip a bit, set a byte, cut, duplicate a range, insert a token, truncate. */
export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  let b = Buffer.from(bytes);
  const at = () => Math.floor(random() * (b.length + 1));
  for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
    const i = at();
    switch (Math.floor(random() * 6)) {
      case 0:
        if (i < b.length) b[i] ^= 1 << Math.floor(random() * 8);
        break;
      case 1:
        if (i < b.length) b[i] = Math.floor(random() * 256);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + 1 + at() / 8))]);
        break;
      case 3: {
        const j = Math.min(b.length, i + 1 + Math.floor(random() * 64));
        b = Buffer.concat([b.subarray(0, j), b.subarray(i, j), b.subarray(j)]);
        break;
      }
      case 4: {
        const t = TOKENS[Math.floor(random() * TOKENS.length)];
        b = Buffer.concat([b.subarray(0, i), Buffer.from(t), b.subarray(i)]);
        break;
      }
      default:
        b = b.subarray(0, i);
    }
  }
  return b;
}

/** A message as SPEC §5 wants it: one line, no control characters. */
export function isOneCleanLine(message: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be there
  return !/[\u0000-\u001f\u007f-\u009f]/.test(message);
}

/** Values a structured mutation puts where a number, a dimension or a matrix was. */
const ODD_NUMBERS = [0, -0, -1, 2.5, 3, 1e300, -1e300, 5e-324, 1048577, 2 ** 53, 4294967296];
const ODD_VALUES: unknown[] = [[], [[]], [[1, 2], [3]], "4", null, true, { x: [[1]] }, [[[1]]]];
const ODD_KEYS = ["X", "x", "input_data", "Wq", "__proto__", "constructor", "\u001b[2Jx", "y"];
const DTYPES = ["<f8", ">f4", "<i8", "|u1", "<f2", "|O", "<c16", "<U3", "|b1", "<m8", "f8"];

/**
 * An edit that keeps the file readable as JSON, .npy or .npz, so that the run gets past the
 * parser: a number, a row, a key or a dimension changed; a member renamed; a header's shape,
 * dtype or order changed. Byte-level edits (mutate) mostly stop at the parser.
 */
export function mutateStructured(bytes: Uint8Array, ext: string, random: () => number): Uint8Array {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  if (ext === ".json") {
    const doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
    for (let n = 1 + Math.floor(random() * 2); n > 0; n--) editJson(doc, random, pick);
    return Buffer.from(JSON.stringify(doc));
  }
  if (ext === ".npy") return editNpy(bytes, random, pick);
  const members: Record<string, Uint8Array> = unzipSync(bytes);
  const names = Object.keys(members);
  const name = pick(names);
  const r = random();
  if (r < 0.5) members[name] = editNpy(members[name], random, pick);
  else if (r < 0.75) {
    members[`${pick(ODD_KEYS)}.npy`] = members[name];
    delete members[name];
  } else delete members[name];
  return zipSync(members, { level: random() < 0.5 ? 0 : 6 }) as Uint8Array;
}

/** One edit somewhere in a JSON document: a number, a list, a key or a whole value. */
function editJson(doc: unknown, random: () => number, pick: <T>(items: readonly T[]) => T): void {
  // the containers of the document, with a key or index of each
  const spots: [Record<string, unknown> | unknown[], string | number][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    const record = v as Record<string | number, unknown>;
    for (const k of Array.isArray(v) ? v.keys() : Object.keys(v)) {
      spots.push([v as Record<string, unknown> | unknown[], k]);
      walk(record[k]);
    }
  };
  walk(doc);
  if (spots.length === 0) return;
  const [where, key] = pick(spots);
  const value = (where as Record<string | number, unknown>)[key];
  const r = random();
  if (typeof value === "number" && r < 0.6) {
    (where as Record<string | number, unknown>)[key] = pick(ODD_NUMBERS);
  } else if (Array.isArray(where) && r < 0.8) {
    if (random() < 0.5) where.splice(key as number, 1);
    else where.splice(key as number, 0, value);
  } else if (!Array.isArray(where) && r < 0.9) {
    where[pick(ODD_KEYS)] = value;
    if (random() < 0.5) delete where[key];
  } else {
    (where as Record<string | number, unknown>)[key] = structuredClone(pick(ODD_VALUES));
  }
}

/** A .npy with its header's shape, dtype or order changed, or its data cut or lengthened. */
function editNpy(
  bytes: Uint8Array,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Uint8Array {
  const b = Buffer.from(bytes);
  if (b.length < 10 || b.subarray(0, 6).toString("latin1") !== "\x93NUMPY") return b;
  const long = b[6] >= 2;
  const start = long ? 12 : 10;
  const length = long ? b.readUInt32LE(8) : b.readUInt16LE(8);
  let header = b.subarray(start, start + length).toString("latin1");
  let data = b.subarray(start + length);
  const dim = () => String(pick([0, 1, 2, 3, 4, 5, 8, 16, 1048577]));
  const r = random();
  if (r < 0.35) {
    const shape = pick([
      `(${dim()}, ${dim()})`,
      `(${dim()},)`,
      "()",
      `(${dim()}, ${dim()}, ${dim()})`,
    ]);
    header = header.replace(/\([^)]*\)/, shape);
  } else if (r < 0.6) header = header.replace(/'descr': '[^']*'/, `'descr': '${pick(DTYPES)}'`);
  else if (r < 0.75)
    header = header.replace(/True|False/, (t) => (t === "True" ? "False" : "True"));
  else if (r < 0.9) data = data.subarray(0, Math.floor(random() * data.length));
  else data = Buffer.concat([data, data]);
  const text = `${header.trimEnd()}${" ".repeat(Math.max(0, length - header.trimEnd().length - 1))}\n`;
  const size = Buffer.alloc(long ? 4 : 2);
  if (long) size.writeUInt32LE(text.length);
  else size.writeUInt16LE(text.length);
  return Buffer.concat([b.subarray(0, 8), size, Buffer.from(text, "latin1"), data]);
}
