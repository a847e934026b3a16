import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, ROOT } from "../helpers.js";

describe("check FOLDER", () => {
  const folder = `${ROOT}fixtures/answers/homework/seed0`;

  it("grades every answer file in the folder, as if each were named", () => {
    const named = readdirSync(folder)
      .sort()
      .map((f) => join(folder, f));
    const byFolder = cli(["check", "--seed", "0", "--json", folder]);
    const byName = cli(["check", "--seed", "0", "--json", ...named]);
    expect(byFolder.code).toBe(1);
    expect(byFolder.stdout).toBe(byName.stdout);
    expect(JSON.parse(byFolder.stdout)).toMatchObject({ passed: 2, failed: 22, errors: 0 });
  });

  it("looks into subfolders, and skips dotfiles and files that are not answers", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-folder-"));
    mkdirSync(join(dir, "ana"));
    mkdirSync(join(dir, ".ipynb_checkpoints"));
    writeFileSync(join(dir, "ana", "out.json"), JSON.stringify([[1, 2, 3, 4, 5, 6, 7, 8]]));
    writeFileSync(join(dir, ".ipynb_checkpoints", "out.json"), "not json");
    writeFileSync(join(dir, "notes.txt"), "not an answer");
    const r = JSON.parse(cli(["check", "--seed", "0", "--json", dir]).stdout);
    expect(r.results.map((x: { file: string }) => x.file)).toEqual([join(dir, "ana", "out.json")]);
  });

  it("refuses a folder with nothing to grade in it", () => {
    const empty = mkdtempSync(join(tmpdir(), "tl-empty-"));
    const r = cli(["check", empty]);
    expect(r.stderr).toBe(
      `transformer-lab: error: no notebook (.ipynb), script (.py) or answer file in ${empty}\n`,
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
  });
});

describe("check --seeds FILE", () => {
  const answer = `${ROOT}fixtures/answers/homework/seed0/correct.npy`;

  it.each([
    ["99999999999", "seed 99999999999"],
    ["4294967296", "seed 4294967296"],
  ])("refuses a seed above 2³²−1 (%s), naming the file and line", (seed, named) => {
    const dir = mkdtempSync(join(tmpdir(), "tl-seeds-"));
    const seeds = join(dir, "seeds.csv");
    writeFileSync(seeds, `file,seed\ncorrect.npy,${seed}\n`);
    const r = cli(["check", "--seeds", seeds, answer]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^transformer-lab: error: --seeds ${seeds}: line 2: ${named} is above [^\\n]*\\n$`,
      ),
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
  });

  it("takes 2³²−1 itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-seeds-"));
    const seeds = join(dir, "seeds.csv");
    writeFileSync(seeds, "correct.npy,4294967295\n");
    const r = cli(["check", "--json", "--seeds", seeds, answer]);
    // the seed-0 answer is wrong at seed 2³²−1, and the search finds seed 0
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(JSON.parse(r.stdout).results[0].seed_note).toMatch(/^wrong at seed 4294967295 /);
  });
});

describe("check - (stdin)", () => {
  const npy = readFileSync(`${ROOT}fixtures/answers/homework/seed0/correct.npy`);

  it.each([
    ["readable", npy, "correct"],
    ["unreadable", Buffer.from("garbage"), "unreadable"],
  ])("a %s stdin answer is named <stdin>, file and student", (_, input, status) => {
    const r = cli(["check", "--seed", "0", "--json", "-"], { input });
    const doc = JSON.parse(r.stdout);
    expect(doc.results[0]).toMatchObject({ file: "<stdin>", student: "<stdin>", status });
    expect(doc.students).toMatchObject([{ student: "<stdin>", files: ["<stdin>"] }]);
  });

  it("refuses - given twice: stdin can be read once", () => {
    const r = cli(["check", "--seed", "0", "-", "-"], { input: npy });
    expect(r.stderr).toBe(
      `transformer-lab: error: "-" (stdin) is given more than once: stdin can be read once\n`,
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
  });
});
