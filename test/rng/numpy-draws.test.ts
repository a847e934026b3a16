import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { wasmCore } from "../../src/math/kernels/core.js";
import { heapArray, heapOffset } from "../../src/math/kernels/heap.js";
import { numpyNormals } from "../../src/rng/normals.js";
import { ROOT, testEnv } from "../helpers.js";

// 2 M of numpy's normals for each of three seeds, made at test time by fixtures/make_normals.py.
const COUNT = 2_000_000;
const SEEDS = [0, 1, 2 ** 32 - 1];
const dir = mkdtempSync(join(tmpdir(), "normals-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const made = spawnSync(
  testEnv().python,
  [`${ROOT}fixtures/make_normals.py`, dir, String(COUNT), ...SEEDS.map(String)],
  { encoding: "utf8" },
);
if (made.status !== 0) throw new Error(`make_normals.py failed:\n${made.stderr}`);
const numpys = (seed: number) => {
  const b = readFileSync(join(dir, `normals-${seed}.f64`));
  return new Float64Array(b.buffer, b.byteOffset, b.length / 8);
};

/** Our draws for `seed`, COUNT of them, taken `sizes` at a time (the last size repeats). */
function ours(seed: number, sizes: number[]): Float64Array {
  const out = new Float64Array(COUNT);
  const g = numpyNormals(seed);
  for (let at = 0, s = 0; at < COUNT; s = Math.min(s + 1, sizes.length - 1)) {
    const end = Math.min(COUNT, at + sizes[s]);
    g.fill(out.subarray(at, end));
    at = end;
  }
  return out;
}

const scratch = new Float64Array(2);
const asInt = new BigInt64Array(scratch.buffer);
function ulps(a: number, b: number): number {
  scratch[0] = a;
  scratch[1] = b;
  const d = asInt[0] - asInt[1];
  return Number(d < 0n ? -d : d);
}

describe("--rng numpy against numpy's own randn, 2 M draws for each of three seeds", () => {
  // MT19937, the uniforms and the polar method are numpy's exactly; the logarithm is V8's
  // Math.log, which rounds differently from glibc's log (numpy's) on about 6% of inputs. So
  // about 3% of draws differ from numpy's, each by a few ulp. These bounds pin what was measured
  // (3.09–3.15% of draws, at most 3 ulp, at most 8.9e-16): a change either way fails here, and
  // the README says the same.
  it.each(SEEDS.map((seed, i) => [seed, [[COUNT], [3, 1000, 4095, 4097, 65536], [999]][i]]))(
    "seed %s, drawn in pieces of %j",
    (seed, sizes) => {
      const expected = numpys(seed as number);
      const got = ours(seed as number, sizes as number[]);
      let differ = 0;
      let worstUlps = 0;
      let worstAbs = 0;
      for (let i = 0; i < COUNT; i++) {
        if (got[i] === expected[i]) continue;
        differ++;
        worstUlps = Math.max(worstUlps, ulps(got[i], expected[i]));
        worstAbs = Math.max(worstAbs, Math.abs(got[i] - expected[i]));
      }
      expect(differ / COUNT).toBeGreaterThan(0.025);
      expect(differ / COUNT).toBeLessThan(0.037);
      expect(worstUlps).toBeLessThanOrEqual(3);
      expect(worstAbs).toBeLessThanOrEqual(1e-15);
    },
  );

  it("gives the same bits from the WebAssembly core as from JS, whatever the pieces", () => {
    expect(wasmCore()).toBeDefined();
    const big = ours(0, [COUNT]); //      on the core after the first 4096
    const small = ours(0, [4095]); //     in JS throughout
    const mixed = ours(0, [5, 4096]); //   to the core when the first JS batch is used up
    let differ = 0;
    for (let i = 0; i < COUNT; i++) if (big[i] !== small[i] || big[i] !== mixed[i]) differ++;
    expect(differ).toBe(0);
  });

  it("gives the same bits when the core writes straight into matrices of the shared memory", () => {
    const g = numpyNormals(0);
    const expected = ours(0, [COUNT]);
    const sizes = [5000, 65537, 4096, 300001, 7]; // odd ones leave a spare behind
    let at = 0;
    let differ = 0;
    for (const size of sizes) {
      const m = heapArray(size);
      expect(heapOffset(m)).toBeGreaterThanOrEqual(0);
      g.fill(m);
      for (let i = 0; i < size; i++) if (m[i] !== expected[at + i]) differ++;
      at += size;
    }
    expect(differ).toBe(0);
  });

  it("takes logarithms in the core that are V8's Math.log to the bit", () => {
    const core = wasmCore()!;
    const g = numpyNormals(5);
    const u = new Float64Array(1_000_000);
    g.fill(u);
    let differ = 0;
    for (const x of u) {
      const r2 = Math.min(1, Math.abs(x) / 4) ** 2; // (0, 1], as the polar method's r²
      if (!Object.is(core.log(r2), Math.log(r2))) differ++;
      if (!Object.is(core.log(1 / (r2 + 1e-300)), Math.log(1 / (r2 + 1e-300)))) differ++;
    }
    for (const x of [0, -0, -1, 1, Infinity, Number.NaN, 5e-324, 2.2e-308, Number.MAX_VALUE])
      if (!Object.is(core.log(x), Math.log(x))) differ++;
    expect(differ).toBe(0);
  });
});
