import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cli, expectMatrixClose, fixture } from "../helpers.js";

const cells =
  fixture<{ seed: number; seq: number; emb: number; dmodel: number; output: number[][] }[]>(
    "homework/cells.json",
  );

describe("encode", () => {
  it("shows every step of the homework's layer with shapes, and the 4×8 output", () => {
    const r = cli(["encode", "--seq", "4", "--emb", "8", "--dmodel", "3"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    for (const step of [
      "Q = X·Wq  (4×8)·(8×3) → 4×3",
      "scores = Q·Kᵀ  (4×3)·(3×4) → 4×4",
      "scaled = scores / √3  4×4",
      "weights = softmax(scaled)  4×4",
      "z = weights·V  (4×4)·(4×3) → 4×3",
      "attn = z·Wo  (4×3)·(3×8) → 4×8",
      "residual1 = X + attn  4×8",
      "norm1 = layer_norm(residual1)  4×8",
      "hidden = relu(norm1·W1)  (4×8)·(8×32) → 4×32",
      "ffn = hidden·W2  (4×32)·(32×8) → 4×8",
      "output = layer_norm(residual2)  4×8",
    ]) {
      expect(r.stdout).toContain(step);
    }
    expect(r.stdout).toMatch(/rng numpy · seed \d+/);
  });

  it("--rng numpy --seed S --json is the homework cell after np.random.seed(S)", () => {
    for (const c of cells.filter((c) => c.seq === 4 && c.emb === 8)) {
      const r = cli(["encode", "--rng", "numpy", "--seed", String(c.seed), "--json"]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.shape).toEqual([4, 8]);
      expect(doc.config).toMatchObject({
        seq: 4,
        emb: 8,
        dmodel: 3,
        heads: 1,
        layers: 1,
        ffn: 32,
        rng: "numpy",
        seed: c.seed,
      });
      expectMatrixClose(doc.output, c.output, 1e-9);
    }
  });

  it("--json has SPEC's keys; --quiet keeps only schema, command, config, output and shape", () => {
    const full = JSON.parse(cli(["encode", "--seed", "1", "--json"]).stdout);
    expect(Object.keys(full)).toEqual([
      "schema",
      "command",
      "config",
      "inputs",
      "layers",
      "output",
      "shape",
    ]);
    expect(Object.keys(full.inputs)).toEqual(["x", "layers"]);
    expect(Object.keys(full.inputs.layers[0])).toEqual(["wq", "wk", "wv", "wo", "w1", "w2"]);
    expect(Object.keys(full.layers[0])).toEqual([
      "self",
      "residual1",
      "norm1",
      "hidden",
      "ffn",
      "residual2",
      "output",
    ]);
    expect(Object.keys(full.layers[0].self)).toEqual(["heads", "concat", "attn"]);
    expect(Object.keys(full.layers[0].self.heads[0])).toEqual([
      "q",
      "k",
      "v",
      "scores",
      "scaled",
      "weights",
      "z",
    ]);
    const quiet = JSON.parse(cli(["encode", "--seed", "1", "--json", "--quiet"]).stdout);
    expect(Object.keys(quiet)).toEqual(["schema", "command", "config", "output", "shape"]);
    expect(quiet.output).toEqual(full.output);
  });

  it("feeding the JSON's own inputs back through --input - reproduces the output exactly", () => {
    const first = cli([
      "encode",
      "--seed",
      "7",
      "--heads",
      "2",
      "--dmodel",
      "2",
      "--layers",
      "2",
      "--json",
    ]);
    const doc = JSON.parse(first.stdout);
    const again = cli(["encode", "--input", "-", "--heads", "2", "--json"], {
      input: JSON.stringify(doc.inputs),
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).output).toEqual(doc.output); // exact: numbers round-trip
    const whole = cli(["encode", "--input", "-", "--heads", "2", "--json", "--quiet"], {
      input: first.stdout,
    });
    expect(JSON.parse(whole.stdout).output).toEqual(doc.output);
  });

  it("picks a seed when none is given, and reports it so the run can be repeated", () => {
    const a = JSON.parse(cli(["encode", "--json", "--quiet"]).stdout);
    expect(Number.isInteger(a.config.seed)).toBe(true);
    const b = JSON.parse(
      cli(["encode", "--json", "--quiet", "--seed", String(a.config.seed)]).stdout,
    );
    expect(b.output).toEqual(a.output);
  });

  it("draws only what --input does not supply, in the same order (numpy's stream skips supplied matrices)", () => {
    const all = JSON.parse(cli(["encode", "--rng", "numpy", "--seed", "0", "--json"]).stdout);
    // supplying x means the generator's first draws go to wq, …
    const x = [
      [1, 2, 3, 4, 5, 6, 7, 8],
      [0, 0, 0, 0, 1, 1, 1, 1],
    ];
    const doc = JSON.parse(
      cli(["encode", "--rng", "numpy", "--seed", "0", "--json", "--input", "-"], {
        input: JSON.stringify({ x }),
      }).stdout,
    );
    expect(doc.inputs.x).toEqual(x);
    expect(doc.config.seq).toBe(2);
    expect(doc.inputs.layers[0].wq[0]).toEqual(all.inputs.x[0].slice(0, 3));
  });

  it("accepts numpy-style keys (Wq, input_data) as a notebook names them", () => {
    const r = cli(["encode", "--input", "-", "--json", "--quiet"], {
      input: JSON.stringify({ input_data: [[1, 2]], Wq: [[1], [0]] }),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).config).toMatchObject({ seq: 1, emb: 2, dmodel: 1 });
  });

  it("ends quietly when the reader goes away (| head)", () => {
    for (const args of ["encode --seq 3000 --emb 64 --full", "encode --seq 600 --emb 64 --json"]) {
      const script = `"${process.execPath}" "${BIN}" ${args} | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
      const r = spawnSync("bash", ["-c", script], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.stdout.trim()).toBe("0");
    }
  });

  it("summarises large matrices numpy-style unless --full", () => {
    const short = cli(["encode", "--seq", "20", "--emb", "16", "--seed", "1"]).stdout;
    expect(short).toContain("⋮");
    const full = cli(["encode", "--seq", "20", "--emb", "16", "--seed", "1", "--full"]).stdout;
    expect(full).not.toContain("⋮");
    expect(full.length).toBeGreaterThan(short.length);
  });

  it("--precision sets the digits", () => {
    const out = cli(["encode", "--seed", "1", "--quiet", "--precision", "7"]).stdout;
    expect(out).toMatch(/-?\d\.\d{7}\b/);
  });

  it("--help shows examples", () => {
    for (const cmd of [[], ["encode"], ["decode"], ["attention"]]) {
      const r = cli([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Examples:");
    }
  });
});

describe("bad input: exit 2, one line on stderr naming what is wrong, nothing on stdout", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-bad-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, string[], RegExp, string?][] = [
    [
      "a missing file",
      ["encode", "--input", join(dir, "nope.json")],
      /cannot read .*nope\.json: no such file/,
    ],
    ["a directory", ["encode", "--input", dir], /it is a directory/],
    [
      "invalid JSON",
      ["encode", "--input", file("trunc.json", '{"x": [[1, 2],\n  [3')],
      /trunc\.json: invalid JSON at line 2, column 5/,
    ],
    ["empty stdin", ["encode", "--input", "-"], /stdin is empty/, ""],
    ["an empty file", ["encode", "--input", file("empty.json", "")], /empty\.json is empty/],
    [
      "ragged rows",
      ["encode", "--input", file("ragged.json", '{"x": [[1,2,3],[4,5]]}')],
      /x in .*ragged\.json: row 1 has 2 numbers, expected 3/,
    ],
    [
      "an empty matrix",
      ["encode", "--input", file("norows.json", '{"x": []}')],
      /x in .*: the matrix has no rows/,
    ],
    [
      "an empty row",
      ["encode", "--input", file("norow.json", '{"x": [[]]}')],
      /x in .*: row 0 is empty/,
    ],
    [
      "a non-number",
      ["encode", "--input", file("str.json", '{"x": [[1,"2"]]}')],
      /x in .*: row 0, column 1 is the text "2", expected a number/,
    ],
    [
      "NaN (as Python writes it)",
      ["encode", "--input", file("nan.json", '{"x": [[1, NaN]]}')],
      /row 0, column 1 is NaN, expected a finite number/,
    ],
    [
      "Infinity",
      ["encode", "--input", file("inf.json", '{"x": [[-Infinity, 1]]}')],
      /row 0, column 0 is -Infinity/,
    ],
    [
      "a vector for a matrix",
      ["encode", "--input", file("vec.json", '{"x": [1, 2]}')],
      /x in .*: expected a list of rows .* got a list of numbers/,
    ],
    [
      "an unknown key",
      ["encode", "--input", file("key.json", '{"x": [[1]], "wz": [[1]]}')],
      /unknown key "wz"/,
    ],
    [
      "shapes that do not fit",
      ["encode", "--input", file("shape.json", '{"x": [[1,2,3]], "wq": [[1,2]]}')],
      /wq in .* has 1 row, but x in .* has 3 columns; both are emb/,
    ],
    [
      "a flag that disagrees with a matrix",
      ["encode", "--emb", "6", "--input", file("x8.json", '{"x": [[1,2,3,4,5,6,7,8]]}')],
      /--emb 6 disagrees with the input: x in .* has 8 columns/,
    ],
    [
      "heads that do not divide",
      ["encode", "--heads", "2", "--input", file("wq3.json", '{"wq": [[1,2,3]]}')],
      /--heads 2 does not divide/,
    ],
    [
      "a matrix the command does not use",
      ["encode", "--input", file("y.json", '{"y": [[1]]}')],
      /y in .* is not used: encode does not use it/,
    ],
    ["a zero dimension", ["encode", "--seq", "0"], /--seq takes a positive whole number/],
    ["a fractional dimension", ["encode", "--emb", "2.5"], /--emb takes a positive whole number/],
    [
      "dimensions too large for memory",
      ["encode", "--seq", "200000", "--emb", "50000"],
      /dimensions too large: .* need about [\d.]+ GiB/,
    ],
    [
      "a negative numpy seed",
      ["encode", "--rng", "numpy", "--seed", "-1"],
      /numpy's np.random.seed takes a whole number from 0 to 4294967295/,
    ],
    [
      "a numpy seed of 2³²",
      ["encode", "--rng", "numpy", "--seed", "4294967296"],
      /from 0 to 4294967295/,
    ],
    ["a text numpy seed", ["encode", "--rng", "numpy", "--seed", "abc"], /from 0 to 4294967295/],
    ["an unknown generator", ["encode", "--rng", "mt"], /Allowed choices are seedrandom, numpy/],
    [
      "an unknown option",
      ["encode", "--sq", "3"],
      /unknown option '--sq' \(did you mean --seq\?\)/,
    ],
    ["an unknown command", ["encod"], /unknown command 'encod' \(did you mean encode\?\)/],
  ];
  it.each(cases)("%s", (_, args, message, input) => {
    const r = cli(args, { input });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^transformer-lab: error: /);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
