import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, ROOT, testEnv } from "../helpers.js";

// `check` on notebooks and scripts, as a teaching assistant runs it: the built binary.

const SUB = `${ROOT}fixtures/submissions/`;
const python = () => ["--python", testEnv().python];

describe("check on one notebook or script", () => {
  it("the seed notebook filled in: Q1 ✓, Q2 ✓, its Q3 text, exit 0", () => {
    const r = cli(["check", "--no-color", ...python(), `${SUB}correct-seed.ipynb`]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/correct-seed\.ipynb {2}Q1 ✓ {2}Q2 ✓/);
    expect(r.stdout).toContain("reading: projections");
    expect(r.stdout).toContain("│ O decoder teria três subcamadas");
    expect(r.stdout).toContain("(a reading aid for the grader, not a grade)");
    expect(r.stdout).not.toContain("What it printed"); // shown only when it helps explain a failure
  });

  it("the same code as a .py script", () => {
    const r = cli(["check", "--no-color", ...python(), `${SUB}correct-seed.py`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/correct-seed\.py {2}Q1 ✓ {2}Q2 ✓ {2}\(script/);
  });

  it("a mistake: the first wrong step from the code, the likely mistake and its fix, exit 1", () => {
    const r = cli(["check", "--no-color", ...python(), `${SUB}mistake-no-residual-attn.ipynb`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      "first wrong step: the first layer_norm gets attn = z·Wo, expected X + attn: the residual is missing",
    );
    expect(r.stdout).toMatch(
      /likely mistake:\n {4}no-residual-attn: .*\n {6}fix: x = layer_norm\(x \+ matmul\(z, Wo\)\)/,
    );
    expect(r.stdout).toContain("What it printed\n  │ (4, 8)");
  });

  it("without Python: one line saying which and how to get it, exit 2, nothing on stdout", () => {
    const r = cli(["check", "--python", "/nonexistent/python3", `${SUB}correct-seed.ipynb`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^transformer-lab: error: no Python at "\/nonexistent\/python3": install Python 3 with numpy and scipy \(pip install numpy scipy; .*\), or name one with --python PATH\n$/,
    );
  });

  it("refuses a bad --timeout or --jobs", () => {
    expect(cli(["check", "--timeout", "0", "x.ipynb"]).code).toBe(2);
    expect(cli(["check", "--jobs", "two", "x.ipynb"]).stderr).toContain(
      "--jobs takes a positive whole number",
    );
  });
});

describe("check on a class folder", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "turma-"));
    for (const [to, from] of [
      ["ana/lista8.ipynb", "correct-seed.ipynb"],
      ["bruno/lista8.ipynb", "mistake-softmax-all.ipynb"],
      ["carla.py", "correct-weights-reading.ipynb"],
      ["daniel.ipynb", "broken-not-json.ipynb"],
      ["ana/.ipynb_checkpoints/lista8-checkpoint.ipynb", "mistake-no-scale.ipynb"],
    ]) {
      mkdirSync(join(dir, to, ".."), { recursive: true });
      copyFileSync(SUB + from, join(dir, to));
    }
    // carla.py holds a notebook's JSON: not Python, so a row with the reason
  });

  it("a table that fits 100 columns, sorted, checkpoints left out; a gradebook; exit 1", () => {
    const csv = join(dir, "grades.csv");
    const r = cli(["check", "--no-color", "--csv", csv, ...python(), dir]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    for (const l of lines) expect([...l].length, l).toBeLessThanOrEqual(100);
    expect(lines[0]).toMatch(/^in .*turma-\w+\/$/);
    expect(lines[1]).toMatch(/^submission +Q1 +Q2 +diagnosis +Q3$/);
    expect(lines.slice(2, 6).map((l) => l.split(/ {2,}/).slice(0, 3))).toEqual([
      ["ana/lista8.ipynb", "✓", "✓"],
      ["bruno/lista8.ipynb", "✗", "✗"],
      ["carla.py", "—", "—"],
      ["daniel.ipynb", "—", "—"],
    ]);
    expect(lines[3]).toContain("softmax-all");
    expect(lines[5]).toContain("not a notebook: invalid JSON at line 2, column 1");
    expect(r.stdout).toContain("4 submissions: 1 correct, 2 wrong, 1 could not be graded");
    const rows = readFileSync(csv, "utf8").trimEnd().split("\r\n");
    expect(rows[0]).toBe(
      "file,kind,pass,q1,q1_reading,q2,diagnosis,q2_first_wrong,q3_points,q3_found,error,notes",
    );
    expect(rows).toHaveLength(5);
    expect(rows[1]).toMatch(
      /ana\/lista8\.ipynb,notebook,true,true,projections,true,,,5\/5,masked cross third-norm linear-softmax one-at-a-time,,$/,
    );
    expect(rows[2]).toMatch(
      /bruno\/lista8\.ipynb,notebook,false,false,projections,false,softmax-all,/,
    );
  });

  it("--json: one result per submission in SPEC section 4b's shape, beside answer files", () => {
    const r = cli([
      "check",
      "--json",
      "--seed",
      "0",
      ...python(),
      join(dir, "ana"),
      `${ROOT}fixtures/answers/homework/seed0/correct.npy`,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: 1, command: "check", passed: 2, failed: 0 });
    const [answer, code] = doc.results;
    expect(answer).toMatchObject({ pass: true, against: "encode" });
    expect(Object.keys(code)).toEqual(
      expect.arrayContaining(["file", "kind", "pass", "questions", "error", "stdout"]),
    );
    expect(code).toMatchObject({ kind: "notebook", pass: true, error: null, stdout: null });
    const { q1, q2, q3 } = code.questions;
    expect(q1).toMatchObject({ pass: true, reading: "projections", diagnosis: [] });
    expect(q1.cases[0]).toMatchObject({ seq: 4, emb: 8, dmodel: 3, pass: true });
    expect(q1.cases[0].max_abs).toBeLessThan(1e-12);
    expect(q2).toMatchObject({ pass: true, first_wrong: null, notes: [], diagnosis: [] });
    expect(q2.cases).toHaveLength(4);
    expect(q3.text).toMatch(/^O decoder teria/);
    expect(q3.points.map((p: { id: string; found: boolean }) => [p.id, p.found])).toEqual([
      ["masked", true],
      ["cross", true],
      ["third-norm", true],
      ["linear-softmax", true],
      ["one-at-a-time", true],
    ]);
  });
});
