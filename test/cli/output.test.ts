import { lstatSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";

const encode = ["encode", "--seed", "0", "--quiet", "--json"];

describe("-o through a dangling symbolic link: the file it names is created, the link kept", () => {
  it("a relative link, resolved from the link's folder (not the working folder)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-dangling-"));
    const link = join(dir, "out.json");
    symlinkSync("made.json", link);
    const r = cli([...encode, "-o", link]);
    expect([r.code, r.stderr, r.stdout]).toEqual([0, "", ""]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("made.json");
    expect(JSON.parse(readFileSync(join(dir, "made.json"), "utf8")).shape).toEqual([4, 8]);
  });

  it("a link to a folder that does not exist: one line naming the link and its target", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-dangling-"));
    const link = join(dir, "dangling");
    symlinkSync("nowhere/x", link);
    const r = cli([...encode, "-o", link]);
    expect(r.stderr).toBe(
      `transformer-lab: error: cannot write ${link} (a link to ${join(dir, "nowhere/x")}): no such file or directory (ENOENT)\n`,
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("a loop of links: one line, the links kept", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-loop-"));
    symlinkSync("b", join(dir, "a"));
    symlinkSync("a", join(dir, "b"));
    const r = cli([...encode, "-o", join(dir, "a")]);
    expect(r.stderr).toBe(
      `transformer-lab: error: cannot write ${join(dir, "a")}: too many symbolic links in a row (ELOOP)\n`,
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(lstatSync(join(dir, "a")).isSymbolicLink()).toBe(true);
  });
});

describe("-o into a folder that does not exist", () => {
  it("names the path given, not the temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-nodir-"));
    const file = join(dir, "nodir", "x.txt");
    const r = cli([...encode, "-o", file]);
    expect(r.stderr).toBe(
      `transformer-lab: error: cannot write ${file}: no such file or directory (ENOENT)\n`,
    );
    expect([r.code, r.stdout]).toEqual([2, ""]);
  });
});
