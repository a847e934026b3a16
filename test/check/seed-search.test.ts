import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type NumpyGenerator, SeedDraws } from "../../src/check/seed-draws.js";
import {
  DRAW_ORDERS,
  LAST_SEED,
  PAPER_LAST,
  searchSeed,
  USUAL_SEEDS,
} from "../../src/check/seed-search.js";
import { readNpy } from "../../src/io/npy.js";
import type { ModelConfig } from "../../src/model/dims.js";
import { MT19937 } from "../../src/rng/mt19937.js";
import { polarFromDoubles } from "../../src/rng/normals.js";
import { cli, fixture, ROOT } from "../helpers.js";

/** Bare outputs and numpy's draws made by fixtures/make_seeds.py (numpy's legacy RandomState). */
const D = `${ROOT}fixtures/answers/seeds`;

interface Draws {
  seed: number;
  randn: number[];
  rand: number[];
  randn_after_rand: number[];
}
const expected = fixture<{
  miss_plain_rows: { row: number; mean: number; std: number }[];
  draws_9876: Draws;
  draws_odd_4321: Draws;
}>("answers/seeds/expected.json");

const NUMPY: NumpyGenerator = { mt: (s) => new MT19937(s), polar: polarFromDoubles };

/** numpy's normals come from the same doubles; its log may differ from V8's in the last bits. */
function expectNormals(actual: Float64Array, e: number[]): void {
  expect(actual.length).toBeGreaterThanOrEqual(e.length);
  e.forEach((v, i) => {
    expect(Math.abs(actual[i] - v), `normal ${i}`).toBeLessThanOrEqual(
      1e-12 * Math.max(1, Math.abs(v)),
    );
  });
}

describe("one seed's draws, shared by every draw order, are numpy's", () => {
  it.each([
    ["the homework's cell (128 values before W1, seed 9876)", expected.draws_9876, 128],
    ["an odd cell (75 values before W1, seed 4321)", expected.draws_odd_4321, 75],
  ])("%s", (_, d, cell) => {
    const draws = new SeedDraws(NUMPY, cell);
    draws.reseed(12345); // a seed before: nothing of it may remain
    draws.normals(3000);
    draws.reseed(d.seed);
    // asked for in pieces, odd ones too, as the orders ask
    draws.normals(31);
    expectNormals(draws.normals(d.randn.length).slice(0, d.randn.length), d.randn);
    const mixed = draws.randThenNormals(cell + d.randn_after_rand.length);
    expect(Array.from(mixed.subarray(0, cell))).toEqual(d.rand); // MT19937's doubles: exact
    expectNormals(mixed.subarray(cell), d.randn_after_rand);
  });
});

describe("the search draws each seed's doubles once", () => {
  it("a miss over every seed reseeds one generator once a seed and draws ~1 500 doubles a seed", () => {
    let generators = 0;
    let reseeds = 0;
    let doubles = 0;
    const counting: NumpyGenerator = {
      mt(seed) {
        generators++;
        const mt = new MT19937(seed);
        return {
          reseed: (s) => {
            reseeds++;
            mt.reseed(s);
          },
          fillDoubles: (out) => {
            doubles += out.length;
            mt.fillDoubles(out);
          },
        };
      },
      polar: polarFromDoubles,
    };
    const file = `${D}/miss-plain.npy`;
    const output = readNpy(new Uint8Array(readFileSync(file)), file);
    const config = {
      computation: "encode",
      seq: 4,
      emb: 8,
      dmodel: 3,
      ffn: 32,
      heads: 1,
      layers: 1,
    };
    const found = searchSeed(output, config as ModelConfig, counting, { rtol: 1e-5, atol: 1e-8 });
    expect(found).toBeUndefined();
    const seeds = new Set([...USUAL_SEEDS, ...Array.from({ length: LAST_SEED + 1 }, (_, s) => s)]);
    expect(generators).toBe(1);
    expect(reseeds).toBe(seeds.size);
    // every order of a seed reads the same doubles: the most any one needs (1 152 normals for
    // feed_forward called twice, ~1 470 doubles) plus less than a batch of 128; the paper's
    // d_ff = 2048 adds ~42 000 for each of its seeds (the usual ones and 0…99)
    const paperSeeds = new Set([
      ...USUAL_SEEDS,
      ...Array.from({ length: PAPER_LAST + 1 }, (_, s) => s),
    ]);
    expect(doubles).toBeLessThan(seeds.size * 1600 + paperSeeds.size * 44000);
    expect(DRAW_ORDERS).toHaveLength(8);
  });
});

