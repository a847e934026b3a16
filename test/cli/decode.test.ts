import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, expectTreeClose, fixture } from "../helpers.js";

const spec = (name: string) =>
  fixture<Record<string, unknown> & { layers: unknown[]; output: number[][] }>(`spec/${name}.json`);

describe("decode", () => {
  it("--rng numpy --seed S --json, with --src, --heads, --layers, --no-cross, agrees with numpy", () => {
    const cases: [string, string[]][] = [
      ["decode-s0", []],
      ["decode-src6-heads2", ["--src", "6", "--heads", "2"]],
      [
        "decode-layers2",
        [
          "--seq",
          "5",
          "--emb",
          "6",
          "--dmodel",
          "2",
          "--heads",
          "3",
          "--layers",
          "2",
          "--src",
          "3",
          "--ffn",
          "10",
        ],
      ],
      [
        "decode-no-cross",
        ["--seq", "5", "--dmodel", "4", "--heads", "2", "--layers", "2", "--no-cross"],
      ],
    ];
    for (const [name, args] of cases) {
      const expected = spec(name);
      const seed = String((expected.config as { seed: number }).seed);
      const r = cli(["decode", "--rng", "numpy", "--seed", seed, "--json", ...args]);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.config).toEqual(expected.config);
      expectTreeClose(doc.inputs, expected.inputs, 1e-9, `${name}.inputs`);
      expectTreeClose(doc.layers, expected.layers, 1e-9, `${name}.layers`);
    }
  });

  it("gives exactly 0 weight above the diagonal and writes masked scores as null", () => {
    const doc = JSON.parse(cli(["decode", "--seq", "6", "--heads", "2", "--json"]).stdout);
    for (const head of doc.layers[0].self.heads) {
      head.weights.forEach((row: number[], i: number) => {
        row.forEach((w, j) => {
          if (j > i) expect(w).toBe(0);
          expect(head.masked[i][j] === null).toBe(j > i);
        });
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      });
    }
    // cross-attention is not masked: queries see every memory row
    const cross = doc.layers[0].cross.heads[0];
    expect(cross.masked).toBeUndefined();
    expect(cross.weights.flat().every((w: number) => w > 0)).toBe(true);
  });

  it("shows the mask, −∞ in the masked scores and the triangle in the heat map", () => {
    const out = cli(["decode", "--seed", "3"]).stdout;
    expect(out).toContain("mask = causal  4×4");
    expect(out).toContain("masked = scaled + mask  4×4");
    expect(out).toMatch(/-∞/);
    expect(out).toContain("cross-attention: queries from norm1, keys and values from memory");
    expect(out).toContain("K = memory·cross_Wk  (4×8)·(8×3) → 4×3");
    expect(out).toContain("residual3 = norm2 + ffn");
    // in row 0 of the self-attention heat map, keys 1…3 are masked: shown as ··
    expect(out).toMatch(/\n\s+0\s+██ 1\.0000\s+·· 0\.0000\s+·· 0\.0000\s+·· 0\.0000\n/);
  });

  it("--no-cross draws no memory and has no cross sublayer", () => {
    const doc = JSON.parse(cli(["decode", "--no-cross", "--json"]).stdout);
    expect(doc.inputs.memory).toBeUndefined();
    expect(Object.keys(doc.inputs.layers[0])).toEqual(["wq", "wk", "wv", "wo", "w1", "w2"]);
    expect(doc.layers[0].cross).toBeUndefined();
    expect(doc.config.cross).toBe(false);
  });

  it("reads y and memory from --input, with memory of another length", () => {
    const memory = [
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 1, 0],
    ];
    const r = cli(["decode", "--input", "-", "--json", "--quiet"], {
      input: JSON.stringify({
        y: [
          [1, 2, 3, 4],
          [4, 3, 2, 1],
        ],
        memory,
      }),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config).toMatchObject({ seq: 2, src: 3, emb: 4 });
  });
});

describe("decode: bad input", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-dec-"));
  const file = (name: string, doc: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };
  it.each([
    [
      "a memory whose width is not emb",
      ["decode", "--input", file("m.json", { y: [[1, 2, 3]], memory: [[1, 2]] })],
      /memory in .* has 2 columns, but y in .* has 3 columns; both are emb/,
    ],
    [
      "memory with --no-cross",
      ["decode", "--no-cross", "--input", file("nc.json", { memory: [[1, 2]] })],
      /memory in .* is not used: decode --no-cross has no cross-attention/,
    ],
  ])("%s", (_, args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
