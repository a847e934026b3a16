import { describe, expect, it } from "vitest";
import { cli, fixture, ROOT } from "../helpers.js";

/** Submissions as a class hands them in (issue 11); every file made by numpy (make_fixtures.py). */
const S = `${ROOT}fixtures/answers/submissions`;

interface Row {
  file: string;
  student?: string;
  pass: boolean;
  verdict: string;
  seed: number | null;
  seed_note?: string;
  draw_order?: string;
  dims: { seq: number; emb: number; dmodel: number; ffn: number };
  notes: string[];
  slip?: { id: string; message: string };
  hints: string[];
  ambiguity?: string;
  diagnosis: { id: string; fix: string }[];
  compared: { name: string; pass: boolean; equals?: string }[];
  error?: string;
}

function check(args: string[]) {
  const r = cli(["check", "--json", ...args]);
  const doc = JSON.parse(r.stdout) as {
    results: Row[];
    students: { student: string; files: string[]; pass: boolean; agree: boolean }[];
  };
  return { code: r.code, doc, row: doc.results[0] };
}

describe("correct work named otherwise is correct", () => {
  it("the article's names: scores is our scaled, z our attn; the output is right", () => {
    const { code, row } = check([`${S}/article-names.npz`]);
    expect(code).toBe(0);
    expect(row.verdict).toBe("renamed");
    expect(row.compared.filter((c) => !c.pass).map((c) => [c.name, c.equals])).toEqual([
      ["scores", "scaled"],
      ["z", "attn"],
    ]);
    const text = cli(["check", `${S}/article-names.npz`]).stdout;
    expect(text).toMatch(/output correct; intermediates named differently/);
    expect(text).toMatch(
      /your scores equals the reference's scaled \(after the division by √d_k\)/,
    );
  });

  it("aliases are read and said; an unknown key is a note, not a rejection", () => {
    const { code, row } = check([`${S}/aliases.npz`]);
    expect(code).toBe(0);
    expect(row.compared.map((c) => c.name)).toEqual(["q", "scaled", "weights", "z", "output"]);
    expect(row.notes).toEqual([
      '"attention" read as weights',
      '"scaled_scores" read as scaled',
      "not graded (unknown name): extra_notes",
    ]);
  });

  it("float32 work is compared at float32's precision, at a seed where float64's fails", () => {
    const { seed } = fixture<{ seed: number }>("answers/submissions/float32-seed.json");
    const { code, row } = check(["--seed", String(seed), `${S}/float32.npy`]);
    expect(code).toBe(0);
    expect(row.verdict).toBe("float32");
    expect(cli(["check", "--seed", String(seed), `${S}/float32.npy`]).stdout).toMatch(
      /correct at float32 precision/,
    );
  });

  it("eps outside the square root is within tolerance, and said", () => {
    const { code, row } = check(["--seed", "0", `${S}/eps-outside.npy`]);
    expect(code).toBe(0);
    expect(row.notes.join()).toMatch(/eps-outside-sqrt: .*accepted, it differs by ~1e-9/);
  });
});

describe("diagnoses agree with the answer's own intermediates", () => {
  it("× √d_k with its scaled saved is not called no-scale", () => {
    const { row } = check([`${S}/times-sqrt-dk.npz`]);
    expect(row.pass).toBe(false);
    expect(row.diagnosis.map((d) => d.id)).not.toContain("no-scale");
    expect(row.diagnosis.map((d) => d.id)[0]).toBe("times-sqrt-dk");
    expect(row.seed).toBeNull(); // it holds every input: no seed is used
  });
});

describe("explanations the answer cannot tell apart are all listed, with why", () => {
  it("softmax-all at seed 22: one-hot weights make no-scale+softmax-all give the same output", () => {
    const { row } = check(["--seed", "22", `${S}/softmax-all-seed22.npy`]);
    const ids = row.diagnosis.map((d) => d.id);
    expect(ids[0]).toBe("softmax-all");
    expect(ids).toContain("no-scale+softmax-all");
    expect(row.ambiguity).toMatch(/one-hot/);
  });
});

/** One run for many files (each CLI start costs a second on a loaded machine). */
function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => {
    v ??= f();
    return v;
  };
}

