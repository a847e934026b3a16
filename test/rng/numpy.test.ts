import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MT19937 } from "../../src/rng/mt19937.js";
import { numpyNormals, seedrandomNormals } from "../../src/rng/normals.js";
import { fixture } from "../helpers.js";

interface Case {
  seed: number;
  draws: number[][];
}

describe("numpy's legacy generator", () => {
  const cases = fixture<Case[]>("rng/numpy-normals.json");

  it.each(cases.map((c) => [c.seed, c]))(
    "np.random.seed(%s) then randn(3), randn(1), randn(2, 5), randn(1000)",
    (_, c) => {
      const n = numpyNormals(c.seed);
      for (const expected of c.draws) {
        const got = new Float64Array(expected.length);
        n.fill(got);
        // The same 53-bit doubles through the same arithmetic: agreement is to the last bit, 1e-15 allows for nothing else.
        const worst = Math.max(
          ...got.map((g, i) => Math.abs(g - expected[i]) / Math.max(1, Math.abs(expected[i]))),
        );
        expect(worst).toBeLessThanOrEqual(1e-15);
      }
    },
  );

  it("covers the seeds at the edges of 0 … 2³²−1", () => {
    expect(cases.map((c) => c.seed)).toEqual(
      expect.arrayContaining([0, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]),
    );
  });

  it("refuses seeds numpy refuses", () => {
    for (const bad of [-1, 2 ** 32, 1.5, Number.NaN])
      expect(() => new MT19937(bad)).toThrow(RangeError);
  });

  it("produces doubles in [0, 1)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const mt = new MT19937(seed);
        for (let i = 0; i < 100; i++) {
          const u = mt.nextDouble();
          if (!(u >= 0 && u < 1)) return false;
        }
        return true;
      }),
    );
  });
});

describe("seedrandom normals", () => {
  it("repeat for the same seed text and differ for another", async () => {
    const draw = async (s: string) => {
      const a = new Float64Array(50);
      (await seedrandomNormals(s)).fill(a);
      return Array.from(a);
    };
    expect(await draw("7")).toEqual(await draw("7"));
    expect(await draw("7")).not.toEqual(await draw("8"));
  });

  it("look standard normal (mean ≈ 0, variance ≈ 1 over 200 000 draws)", async () => {
    const a = new Float64Array(200_000);
    (await seedrandomNormals("moments")).fill(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const variance = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.01); // 4.5 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
  });
});
