import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MISTAKES } from "../../src/check/mistakes.js";
import { cli, ROOT, testEnv } from "../helpers.js";

const A = `${ROOT}fixtures/answers`;
const python = () => ["--python", testEnv().python];

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
    expect([without.code, without.stderr]).toEqual([1, ""]);
    expect(without.stdout).toMatch(/cell-inputs-only\.npz {2}✗ ungraded — no seed/);
    expect(without.stdout).toMatch(
      /lacks w1, w2; put them in the file, or give the notebook.s seed with --seed N or --seeds FILE to draw them$/m,
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
    expect(r.stdout).toMatch(/daniel\.npy\s+│ unreadable\s+│ —\s+│ not a readable \.npy file/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("1 passed, 2 failed, 1 could not be read");
    // the table says it all: stderr does not repeat a file's failure as if the command had failed
    expect(r.stderr).toBe("");
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

const R = `${A}/rows`;

/** A file that cannot be read or graded is a row (exit 1), alone or among others. */
describe("every file is a row: exit 0 all correct, 1 any not, 2 only for the command", () => {
  const bareNoSeed = `${A}/homework/pairs-seed0/no-scale+softmax-all.npy`;
  const rows: [string, string[], string, RegExp, string?][] = [
    ["a missing file", [`${A}/nope.npy`], "unreadable", /cannot read .*nope\.npy: no such file/],
    ["invalid JSON", ["-"], "unreadable", /invalid JSON at line 1, column 2/, "{bad"],
    [
      "an answer without output",
      ["-"],
      "ungraded",
      /has no output to check/,
      JSON.stringify({ x: [[1, 2]] }),
    ],
    [
      "a bare output without a seed that no search reproduces",
      [bareNoSeed],
      "ungraded",
      /no seed given, and nothing searched \(the homework's encoder cell at the usual seeds and 0–9999, .*\) reproduces it/,
    ],
  ];

  it.each(rows)(
    "%s, alone: its verdict on stdout, exit 1, stderr empty",
    (_, args, status, msg, input) => {
      const r = cli(["check", "--no-color", ...args], { input });
      expect([r.code, r.stderr]).toEqual([1, ""]);
      expect(r.stdout).toMatch(new RegExp(`✗ ${status}`));
      expect(r.stdout).toMatch(msg);
    },
  );

  it.each(rows)(
    "%s, among others: the same row, in the table and in --json",
    (_, args, status, msg, input) => {
      const good = `${A}/homework/seed0/correct.npy`;
      const r = cli(["check", "--no-color", good, ...args], { input });
      expect([r.code, r.stderr]).toEqual([1, ""]);
      expect(r.stdout).toMatch(new RegExp(`│ ${status}`));
      const j = cli(["check", "--json", good, ...args], { input });
      const doc = JSON.parse(j.stdout);
      expect(j.code).toBe(1);
      expect(doc.results.map((x: { status: string }) => x.status)).toEqual(["correct", status]);
      expect(doc.results[1]).toMatchObject({
        pass: false,
        verdict: status,
        error: expect.stringMatching(msg),
      });
      expect(doc).toMatchObject({ passed: 1, failed: 0, errors: 1, [status]: 1 });
    },
  );

  it("an ungraded row says why in a word, and the dimensions it would be graded at", () => {
    const { doc } = checkJson([`${R}/random.npy`]);
    expect(doc.results[0]).toMatchObject({
      status: "ungraded",
      reason: "no seed",
      against: "encode",
      seed: null,
      dims: { seq: 4, emb: 8, dmodel: 3 },
    });
  });

  it("--json counts each row by its status, notebooks' rows too", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-counts-"));
    writeFileSync(join(dir, "broken.ipynb"), "{not json");
    const good = `${A}/homework/seed0/correct.npy`;
    const { doc } = checkJson(["--seed", "0", ...python(), dir, good]);
    expect(doc.results.map((r) => (r as unknown as { status: string }).status).sort()).toEqual([
      "correct",
      "ungraded",
    ]);
    expect(doc).toMatchObject({ passed: 1, failed: 0, ungraded: 1, errors: 1 });
  });

  it.each([
    ["a negative tolerance", ["--rtol", "-1", "a.npy"], /--rtol takes a number ≥ 0/],
    ["an unknown flag", ["--sed", "0", "a.npy"], /unknown option '--sed'/],
    [
      "an unreadable --seeds file",
      ["--seeds", `${A}/nope.csv`, `${R}/cut.npy`],
      /--seeds .*nope\.csv: cannot read it/,
    ],
    [
      "no answer in a folder",
      [`${ROOT}src/cli`],
      /no notebook \(\.ipynb\), script \(\.py\) or answer file in/,
    ],
  ])("%s: exit 2, one line, nothing on stdout", (_, args, message) => {
    const r = cli(["check", ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe("a bare output's shape is graded without a seed when no seed can make it right", () => {
  it("4×3 (columns cut): wrong by its shape, at any seed", () => {
    const { code, doc } = checkJson([`${R}/cut.npy`]);
    expect(code).toBe(1);
    expect(doc.results[0]).toMatchObject({
      status: "wrong",
      verdict: "wrong",
      seed: null,
      difference: { matrix: "output", max_abs: null },
      compared: [{ name: "output", pass: false, shape: { actual: [4, 3], expected: [4, 8] } }],
    });
    // the same verdict as at a seed
    const seeded = checkJson(["--seed", "0", `${R}/cut.npy`]).doc.results[0];
    expect(seeded).toMatchObject({ status: "wrong", compared: [{ shape: { actual: [4, 3] } }] });
  });

  it("np.save(f, output.shape): a file slip, without a seed as with one", () => {
    for (const flags of [[], ["--seed", "0"]]) {
      const { code, doc } = checkJson([...flags, `${R}/shape.npy`]);
      expect(code).toBe(1);
      expect(doc.results[0]).toMatchObject({
        status: "wrong",
        verdict: "slip",
        slip: { id: "saved-shape" },
      });
    }
  });

  it("a transposed output: the search finds the seed of the matrix meant (numpy: seed 5)", () => {
    const { code, doc } = checkJson([`${R}/transposed.npy`]);
    expect(code).toBe(1);
    expect(doc.results[0]).toMatchObject({
      status: "wrong",
      verdict: "slip",
      seed: 5,
      slip: { id: "saved-transposed" },
      compared: [{ name: "output", pass: true }],
    });
  });
});

describe("the class table: one row per student", () => {
  const C = `${R}/class`;
  type Doc = {
    results: { file: string; status: string; seed: number | null }[];
    students: { student: string; files: string[]; status: string; agree: boolean; pass: boolean }[];
  };
  const doc = () => JSON.parse(cli(["check", "--seed", "0", "--json", C]).stdout) as Doc;

  it("a folder grades every answer under it, a subfolder (at any depth) being one student's", () => {
    const d = doc();
    const students = Object.fromEntries(d.students.map((s) => [s.student.replace(/^.*\//, ""), s]));
    expect(Object.keys(students)).toEqual(["caio", "dora", "lia", "mel"]);
    expect(students.lia.files).toEqual([`${C}/lia/work/out.npy`]);
    expect(students.caio).toMatchObject({ status: "wrong", agree: false, pass: false });
    expect(students.dora).toMatchObject({
      status: "wrong",
      agree: true,
      files: [`${C}/dora.json`, `${C}/dora.npy`],
    });
    expect(students.mel).toMatchObject({ status: "correct", pass: true });
  });

  it("each student is one row: the decisive verdict, the files' disagreement, the seeds", () => {
    const r = cli(["check", "--seed", "0", "--no-color", C]);
    expect(r.code).toBe(1);
    const table = r.stdout.split("\n").filter((l) => l.startsWith("│"));
    const starts = table.filter((l) => /^│ \S/.test(l)).slice(1); // rows begin with a name
    expect(starts).toHaveLength(4);
    expect(starts[0]).toMatch(/caio \(\.npy \.npz\)\s+│ wrong · files differ\s/);
    const text = r.stdout.replace(/[│\s]+/g, " ");
    expect(starts[0]).toMatch(/│ caio\.npy: wrong — one of \(cannot tell apart\):/);
    expect(text).toMatch(/caio\.npz: correct/);
    // both of dora's files are wrong the same way: one diagnosis, no per-file list
    expect(starts[1]).toMatch(/dora \(\.json \.npy\)\s+│ wrong\s+│ 0\.376\s+│ no-residual-ffn:/);
    expect(starts[2]).toMatch(/lia\/work\/out\.npy\s+│ correct\s+│ [\d.e-]+\s+│ —\s+│ 0\s+│ 4×8×3/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      "3 passed, 3 failed; students: 2 of 4 passed",
    );
  });

  it("the seed column: each file's seed, or — for one graded on its own inputs", () => {
    const d = doc();
    const caio = d.results.filter((x) => x.file.includes("caio"));
    expect(caio.map((x) => x.seed)).toEqual([0, null]);
    const r = cli(["check", "--seed", "0", "--no-color", `${C}/caio.npz`, `${C}/mel.npy`]);
    expect(r.stdout).toMatch(/caio\.npz\s+│ correct\s+│ [\d.e-]+\s+│ —\s+│ —\s+│ 4×8×3/);
  });

  it("a folder with notebooks beside answers sends the notebooks to the code grader", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-mixed-"));
    mkdirSync(join(dir, "ana"));
    copyFileSync(`${C}/mel.npy`, join(dir, "ana", "out.npy"));
    copyFileSync(`${ROOT}fixtures/submissions/correct-seed.py`, join(dir, "ana", "lista8.py"));
    const r = cli(["check", "--seed", "0", "--json", ...python(), dir]);
    const d = JSON.parse(r.stdout);
    expect(r.code, r.stderr).toBe(0);
    expect(
      d.results.map((x: { file: string; status: string; kind?: string }) => [
        x.file.replace(dir, ""),
        x.status,
        x.kind,
      ]),
    ).toEqual([
      ["/ana/out.npy", "correct", undefined],
      ["/ana/lista8.py", "correct", "script"],
    ]);
  });
});

describe("the class table on a terminal", () => {
  /** check run under `script`, on a terminal of `cols` columns */
  const onTerminal = (args: string[], cols: number) => {
    const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const command = `stty cols ${cols} rows 1000; exec ${q(process.execPath)} ${q(`${ROOT}dist/cli.js`)} ${args.map(q).join(" ")}`;
    const env = { ...process.env, PAGER: "cat", TERM: "xterm-256color", CI: undefined };
    const r = spawnSync("script", ["-qec", command, "/dev/null"], { env, encoding: "utf8" });
    return r.stdout.replace(/\r\n/g, "\n");
  };

  it.each([60, 80, 120])(
    "at %i columns: within the width, one row per student, verdicts aligned",
    (cols) => {
      const dir = mkdtempSync(join(tmpdir(), "tl-rows-"));
      writeFileSync(join(dir, "zeca.json"), JSON.stringify({ x: [[1, 2]] })); // no output
      const daniel = `${A}/batch/daniel.npy`;
      const out = onTerminal(
        ["check", "--seed", "0", "--no-color", `${R}/class`, daniel, dir],
        cols,
      );
      const table = out.split("\n").filter((l) => /^[┌│└]/.test(l));
      for (const l of table) expect(l.length, l).toBeLessThanOrEqual(cols);
      const cells = table
        .filter((l) => l.startsWith("│"))
        .map((l) => l.split("│").map((c) => c.trim()));
      // a row starts where its verdict is: each verdict stands on its student's first line
      const starts = cells.filter((c) => c[2] !== "").slice(1);
      expect(starts.map((c) => c[2])).toEqual([
        "wrong · files differ",
        "wrong",
        "correct",
        "correct",
        "unreadable",
        "ungraded",
      ]);
      const names = [
        `${R}/class/caio (.npy .npz)`,
        `${R}/class/dora (.json .npy)`,
        `${R}/class/lia/work/out.npy`,
        `${R}/class/mel.npy`,
        daniel,
        join(dir, "zeca.json"),
      ];
      for (const [i, c] of starts.entries()) {
        expect(c[1].length).toBeGreaterThan(4);
        expect(names[i].startsWith(c[1]), `${names[i]} / ${c[1]}`).toBe(true);
      }
      // the max difference stands beside its verdict, and nothing else in that column
      expect(starts.map((c) => c[3])).toEqual([
        "2.68",
        "0.376",
        expect.any(String),
        expect.any(String),
        "—",
        "—",
      ]);
      expect(cells.filter((c) => c[2] === "" && c[3] !== "")).toEqual([]);
      // every cell of a row's first line is filled, whatever the row is (— where nothing applies)
      for (const c of starts)
        expect(
          c.slice(1, -1).every((x) => x !== ""),
          c.join("│"),
        ).toBe(true);
    },
  );
});

describe("a student's files share a seed", () => {
  it("the .npz's seed entry grades the .npy beside it; alone, the .npy has none", () => {
    const S = `${R}/sibling`;
    const { code, doc } = checkJson([S]);
    expect(code).toBe(1);
    const [npy, npz] = doc.results as unknown as {
      status: string;
      seed: number;
      seed_note: string;
      diagnosis: { id: string }[];
    }[];
    expect(npy).toMatchObject({ status: "wrong", seed: 7, diagnosis: [{ id: "softmax-all" }] });
    expect(npy.seed_note).toBe(`seed 7 (from the seed entry of ${S}/nina.npz)`);
    expect(npz).toMatchObject({ status: "correct", seed: 7 });
    const alone = checkJson([`${S}/nina.npy`]);
    expect(alone.doc.results[0]).toMatchObject({ status: "ungraded", reason: "no seed" });
  });
});