const SLIPS = [
  "slip-shape",
  "slip-shape-transposed",
  "slip-shape-leading-1",
  "slip-transposed",
  "slip-leading-1",
  "slip-concat",
];
const slips = once(() => {
  const r = check(["--seed", "0", ...SLIPS.map((f) => `${S}/${f}.npy`)]);
  expect(r.code).toBe(1);
  return r.doc;
});

const SEARCHED = [
  "seed-1234",
  "ffn-drawn-first",
  "ffn-called-twice",
  "wo-before-wv",
  "input-after-weights",
  "rand-not-randn",
  "paper-dff",
];
const searched = once(() => {
  const r = check(SEARCHED.map((f) => `${S}/search-${f}.npy`));
  expect(r.code).toBe(0);
  return r.doc;
});

describe("file slips are named", () => {
  it.each([
    ["slip-shape.npy", "saved-shape", /holds \(4, 8\), a shape/],
    ["slip-shape-transposed.npy", "saved-shape", /holds \(8, 4\), a shape/],
    ["slip-shape-leading-1.npy", "saved-shape", /holds \(1, 4, 8\), a shape/],
    ["slip-transposed.npy", "saved-transposed", /saved transposed: 8×4/],
    ["slip-leading-1.npy", "saved-leading-1", /leading axis of 1, shape \(1, 4, 8\)/],
    ["slip-concat.npy", "concatenated-residual", /4×16 is 4×\(8\+8\)/],
  ])("%s", (file, id, message) => {
    const row = slips().results.find((r) => r.file.endsWith(file)) as Row;
    expect(row.verdict).toBe("slip");
    expect(row.slip?.id).toBe(id);
    expect(row.slip?.message).toMatch(message);
    expect(row.dims).toMatchObject({ seq: 4, emb: 8, dmodel: 3 });
  });

  it("the matrix meant by a transposed or leading-1 file is graded (and is right here)", () => {
    const r = cli(["check", "--seed", "0", `${S}/slip-transposed.npy`]);
    expect(r.stdout).toMatch(/the matrix meant is correct/);
  });

  it("small whole numbers that are not the layer's shape ([[1, 2]]): a 1×2 output, wrong", () => {
    for (const flags of [[], ["--seed", "0"]]) {
      const { code, row } = check([...flags, `${S}/not-a-shape-1x2.npy`]);
      expect(code).toBe(1);
      expect(row.verdict).toBe("wrong");
      expect(row.slip).toBeUndefined();
      expect(row.compared).toMatchObject([
        { name: "output", pass: false, shape: { actual: [1, 2], expected: [4, 8] } },
      ]);
    }
  });

  it("a text file named .npy says so", () => {
    const r = cli(["check", "--seed", "0", `${S}/slip-savetxt.npy`]);
    expect(r.code).toBe(1); // a file that cannot be read is a row of the report (SPEC §5)
    expect(r.stdout).toMatch(
      /slip-savetxt\.npy {2}✗ unreadable\n {2}is a text file of numbers \(as np\.savetxt writes\)/,
    );
  });
});

describe("seeds per answer", () => {
  it("a seed entry in an .npz (0-d array) or a JSON answer (a number)", () => {
    const { code, doc } = check([`${S}/seed-entry.npz`, `${S}/seed-entry.json`]);
    expect(code).toBe(0);
    expect(doc.results.map((r) => [r.seed, r.seed_note])).toEqual([
      [5, "seed 5 (from the answer's seed entry)"],
      [6, "seed 6 (from the answer's seed entry)"],
    ]);
  });

  it("--seeds FILE gives each file its seed; --seed the rest", () => {
    const C = `${S}/class`;
    const { doc } = check([
      "--seeds",
      `${C}/seeds.csv`,
      "--seed",
      "99",
      `${C}/ana.npy`,
      `${C}/joana/out.npy`,
    ]);
    expect(doc.results.map((r) => [r.seed, r.pass])).toEqual([
      [11, true],
      [12, true],
    ]);
  });
});

