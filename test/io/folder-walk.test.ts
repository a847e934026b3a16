import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerFiles } from "../../src/io/answer-files.js";
import { splitSubmissions } from "../../src/io/submissions.js";
import { cli, ROOT } from "../helpers.js";

const correct = `${ROOT}fixtures/answers/homework/seed0/correct.npy`;

/** class/ana/out.npy with a link back up (class/ana/up -> ..), and a notebook beside it. */
function loopFolder(notebook = true): string {
  const dir = mkdtempSync(join(tmpdir(), "tl-loop-"));
  mkdirSync(join(dir, "ana"));
  copyFileSync(correct, join(dir, "ana", "out.npy"));
  if (notebook) writeFileSync(join(dir, "ana", "work.ipynb"), "{}");
  symlinkSync("..", join(dir, "ana", "up"));
  return dir;
}

describe("walking a class folder with symbolic links", () => {
  it("walks a folder once although a link loops back up", () => {
    const dir = loopFolder();
    expect(answerFiles([dir])).toEqual([
      {
        path: join(dir, "ana", "out.npy"),
        name: join(dir, "ana", "out.npy"),
        student: join(dir, "ana"),
      },
    ]);
    expect(splitSubmissions([dir])).toEqual({
      code: [{ file: join(dir, "ana", "work.ipynb"), kind: "notebook" }],
      answers: [join(dir, "ana", "out.npy")],
    });
  });

  it("check grades the folder, one row per answer, no internal error", () => {
    const dir = loopFolder(false);
    const r = cli(["check", "--seed", "0", "--json", dir]);
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const files = JSON.parse(r.stdout).results.map((x: { file: string }) => x.file);
    expect(files).toEqual([join(dir, "ana", "out.npy")]);
  });

  it("follows a symlinked student folder, as one student, in name order", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), "tl-elsewhere-"));
    copyFileSync(correct, join(elsewhere, "out.npy"));
    const dir = mkdtempSync(join(tmpdir(), "tl-class-"));
    mkdirSync(join(dir, "carla"));
    copyFileSync(correct, join(dir, "carla", "out.npy"));
    symlinkSync(elsewhere, join(dir, "bruno"));
    copyFileSync(correct, join(dir, "Zoe.npy"));
    expect(answerFiles([dir]).map((a) => [a.path, a.student])).toEqual([
      [join(dir, "Zoe.npy"), join(dir, "Zoe")],
      [join(dir, "bruno", "out.npy"), join(dir, "bruno")],
      [join(dir, "carla", "out.npy"), join(dir, "carla")],
    ]);
    expect(splitSubmissions([dir]).answers).toEqual(answerFiles([dir]).map((a) => a.path));
  });

  it("lists a looping link named as an answer as an unreadable row", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-selfloop-"));
    copyFileSync(correct, join(dir, "ana.npy"));
    symlinkSync("bad.npy", join(dir, "bad.npy"));
    const r = cli(["check", "--seed", "0", "--json", dir]);
    expect([r.code, r.stderr]).toEqual([1, ""]);
    const rows = JSON.parse(r.stdout).results as { file: string; status: string }[];
    expect(rows.map((x) => [x.file, x.status])).toEqual([
      [join(dir, "ana.npy"), "correct"],
      [join(dir, "bad.npy"), "unreadable"],
    ]);
  });
});
