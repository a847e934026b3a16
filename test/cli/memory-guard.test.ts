import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bytesHeld, type ModelConfig } from "../../src/model/dims.js";
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

  const PROBE = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))`;
  const peakKiB = (args: string[]): number => {
    const r = spawnSync(
      process.execPath,
      ["--import", PROBE, BIN, ...args, "--json", "--seed", "1"],
      {
        encoding: "utf8",
        maxBuffer: 1 << 30,
      },
    );
    expect(r.status).toBe(0);
    return Number(/maxrss (\d+)/.exec(r.stderr)?.[1]);
  };
  const base = peakKiB(["encode"]);
  const config = (over: Partial<ModelConfig>): ModelConfig => ({
    computation: "encode",
    seq: 4,
    emb: 8,
    dmodel: 3,
    heads: 1,
    layers: 1,
    ffn: 32,
    src: 4,
    cross: false,
    causal: false,
    ...over,
  });
  it.each([
    [
      ["encode", "--seq", "512", "--emb", "64", "--heads", "4"],
      config({ seq: 512, src: 512, emb: 64, ffn: 256, heads: 4 }),
      true,
    ],
    [
      ["encode", "--seq", "512", "--emb", "64", "--heads", "4", "--quiet"],
      config({ seq: 512, src: 512, emb: 64, ffn: 256, heads: 4 }),
      false,
    ],
    [["decode", "--layers", "3"], config({ computation: "decode", layers: 3, cross: true }), true],
  ] as const)("%j peaks below the estimate plus Node's baseline", (args, c, keep) => {
    expect(peakKiB([...args]) * 1024).toBeLessThan(bytesHeld(c, keep) + base * 1024);
  });
});
