import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
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
