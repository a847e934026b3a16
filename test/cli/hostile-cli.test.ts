import { spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cli, ROOT, testEnv } from "../helpers.js";

// Issue 9, through the built binary: the places where transformer-lab did not keep SPEC §5.
const hostile = `${ROOT}fixtures/hostile`;
const dir = mkdtempSync(join(tmpdir(), "tl-hostile-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** One line on stderr, exit 2, nothing on stdout, no control characters: SPEC §5. */
function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^transformer-lab: error: [^\n]*\n$/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be there
  expect(r.stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe("write errors other than EPIPE", () => {
  it.each([
    [["encode"]],
    [["encode", "--json"]],
    [["decode"]],
    [["decode", "--no-cross", "--quiet", "--json", "--seed", "1"]],
    [["attention"]],
    [["attention", "--json"]],
    [["explain"]],
    [["explain", "decoder"]],
    [["check", "--seed", "0", `${ROOT}fixtures/answers/homework/seed0/correct.npy`]],
    [["check", "--seed", "0", "--json", `${ROOT}fixtures/answers/homework/seed0/correct.npy`]],
    [["--help"]],
    [["--version"]],
    [["-V"]],
    [["help"]],
    [["help", "check"]],
    [["encode", "--help"]],
    [["decode", "--help"]],
    [["attention", "--help"]],
    [["check", "--help"]],
    [["explain", "--help"]],
  ])("%j > /dev/full: one line, exit 2", (args) => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      stdio: ["ignore", openSync("/dev/full", "w"), "pipe"],
      encoding: "utf8",
    });
    expectOneLineError({ code: r.status, stdout: "", stderr: r.stderr });
    expect(r.stderr).toMatch(/cannot write the output: no space left on device \(ENOSPC\)/);
  });
});

describe("write errors of the files check writes besides stdout", () => {
  const answer = `${ROOT}fixtures/answers/homework/seed0/correct.npy`;
  const script = `${ROOT}fixtures/submissions/correct-seed.py`;

  it.each([
    [["check", "--seed", "0", "--html", "/dev/full", answer]],
    [["check", "--seed", "0", "--json", "--html", "/dev/full", answer]],
    [["check", "--seed", "1", "--html", "/dev/full", answer]], // a wrong answer: still exit 2
  ])("%j: one line naming the file, exit 2, nothing on stdout", (args) => {
    const r = cli(args);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/cannot write \/dev\/full: no space left on device \(ENOSPC\)/);
  });

  it("check --csv /dev/full: one line naming the file, exit 2, nothing on stdout", () => {
    const r = cli(["check", "--python", testEnv().python, "--csv", "/dev/full", script]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/cannot write \/dev\/full: no space left on device \(ENOSPC\)/);
  });

  it("check --csv into a missing folder: one line naming the file, exit 2", () => {
    const missing = join(dir, "no-such-folder", "grades.csv");
    const r = cli(["check", "--python", testEnv().python, "--csv", missing, script]);
    expectOneLineError(r);
    expect(r.stderr).toContain(`cannot write ${missing}: ENOENT`);
  });
});

describe("files that are not regular files: written to, never replaced", () => {
  // through a link in a temporary folder, so that a regression replaces the link, not /dev/full
  const full = join(dir, "full");
  beforeAll(() => symlinkSync("/dev/full", full));

  it.each([
    [["encode", "-o", full]],
    [["encode", "--json", "-o", full]],
    [["explain", "-o", full]],
    [["check", "--seed", "0", "-o", full, `${ROOT}fixtures/answers/homework/seed0/correct.npy`]],
    [["encode", "--html", full]],
    [["attention", "--svg", full]],
  ])("%j (a link to /dev/full): one line, exit 2, the link kept", (args) => {
    const r = cli(args);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/cannot write .*full: (ENOSPC|no space left on device)/);
    expect(lstatSync(full).isSymbolicLink()).toBe(true);
  });

  it("-o through a link to a file writes that file and keeps the link", () => {
    const target = file("target.json", "");
    const link = join(dir, "link.json");
    symlinkSync(target, link);
    const r = cli(["encode", "--seed", "0", "--quiet", "--json", "-o", link]);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, "utf8")).shape).toEqual([4, 8]);
  });
});

describe("names a file controls are escaped in messages", () => {
  it("a .npz member holding \\n\\e[2J", () => {
    const r = cli(["encode", "--input", `${hostile}/control-member.npz`]);
    expectOneLineError(r);
    expect(r.stderr).toContain('unknown key "\\x0a\\x1b[2J\\x1b[31mx"');
  });

  it("a JSON key holding \\n\\e[2J", () => {
    const r = cli(["encode", "--input", `${hostile}/control-key.json`]);
    expectOneLineError(r);
    expect(r.stderr).toContain('unknown key "\\x0a\\x1b[2J\\x1b[31mx"');
  });

  it("a file path holding an escape", () => {
    const r = cli(["encode", "--input", join(dir, "a\u001b[31mb.json")]);
    expectOneLineError(r);
    expect(r.stderr).toContain("a\\x1b[31mb.json");
  });
});

