import { describe, expect, it } from "vitest";
import { cli, expectMatrixClose, fixture } from "../helpers.js";

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
