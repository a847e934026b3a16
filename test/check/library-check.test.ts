import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/index.js";
import { cli, ROOT } from "../helpers.js";

// The library's check() and the CLI's `check --json` take one path (io/check-answers.ts): the
// same rows, statuses and seed search. Every answer here is numpy-made (fixtures/make_*.py).
const A = `${ROOT}fixtures/answers`;

/** The CLI's document for the same files and flags. */
function cliDoc(args: string[]): { code: number | null; doc: Record<string, unknown> } {
  const r = cli(["check", "--json", ...args]);
  return { code: r.code, doc: JSON.parse(r.stdout) };
}

describe("the library's check() is the CLI's check", () => {
  it("no seed: a bare output is searched for, and every row has the CLI's status", async () => {
    const files = [
      `${A}/seeds/late-9876.npy`, // found by the search: np.random.seed(9876)
      `${A}/seeds/miss-plain.npy`, // nothing reproduces it: ungraded
      `${A}/submissions/slip-savetxt.npy`, // a text file named .npy: unreadable
      `${A}/no-such-answer.npy`, // missing: unreadable, a row like the others
    ];
    const report = await check(files);
    expect(report.results.map((r) => r.status)).toEqual([
      "correct",
      "ungraded",
      "unreadable",
      "unreadable",
    ]);
    const found = report.results[0];
    expect("grade" in found && found.grade.seed).toBe(9876);
    expect([report.passed, report.failed, report.unreadable, report.ungraded]).toEqual([
      1, 0, 2, 1,
    ]);
    const { code, doc } = cliDoc(files);
    expect(code).toBe(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(doc);
  });

  it("a seed given: correct and wrong rows, as the CLI grades them", async () => {
    const files = [`${A}/homework/seed0/correct.npy`, `${A}/homework/seed0/no-scale.npy`];
    const report = await check(files, { seed: 0 });
    expect(report.results.map((r) => r.status)).toEqual(["correct", "wrong"]);
    expect(JSON.parse(JSON.stringify(report))).toEqual(cliDoc(["--seed", "0", ...files]).doc);
  });

  it("seeds: a CSV of file,seed, as --seeds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-library-check-"));
    try {
      const seeds = join(dir, "seeds.csv");
      writeFileSync(seeds, "file,seed\ncorrect.npy,0\n");
      const file = `${A}/decoder/seed0/correct.npy`; // a decoder layer after np.random.seed(0)
      const report = await check([file], { against: "decode", seeds });
      expect(report.results.map((r) => r.status)).toEqual(["correct"]);
      const args = ["--against", "decode", "--seeds", seeds, file];
      expect(JSON.parse(JSON.stringify(report))).toEqual(cliDoc(args).doc);
      // without it: ungraded, as the CLI says (the search covers the encoder cell only)
      expect((await check([file], { against: "decode" })).results[0].status).toBe("ungraded");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
