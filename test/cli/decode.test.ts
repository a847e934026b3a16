import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, expectMatrixClose, expectTreeClose, fixture } from "../helpers.js";

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

describe("explain", () => {
  it("decoder answers Question 3: mask and why, cross-attention and where Q, K, V come from, three add & norm, linear + softmax", () => {
    const r = cli(["explain", "decoder"]);
    expect(r.code).toBe(0);
    const t = r.stdout;
    expect(t).toMatch(/masked/);
    expect(t).toMatch(/−∞/);
    expect(t).toMatch(/in parallel/);
    expect(t).toMatch(/Queries come from the decoder/);
    expect(t).toMatch(/Keys and values come from the encoder's output/);
    expect(t).toMatch(/three add & norm sublayers/);
    expect(t).toMatch(/softmax over the vocabulary/);
  });

  it("decoder's numpy sketch is the one that, run in numpy, computes decode --rng numpy --seed 0", () => {
    const sketch = fixture<{ code: string[]; output: number[][] }>("spec/decoder-sketch.json");
    const t = cli(["explain", "decoder"]).stdout;
    for (const line of sketch.code) if (line) expect(t).toContain(line);
    const doc = JSON.parse(
      cli(["decode", "--rng", "numpy", "--seed", "0", "--json", "--quiet"]).stdout,
    );
    expectMatrixClose(doc.output, sketch.output, 1e-9);
  });

  it("uses the dimensions given", () => {
    const t = cli([
      "explain",
      "encoder",
      "--seq",
      "5",
      "--emb",
      "16",
      "--dmodel",
      "4",
      "--heads",
      "2",
    ]).stdout;
    expect(t).toContain("Q = X·Wq,  K = X·Wk,  V = X·Wv   (5×16)·(16×8) → 5×8 each");
    expect(t).toContain("concat = [z₁ | … | z_h]   5×8");
    expect(t).toContain("(5×64)·(64×16) → 5×16"); // ffn = 4·emb
    expect(cli(["explain", "attention", "--seq", "2", "--src", "6"]).stdout).toContain(
      "(2×3)·(3×6) → 2×6",
    );
  });

  it("reads well piped: no colour, no trailing spaces", () => {
    for (const topic of ["encoder", "decoder", "attention"]) {
      const t = cli(["explain", topic]).stdout;
      expect(t).not.toMatch(new RegExp(String.fromCharCode(27)));
      expect(t).not.toMatch(/[ \t]$/m);
    }
  });

  it("refuses an unknown topic", () => {
    const r = cli(["explain", "decodr"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/transformer-lab: error: command-argument value 'decodr' is invalid/);
  });
});

describe("decode and attention: bad input", () => {
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