describe("ambiguous keys are errors naming both", () => {
  it.each([
    ['{"x": [[1, 2]], "input_data": [[3, 4]]}', /"x" and "input_data" both name x/],
    ['{"Input": [[1, 2]], "x": [[3, 4]]}', /"Input" and "x" both name x/],
    ['{"WQ": [[1]], "wq": [[2]]}', /"WQ" and "wq" differ only in case/],
    ['{"layers": [{"w1": [[1]], "W1": [[2]]}]}', /"w1" and "W1" differ only in case/],
  ])("encode --input %s", (text, message) => {
    const r = cli(["encode", "--input", file("ambiguous.json", text)]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(message);
  });

  it("an answer with OUTPUT all zeros and a correct output does not pass", () => {
    const r = cli([
      "check",
      "--seed",
      "0",
      file("answer.json", '{"OUTPUT": [[0]], "output": [[1]]}'),
    ]);
    // in check, a file that cannot be read is a row of the report, exit 1 (SPEC §5)
    expect([r.code, r.stderr]).toEqual([1, ""]);
    expect(r.stdout).toMatch(/unreadable\n.*"OUTPUT" and "output" differ only in case/);
  });

  it("an .npz with input_data.npy and x.npy", () => {
    const r = cli(["encode", "--input", `${hostile}/alias-twice.npz`]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/"input_data" and "x" both name x/);
  });
});

describe("smaller", () => {
  it("--input '' is an error, not random input", () => {
    const r = cli(["encode", "--input", ""]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/--input is empty; give a file, or - for stdin/);
  });

  it("decode --no-cross --src 5 is refused: without cross-attention there is no memory", () => {
    const r = cli(["decode", "--no-cross", "--src", "5"]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/--src 5: decode --no-cross has no memory/);
  });

  it("errors name the flags given, not ones derived from them", () => {
    const r = cli(["explain", "--emb", "1048576"]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/ffn = 4·emb = 4194304 is too large \(at most 1048576\); give --ffn/);
    const tall = JSON.stringify({ x: Array.from({ length: 1_048_577 }, () => [1]) });
    const f = cli(["encode", "--input", file("tall-x.json", tall)]);
    expectOneLineError(f);
    expect(f.stderr).toMatch(/x in .*tall-x\.json has 1048577 rows: more than the 1048576/);
  });

  it("explain allocates nothing, so large dimensions are fine", () => {
    const r = cli(["explain", "--seq", "100000"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/100000/);
  });

  it("overflow to non-finite values is an error naming the step", () => {
    const huge = file("huge.json", '{"x": [[1e300, 1e300, -1e300, 5, 1, 2, 3, 4]]}');
    const r = cli(["encode", "--json", "--rng", "numpy", "--seed", "0", "--input", huge]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/: scores = Q·Kᵀ is not finite \(row 0, column 0 is NaN\)/);
    const quiet = cli(["encode", "--quiet", "--rng", "numpy", "--seed", "0", "--input", huge]);
    expectOneLineError(quiet);
    expect(quiet.stderr).toMatch(/: output is not finite .*run without --quiet/);
    // with no --seed, --quiet says the seed it picked only when the run succeeds
    const picked = cli(["encode", "--quiet", "--json", "--input", huge]);
    expectOneLineError(picked);
    expect(picked.stderr).toMatch(/is not finite/);
  });
});

describe("check batches: every failure is a row", () => {
  it("an unreadable file among good ones is a row; the rest are graded", () => {
    const good = `${ROOT}fixtures/answers/homework/seed0/correct.npy`;
    const r = cli(["check", "--seed", "0", good, `${hostile}/deep.json`, `${hostile}/proto.npz`]);
    expect(r.code, r.stderr).not.toBe(3);
    expect(r.stdout).toMatch(/correct\.npy/);
    expect(r.stdout).toMatch(/deep\.json/);
    expect(r.stdout).toMatch(/proto\.npz/);
  });

  it("stdin is named <stdin> in every place", () => {
    const good = `${ROOT}fixtures/answers/homework/seed0/correct.npy`;
    const r = cli(["check", "--seed", "0", "--json", good, "-"], { input: "[[1, 2]]" });
    const doc = JSON.parse(r.stdout);
    expect(doc.results.map((x: { file: string }) => x.file)).toEqual([good, "<stdin>"]);
    const table = cli(["check", "--seed", "0", good, "-"], { input: "[[1, 2]]" });
    expect(table.stdout).toContain("<stdin>");
    expect(table.stdout).not.toMatch(/^\W*-\s/m); // no row named -
    const alone = cli(["check", "--seed", "0", "-"], { input: "[[1, 2]]" });
    expect(alone.stdout).toMatch(/^<stdin> /);
  });

  it("an answer whose output has the wrong shape is not replayed", () => {
    const x = Array.from({ length: 3000 }, () => Array(8).fill(0.1));
    const r = cli([
      "check",
      "--seed",
      "0",
      file("x.json", JSON.stringify({ x, output: [[0.5, 1.5, 2.5]] })),
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the output is 1×3, not 3000×8: no known mistake changes the shape/);
  });

  it("replaying the mistakes is bounded: a 3000×8 output is graded, not replayed 66 times", () => {
    const rows = Array.from({ length: 3000 }, () => Array(8).fill(0.5));
    // a bare output is graded at the homework's 4×8 unless a dimension says otherwise
    const tall = file("tall.json", JSON.stringify(rows));
    const r = cli(["check", "--seed", "0", "--seq", "3000", tall]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /Known mistakes not tried: \d+ replays of about 146 million multiply-adds/,
    );
  });
});
