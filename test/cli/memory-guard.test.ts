import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN } from "../helpers.js";

describe("the memory estimate counts every head's trace", () => {
  it("refuses --seq 4000 --heads 64 --dmodel 1 before allocating, in one line", () => {
    const args = ["encode", "--seq", "4000", "--heads", "64", "--dmodel", "1", "--emb", "64"];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/dimensions too large: seq 4000, src 4000, emb 64, heads·dmodel 64/);
  });

  for (const quiet of [[], ["--quiet"]]) {
    it(`refuses --layers 1048576 ${quiet.join(" ")} before building its step table, in one line`, () => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [BIN, "encode", "--layers", "1048576", ...quiet], {
        encoding: "utf8",
      });
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/--layers 1048576 needs about 160\.0 GiB/);
    });
  }
});