interface Row {
  file: string;
  pass: boolean;
  seed: number | null;
  seed_note?: string;
  draw_order?: string;
  hints: string[];
  status?: string;
  error?: string;
  undiagnosed?: string;
}

function check(args: string[]) {
  const r = cli(["check", "--json", ...args]);
  return {
    code: r.code,
    stderr: r.stderr,
    rows: r.stdout ? (JSON.parse(r.stdout).results as Row[]) : [],
  };
}

describe("the search finds late seeds and slips (numpy-made outputs)", () => {
  it("seeds 6543…9999, the homework's order and three slips, in one run", () => {
    const files = [
      "late-9876.npy",
      "late-9999-ffn-called-twice.npy",
      "late-8765-rand-not-randn.npy",
      "late-6543-wo-before-wv.npy",
    ];
    const { code, rows } = check(files.map((f) => `${D}/${f}`));
    expect(code).toBe(0);
    expect(rows.map((r) => [r.seed, r.draw_order, r.pass])).toEqual([
      [9876, "homework", true],
      [9999, "ffn-called-twice", true],
      [8765, "rand-not-randn", true],
      [6543, "wo-before-wv", true],
    ]);
    expect(rows[0].seed_note).toBe(
      "no seed given: this output is the correct layer for np.random.seed(9876)",
    );
  });

  it("an odd cell (3×5): randn's spare crosses matrices, rand's normals start mid-pair", () => {
    const { code, rows } = check([
      "--seq",
      "3",
      "--emb",
      "5",
      `${D}/odd-7777.npy`,
      `${D}/odd-4321-rand-not-randn.npy`,
    ]);
    expect(code).toBe(0);
    expect(rows.map((r) => [r.seed, r.draw_order])).toEqual([
      [7777, "homework"],
      [4321, "rand-not-randn"],
    ]);
  });

  it("a seed given is searched first, with every slip, even outside 0–9999", () => {
    const { code, rows } = check(["--seed", "31415", `${D}/given-31415-wo-before-wv.npy`]);
    expect(code).toBe(0);
    expect(rows[0].seed_note).toBe(
      "wrong at seed 31415 (from --seed); correct for np.random.seed(31415), but Wo was drawn before Wv",
    );
  });
});

describe("a loose --atol loosens the search's first-row filter too", () => {
  // the seed-0 layer with 0.05 added to row 0 (make_seeds.py)
  const file = `${D}/off-row0-seed0.npy`;

  it("at --atol 0.1, the output is found at seed 0, as --seed 0 grades it", () => {
    const searched = check(["--atol", "0.1", file]);
    const given = check(["--atol", "0.1", "--seed", "0", file]);
    expect([searched.code, given.code]).toEqual([0, 0]);
    expect(searched.rows[0]).toMatchObject({ seed: 0, pass: true, draw_order: "homework" });
    expect(given.rows[0]).toMatchObject({ seed: 0, pass: true });
  });

  it("at the default tolerance, nothing reproduces it", () => {
    const { code, rows } = check([file]);
    expect(code).toBe(1);
    expect(rows[0].pass).toBe(false);
  });
});

describe("a float32 output with no seed", () => {
  it("is searched for at float32's precision (float64's fails at its seed)", () => {
    const { seed } = fixture<{ seed: number }>("answers/submissions/float32-seed.json");
    const { code, rows } = check([`${ROOT}fixtures/answers/submissions/float32.npy`]);
    expect(code).toBe(0);
    expect(rows[0]).toMatchObject({ seed, pass: true, draw_order: "homework" });
  });
});

