import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWorkFits } from "../../src/cli/memory-guard.js";
import {
  bytesHeld,
  MAX_WORK,
  type ModelConfig,
  WORK_PER_SECOND,
  workOf,
} from "../../src/model/dims.js";
import { BIN } from "../helpers.js";

/** A .npy of rows × cols float64 zeros (the header numpy writes, version 1.0). */
function zerosNpy(path: string, rows: number, cols: number): void {
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  const pad = 64 - ((10 + dict.length + 1) % 64);
  const header = `${dict}${" ".repeat(pad % 64)}\n`;
  const head = Buffer.alloc(10);
  head.write("\x93NUMPY", 0, "latin1");
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(
    path,
    Buffer.concat([head, Buffer.from(header, "latin1"), Buffer.alloc(rows * cols * 8)]),
  );
}

describe("a file too big for memory is named, with its shape, not flags never given", () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-memory-guard-"));
  const big = join(dir, "big.npy");
  beforeAll(() => zerosNpy(big, 300_000, 8)); // under the 1,048,576-row cap
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (args: string[], input?: Buffer) =>
    spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", input });

  it("--input of 300,000 rows of 8: the memory rule names the file and its shape", () => {
    const r = run(["encode", "--input", big]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(
      new RegExp(
        `^transformer-lab: error: dimensions too large for ${big.replaceAll("/", "\\/")} \\(x 300000×8\\): seq 300000, emb 8, heads·dmodel 3, ffn 32, layers 1 need about [\\d.]+ GiB, more than the [\\d.]+ GiB allowed \\(half this machine's memory\\)\n$`,
      ),
    );
    expect(r.stderr).not.toMatch(/--seq|src/);
  });

  it("--quiet: the work limit names the file and its shape; piped, it is <stdin>", () => {
    const r = run(["encode", "--input", big, "--quiet"]);
    expect([r.status, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toContain(`error: encode of ${big} (x 300000×8) with seq 300000, emb 8,`);
    const piped = run(["encode", "--input", "-"], readFileSync(big));
    expect(piped.status).toBe(2);
    expect(piped.stderr).toContain("dimensions too large for <stdin> (x 300000×8): seq 300000");
  });
});

describe("the memory estimate counts every head's trace", () => {
  it("refuses --seq 4000 --heads 64 --dmodel 1 before allocating, in one line", () => {
    const args = ["encode", "--seq", "4000", "--heads", "64", "--dmodel", "1", "--emb", "64"];
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    // an encoder has no src: only the dimensions that size the run are named
    expect(r.stderr).toMatch(/dimensions too large: seq 4000, emb 64, heads·dmodel 64, ffn 256/);
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

describe("the work estimate: a run beyond about a minute of CPU is refused unless asked", () => {
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

  it("refuses encode --seq 300000 --quiet before drawing, in one line naming --allow-long", () => {
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BIN, "encode", "--seq", "300000", "--quiet"], {
      encoding: "utf8",
    });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /encode with seq 300000, emb 8, heads·dmodel 3, ffn 32, layers 1 is about 2\.3 trillion multiply-adds \(some 13 minutes of CPU\); a run does at most 200 billion \(about a minute\) unless given --allow-long/,
    );
  });

  it("--allow-long lets it through", () => {
    const huge = config({ seq: 300_000, src: 300_000 });
    expect(() => assertWorkFits(huge, false)).toThrow(/--allow-long/);
    expect(() => assertWorkFits(huge, true)).not.toThrow();
  });

  it.each([
    ["BERT-base", config({ seq: 128, src: 128, emb: 768, dmodel: 64, heads: 12, ffn: 3072 })],
    [
      "BERT-base, 12 layers",
      config({ seq: 128, src: 128, emb: 768, dmodel: 64, heads: 12, ffn: 3072, layers: 12 }),
    ],
    [
      "seq 2048, emb 256, 4×64 (the bench)",
      config({ seq: 2048, src: 2048, emb: 256, dmodel: 64, heads: 4, ffn: 1024 }),
    ],
    ["the homework's layer, 8000 times", config({ layers: 8000 })],
    [
      "attention at seq 16384, dmodel 64",
      config({ computation: "attention", seq: 16384, src: 16384, dmodel: 64 }),
    ],
  ])("%s is within the limit", (_, c) => {
    expect(workOf(c)).toBeLessThan(MAX_WORK);
    expect(() => assertWorkFits(c, false)).not.toThrow();
  });

  // CPU time (user + system, both threads) of the built binary against the estimate's seconds
  const PROBE = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("cpu "+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;
  const cpuSeconds = (args: string[]): number => {
    const r = spawnSync(
      process.execPath,
      ["--import", PROBE, BIN, ...args, "--quiet", "--seed", "1"],
      {
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    return Number(/cpu (\d+)/.exec(r.stderr)?.[1]) / 1e6;
  };
  let base = 0;
  beforeAll(() => {
    base = cpuSeconds(["encode"]);
  });
  it.each([
    [["encode", "--layers", "800"], config({ layers: 800 })],
    [
      ["attention", "--seq", "4000", "--dmodel", "64"],
      config({ computation: "attention", seq: 4000, src: 4000, dmodel: 64 }),
    ],
    [
      ["encode", "--seq", "512", "--emb", "256", "--dmodel", "64", "--heads", "4"],
      config({ seq: 512, src: 512, emb: 256, dmodel: 64, heads: 4, ffn: 1024 }),
    ],
  ] as const)("%j takes the CPU time the estimate says, within a factor of 4", (args, c) => {
    const measured = cpuSeconds([...args]) - base;
    const estimate = workOf(c) / WORK_PER_SECOND;
    console.log(
      `${args.join(" ")}: ${measured.toFixed(2)} s of CPU, estimated ${estimate.toFixed(2)} s`,
    );
    expect(measured).toBeGreaterThan(estimate / 4);
    expect(measured).toBeLessThan(estimate * 4);
  });
});
