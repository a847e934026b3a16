import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MISTAKES } from "../../src/check/mistakes.js";
import { cli, ROOT } from "../helpers.js";

const A = `${ROOT}fixtures/answers`;

interface Result {
  file: string;
  pass: boolean;
  first_divergence?: string;
  diagnosis: { id: string }[];
  compared: {
    name: string;
    pass: boolean;
    mismatched: number;
    total: number;
    first_wrong?: { index: number[] };
  }[];
  error?: string;
}

function checkJson(args: string[]) {
  const r = cli(["check", "--json", ...args]);
  return {
    code: r.code,
    stderr: r.stderr,
    doc: JSON.parse(r.stdout) as {
      results: Result[];
      passed: number;
      failed: number;
      errors: number;
    },
  };
}

describe("homework answers after np.random.seed(S), each mistake made by numpy", () => {
  const folders: [string, string[]][] = [
    ["seed0", ["--seed", "0"]],
    ["seed1", ["--seed", "1"]],
    ["seed42", ["--seed", "42"]],
    ["seed7-6x10x4", ["--seed", "7", "--dmodel", "4"]],
  ];
  it.each(folders)("%s: correct answers pass; each mistake fails and is named", (folder, flags) => {
    const files = readdirSync(`${A}/homework/${folder}`).map((f) => `${A}/homework/${folder}/${f}`);
    const { code, doc } = checkJson([...flags, ...files]);
    expect(code).toBe(files.some((f) => !f.includes("correct")) ? 1 : 0);
    for (const r of doc.results) {
      const id = r.file
        .split("/")
        .at(-1)!
        .replace(/\.(npy|json)$/, "");
      if (id === "correct") {
        expect(r.pass, r.file).toBe(true);
      } else {
        expect(r.pass, r.file).toBe(false);
        expect(
          r.diagnosis.map((d) => d.id),
          r.file,
        ).toContain(id);
      }
    }
  });

  it("names each seed-0 answer's mistake first, and no other single mistake", () => {
    const ids = readdirSync(`${A}/homework/seed0`)
      .filter((f) => f.endsWith(".npy") && f !== "correct.npy")
      .map((f) => f.replace(/\.npy$/, ""));
    const { doc } = checkJson(["--seed", "0", ...ids.map((id) => `${A}/homework/seed0/${id}.npy`)]);
    const singles = (r: Result) => r.diagnosis.map((d) => d.id).filter((id) => !id.includes("+"));
    expect(doc.results.map(singles)).toEqual(ids.map((id) => [id]));
    expect(MISTAKES.length).toBeGreaterThan(ids.length);
  });

  it("two mistakes made together are named as a pair when no single one explains the output", () => {
    const pairs = [
      "no-scale+softmax-all",
      "scale-by-dk+no-residual-ffn",
      "kq-swapped+residual-from-input",
    ];
    const { code, doc } = checkJson([
      "--seed",
      "0",
      ...pairs.map((p) => `${A}/homework/pairs-seed0/${p}.npy`),
    ]);
    expect(code).toBe(1);
    expect(doc.results.map((r) => r.diagnosis.map((d) => d.id))).toEqual(pairs.map((p) => [p]));
    const text = cli(["check", "--seed", "0", `${A}/homework/pairs-seed0/${pairs[0]}.npy`]).stdout;
    expect(text).toContain("likely mistakes, made together:");
    expect(text).toContain(
      "fix: scores = matmul(query, key.T) / np.sqrt(key.shape[-1]); and softmax(scores, axis=-1)",
    );
  });

  it("one wrong answer: a readable verdict with the mistake and its fix, exit 1", () => {
    const r = cli(["check", "--seed", "0", `${A}/homework/seed0/softmax-all.json`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("✗ wrong");
    expect(r.stdout).toMatch(/Mismatched elements: \d+ \/ 32/);
    expect(r.stdout).toMatch(/Max absolute difference: /);
    expect(r.stdout).toMatch(/First wrong index \[\d, \d\]: actual .*, expected /);
    expect(r.stdout).toContain(
      "softmax-all: the softmax runs over the whole matrix: scipy.special.softmax's default is axis=None",
    );
    expect(r.stdout).toContain("fix: softmax(scores, axis=-1)");
  });

  it("one right answer: exit 0", () => {
    const r = cli(["check", "--seed", "0", `${A}/homework/seed0/correct.npy`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("✓ correct");
  });

  it("at the wrong seed a right output is found by the search, which names its seed", () => {
    const { code, doc } = checkJson(["--seed", "1", `${A}/homework/seed0/correct.npy`]);
    expect(code).toBe(0);
    expect(doc.results[0]).toMatchObject({ seed: 0, diagnosis: [] });
    expect((doc.results[0] as unknown as { seed_note: string }).seed_note).toMatch(
      /wrong at seed 1 \(from --seed\); this output is the correct layer for np\.random\.seed\(0\)/,
    );
  });

  it("--rtol and --atol set the tolerance", () => {
    expect(
      cli(["check", "--seed", "0", "--atol", "1", `${A}/homework/seed0/no-scale.npy`]).code,
    ).toBe(0);
  });
});

describe(".npz answers with their own inputs and intermediates", () => {
  it("correct (np.savez and np.savez_compressed) pass without flags", () => {
    const { code, doc } = checkJson([`${A}/npz/correct.npz`, `${A}/npz/correct-compressed.npz`]);
    expect(code).toBe(0);
    for (const r of doc.results) {
      expect(r.compared.map((c) => c.name)).toEqual([
        "q",
        "k",
        "v",
        "scores",
        "scaled",
        "weights",
        "z",
        "attn",
        "residual1",
        "norm1",
        "ffn",
        "residual2",
        "output",
      ]);
    }
  });

  it("a wrong intermediate is named as the first divergence", () => {
    const { code, doc } = checkJson([
      `${A}/npz/no-scale.npz`,
      `${A}/npz/uncentred-norm1.npz`,
      `${A}/npz/ddof1-norm1.npz`,
    ]);
    expect(code).toBe(1);
    const [noScale, uncentred, ddof1] = doc.results;
    expect(noScale.first_divergence).toBe("scaled");
    expect(noScale.diagnosis.map((d) => d.id)).toEqual(["no-scale"]);
    expect(uncentred.first_divergence).toBe("norm1");
    expect(uncentred.diagnosis).toEqual([]);
    expect(ddof1.first_divergence).toBe("norm1");
    // layer_norm is scale-invariant and relu positively homogeneous: the output survives ddof=1
    expect(ddof1.compared.at(-1)).toMatchObject({ name: "output", pass: true });
  });

  it("inputs the answer lacks come from the notebook's stream with --seed, or are asked for", () => {
    const without = cli(["check", `${A}/npz/cell-inputs-only.npz`]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(
      /cell-inputs-only\.npz: lacks w1, w2; put them in the file, or give the notebook's seed/,
    );
    // the notebook drew x, Wq, Wk, Wv, Wo, then W1, W2: with --seed 3 the stream reaches the same W1, W2
    expect(cli(["check", "--seed", "3", `${A}/npz/cell-inputs-only.npz`]).code).toBe(0);
  });

  it("a --json document of transformer-lab is itself an answer; a changed intermediate is found", () => {
    const doc = JSON.parse(
      cli(["encode", "--seed", "9", "--heads", "2", "--layers", "2", "--json"]).stdout,
    );
    expect(cli(["check", "-"], { input: JSON.stringify(doc) }).code).toBe(0);
    doc.layers[1].self.heads[1].weights[0][0] += 1e-3;
    const r = cli(["check", "--json", "-"], { input: JSON.stringify(doc) });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results[0].first_divergence).toBe("layers[1].heads[1].weights");
  });
});

describe("Question 1 answers (attention)", () => {
  it("are told by their keys; each mistake is named", () => {
    const files = ["correct", "no-scale", "softmax-cols", "kq-swapped"].map(
      (n) => `${A}/attention/${n}.json`,
    );
    const { doc } = checkJson(files);
    expect(doc.results.map((r) => r.pass)).toEqual([true, false, false, false]);
    expect(doc.results.slice(1).map((r) => r.diagnosis.map((d) => d.id))).toEqual([
      ["no-scale"],
      ["softmax-cols"],
      ["kq-swapped"],
    ]);
  });
});

describe("a folder of answers", () => {
  const batch = ["ana.npy", "bruno.npy", "carla.json", "daniel.npy"].map((f) => `${A}/batch/${f}`);

  it("prints a table and a count; a bad file is reported and the rest are graded; exit 1", () => {
    const r = cli(["check", "--seed", "0", ...batch]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /student\s+│ verdict\s+│ max difference │ diagnosis · fix\s+│ seed │ dims/,
    );
    expect(r.stdout).toMatch(/ana\.npy\s+│ correct/);
    expect(r.stdout).toMatch(/bruno\.npy\s+│ wrong\s+│ [\d.]+\s+│ .*softmax-all/);
    expect(r.stdout).toMatch(/carla\.json\s+│ wrong\s+│ [\d.]+\s+│ no-residual-ffn/);
    expect(r.stdout).toMatch(/daniel\.npy\s+│ unreadable\s+│\s+│ not a readable \.npy file/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 2 failed, 1 could not be read");
    expect(r.stderr).toMatch(/^transformer-lab: error: .*daniel\.npy: not a readable \.npy file/);
  });

  it("--json gives SPEC's shape", () => {
    const { code, doc } = checkJson(["--seed", "0", ...batch]);
    expect(code).toBe(1);
    expect(doc).toMatchObject({ schema: 1, command: "check", passed: 1, failed: 2, errors: 1 });
    for (const r of doc.results) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining(["file", "pass", "compared", "diagnosis"]),
      );
    }
    expect(doc.results[1].diagnosis[0]).toMatchObject({
      id: "softmax-all",
      message: expect.any(String),
    });
  });

  it("exit 1 when all files are read and one is wrong", () => {
    expect(cli(["check", "--seed", "0", ...batch.slice(0, 3)]).code).toBe(1);
  });
});

describe("check: bad usage", () => {
  it.each([
    [
      "a bare output without a seed that no search reproduces",
      [`${A}/homework/pairs-seed0/no-scale+softmax-all.npy`],
      /no seed given, and nothing searched \(the usual seeds and 0–9999, .*\) reproduces it/,
    ],
    ["a missing file", ["--seed", "0", `${A}/nope.npy`], /cannot read .*nope\.npy: no such file/],
    [
      "an answer without output",
      ["-"],
      /<stdin>: has no output to check/,
      JSON.stringify({ x: [[1, 2]] }),
    ],
    ["a negative tolerance", ["--rtol", "-1", "a.npy"], /--rtol takes a number ≥ 0/],
  ])("%s", (_, args, message, input?: string) => {
    const r = cli(["check", ...args], { input });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
