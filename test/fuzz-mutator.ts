/** The seeded mutator of test/fuzz.test.ts (issue 9): seed files, a small PRNG, the edits. */

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