describe("the search, when nothing reproduces a bare output", () => {
  it.each([
    ["search-seed-1234.npy", 1234, "homework", /correct layer for np\.random\.seed\(1234\)/],
    ["search-ffn-drawn-first.npy", 2024, "ffn-drawn-first", /drawn outside it/],
    ["search-ffn-called-twice.npy", 2024, "ffn-called-twice", /called twice/],
    ["search-wo-before-wv.npy", 2024, "wo-before-wv", /Wo was drawn before Wv/],
    ["search-input-after-weights.npy", 2024, "input-after-weights", /after the weights/],
    ["search-rand-not-randn.npy", 2024, "rand-not-randn", /np\.random\.rand, not randn/],
    ["search-paper-dff.npy", 2024, "paper-dff", /d_ff = 2048/],
  ])("%s", (file, seed, order, note) => {
    const row = searched().results.find((r) => r.file.endsWith(file)) as Row;
    expect(row).toMatchObject({ seed, draw_order: order });
    expect(row.seed_note).toMatch(/^no seed given: /);
    expect(row.seed_note).toMatch(note);
  });

  it("a wrong seed given: the search says which seed the output is right for", () => {
    const { row } = check(["--seed", "7", `${S}/search-seed-1234.npy`]);
    expect(row.seed_note).toMatch(
      /wrong at seed 7 \(from --seed\); this output is the correct layer for np\.random\.seed\(1234\)/,
    );
  });

  it("stays under a second for the whole range when nothing matches", () => {
    const t = Date.now();
    cli(["check", `${ROOT}fixtures/answers/homework/pairs-seed0/no-scale+softmax-all.npy`]);
    // measured ~0.5 s alone; generous for a loaded machine running the suite in parallel
    expect(Date.now() - t).toBeLessThan(15000);
  });

  it("norm1 right, output not: the hint points at the seed and draw order, with the real seed", () => {
    const { row } = check(["--seed", "8", `${S}/norm1-right.npz`]);
    expect(row.pass).toBe(false);
    expect(row.hints[0]).toMatch(/norm1 is right and the output is not/);
    expect(row.hints[0]).toMatch(/np\.random\.seed\(8\)/);
    expect(row.hints[0]).not.toMatch(/\bS\b/);
  });
});

describe("the class table", () => {
  const C = `${S}/class`;
  it("a folder: one row per student (.npy and .npz together, a subfolder), disagreements shown", () => {
    const r = cli(["check", "--seeds", `${C}/seeds.csv`, C]);
    expect(r.code).toBe(1); // bia's .npz is wrong, rui's file unreadable
    expect(r.stdout).toMatch(/student\s+│ verdict/);
    expect(r.stdout).toMatch(/wrong · files differ/);
    const { doc } = check(["--seeds", `${C}/seeds.csv`, C]);
    const students = Object.fromEntries(doc.students.map((s) => [s.student.split("/").at(-1), s]));
    expect(students.ana).toMatchObject({ pass: true, agree: true });
    expect(students.ana.files).toHaveLength(2);
    expect(students.bia).toMatchObject({ pass: false, agree: false });
    expect(students.joana).toMatchObject({ pass: true });
    expect(students.rui).toMatchObject({ pass: false });
    const bia = doc.results.find((x) => x.file.endsWith("bia.npz"));
    expect(bia?.diagnosis.map((d) => d.id)).toEqual(["no-scale"]);
    expect(doc.results.find((x) => x.file.endsWith("rui.npy"))?.verdict).toBe("unreadable");
  });

  it("exit 0 when every answer is correct, 2 for a usage error", () => {
    expect(cli(["check", "--seeds", `${C}/seeds.csv`, `${C}/ana.npy`, `${C}/joana`]).code).toBe(0);
    expect(cli(["check", "--seeds", `${C}/nope.csv`, C]).code).toBe(2);
  });
});

describe("the wider catalogue: each mistake, made by numpy, is named first", () => {
  const ids = [
    "times-sqrt-dk",
    "scale-after-softmax",
    "causal-in-encoder",
    "wq-for-keys",
    "softmax-no-keepdims",
    "ddof1",
    "no-relu",
    "relu-after-w2",
  ];
  it.each([0, 1])("seed %i", (seed) => {
    const C = `${ROOT}fixtures/answers/catalogue/seed${seed}`;
    const { code, doc } = check(["--seed", String(seed), ...ids.map((id) => `${C}/${id}.npy`)]);
    expect(code).toBe(1);
    expect(doc.results.map((r) => r.diagnosis[0]?.id)).toEqual(ids);
    for (const r of doc.results) expect(r.diagnosis[0].fix).not.toBe("");
  });
});