describe("when the search finds nothing, it says what it searched and what the rows say", () => {
  const searched =
    "the homework's encoder cell at the usual seeds and 0–9999, each with the homework's draw order and 7 common slips";

  it("no seed: whether the rows are layer-normalised (if not, numpy's figures for the row)", () => {
    // two files in one run (each search a second): each is an ungraded row, stderr quiet
    const r = check([`${D}/miss-normalised.npy`, `${D}/miss-plain.npy`]);
    const { mean, std } = expected.miss_plain_rows[0];
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    expect(r.rows.map((row) => [row.status, row.error])).toEqual([
      [
        "ungraded",
        `${D}/miss-normalised.npy: no seed given, and nothing searched (${searched}) reproduces it; its rows are layer-normalised (mean 0, std 1 each), so the computation may be right with another seed or draw order; give the notebook's seed with --seed N or --seeds FILE`,
      ],
      [
        "ungraded",
        `${D}/miss-plain.npy: no seed given, and nothing searched (${searched}) reproduces it; its rows are not layer-normalised (row 0: mean ${mean.toPrecision(3)}, std ${std.toPrecision(3)}), so its last step is not the layer norm; give the notebook's seed with --seed N or --seeds FILE`,
      ],
    ]);
  });

  it("a seed given: the hints say the search found nothing either, with the real seed", () => {
    const { rows } = check(["--seed", "3", `${D}/miss-normalised.npy`, `${D}/miss-plain.npy`]);
    const [normalised, plain] = rows;
    expect(normalised.pass).toBe(false);
    expect(normalised.hints).toEqual([
      expect.stringMatching(/^every output row is layer-normalised .*np\.random\.seed\(3\) here/),
      `no seed searched (${searched}) reproduces the output either`,
    ]);
    expect(plain.hints).toEqual([
      expect.stringMatching(
        new RegExp(
          `^no seed searched \\(${searched}\\) reproduces the output either; its rows are not layer-normalised`,
        ),
      ),
    ]);
  });

  it("an output of NaN is not called layer-normalised (NaN fails every comparison)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-nan-"));
    const file = join(dir, "nan.npy");
    writeFileSync(file, npy(4, 8, Number.NaN));
    const { rows } = check(["--seed", "0", file]);
    expect(rows[0].pass).toBe(false);
    expect(rows[0].hints.join("\n")).not.toMatch(
      /layer-normalised \(mean 0|every output row is layer-normalised/,
    );
    expect(rows[0].hints.join("\n")).toMatch(/rows are not layer-normalised \(row 0: mean NaN/);
  });

  it("a cell too large to search: the bound is said", () => {
    const r = check(["--seq", "8", "--emb", "16", `${D}/big-8x16.npy`]);
    expect(r.code).toBe(1);
    expect(r.rows[0].status).toBe("ungraded");
    expect(r.rows[0].error).toContain(
      "no seed given, and none searched for: the search covers cells of up to 1024 draws a seed (seq·emb + 4·emb·d_model + 2·emb·d_ff; this one has 2368); give the notebook's seed with --seed N or --seeds FILE",
    );
  });

  // a decoder layer's output made by numpy (fixtures/make_decoder_mistakes.py, np.random.seed(0))
  const decoder = `${ROOT}fixtures/answers/decoder/seed0/correct.npy`;
  const encoderOnly =
    "the search covers the homework's encoder cell only (one encoder layer, one head), and this is a decoder (1 layer(s), 1 head(s))";

  it("a decoder output with no seed: not searched for, and the message says so", () => {
    const r = check(["--against", "decode", decoder]);
    expect(r.code).toBe(1);
    expect(r.rows[0].status).toBe("ungraded");
    expect(r.rows[0].error).toBe(
      `${decoder}: no seed given, and none searched for: ${encoderOnly}; give the notebook's seed with --seed N or --seeds FILE`,
    );
    // at its seed it is graded, and correct
    expect(check(["--against", "decode", "--seed", "0", decoder]).rows[0].status).toBe("correct");
  });

  it("a decoder output wrong at the seed given: the hint says no other seed was searched", () => {
    const r = check(["--against", "decode", "--seed", "1", decoder]);
    expect(r.rows[0].status).toBe("wrong");
    expect(r.rows[0].hints).toContain(`no other seed searched: ${encoderOnly}`);
  });

  it("a decoder output graded as an encoder's: the message says the encoder cell was searched", () => {
    const r = check([decoder]);
    expect(r.rows[0].status).toBe("ungraded");
    expect(r.rows[0].error).toContain(`nothing searched (${searched}) reproduces it`);
    expect(searched).toMatch(/^the homework's encoder cell at /);
  });

  it("an output not of the dimensions graded: wrong, its shape said, nothing searched", () => {
    const r = check([`${D}/big-8x16.npy`]);
    expect(r.code).toBe(1);
    expect(r.rows[0].status).toBe("wrong");
    expect(r.rows[0].undiagnosed).toBe(
      "the output is 8×16, not 4×8: no known mistake changes the shape",
    );
  });
});

/** A float64 `.npy` of rows×cols copies of one value, as np.save writes it (format 1.0). */
function npy(rows: number, cols: number, value: number): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += " ".repeat(63 - ((10 + header.length) % 64)) + "\n";
  const head = Buffer.alloc(10);
  Buffer.from("\x93NUMPY", "latin1").copy(head);
  head[6] = 1;
  head.writeUInt16LE(header.length, 8);
  const data = Buffer.alloc(8 * rows * cols);
  for (let i = 0; i < rows * cols; i++) data.writeDoubleLE(value, 8 * i);
  return Buffer.concat([head, Buffer.from(header, "latin1"), data]);
}
