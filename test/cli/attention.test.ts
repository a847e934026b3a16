import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, expectMatrixClose, expectTreeClose, fixture } from "../helpers.js";

const spec = (name: string) =>
  fixture<Record<string, unknown> & { layers: unknown[]; output: number[][] }>(`spec/${name}.json`);

describe("attention (Question 1)", () => {
  it.each([
    ["attention-s0", []],
    ["attention-causal", ["--seq", "5", "--dmodel", "4", "--causal"]],
    ["attention-src7", ["--seq", "3", "--dmodel", "2", "--src", "7"]],
  ])("%s agrees with numpy", (name, args) => {
    const expected = spec(name);
    const seed = String((expected.config as { seed: number }).seed);
    const doc = JSON.parse(
      cli(["attention", "--rng", "numpy", "--seed", seed, "--json", ...args]).stdout,
    );
    expect(doc.config).toEqual(expected.config);
    expectTreeClose(doc.inputs, expected.inputs, 1e-9);
    expectTreeClose(doc.steps, expected.steps, 1e-9);
    expectMatrixClose(doc.output, expected.output, 1e-9);
  });

  it("shows every step", () => {
    const out = cli(["attention", "--causal"]).stdout;
    for (const s of [
      "Q  (queries)  4×3",
      "scores = Q·Kᵀ  (4×3)·(3×4) → 4×4",
      "scaled = scores / √3",
      "mask = causal",
      "weights = softmax(masked)",
      "z = weights·V  (4×4)·(4×3) → 4×3",
    ]) {
      expect(out).toContain(s);
    }
  });
});

describe("attention: bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-att-"));
  const file = (name: string, doc: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };
  it.each([
    [
      "a causal mask on non-square attention",
      ["attention", "--causal", "--src", "5"],
      /--causal needs square attention: 4 queries but 5 keys/,
    ],
    [
      "k and v of different lengths",
      ["attention", "--input", file("kv.json", { k: [[1], [2]], v: [[1], [2], [3]] })],
      /v in .* has 3 rows, but k in .* has 2 rows; both are src/,
    ],
    [
      "q and k of different widths",
      ["attention", "--input", file("qk.json", { q: [[1, 2]], k: [[1]] })],
      /k in .* has 1 column, but q in .* has 2 columns; both are dmodel/,
    ],
  ])("%s", (_, args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
