import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { parseJson } from "../../src/io/json-text.js";
import { inputLimit } from "../../src/io/limits.js";
import { readNpy } from "../../src/io/npy.js";
import { readNpz } from "../../src/io/npz.js";
import { isTuple, parsePyLiteral } from "../../src/io/py-literal.js";
import { readInput } from "../../src/io/read.js";
import { toRows } from "../../src/math/matrix.js";
import { BIN, cli, fixture, ROOT, testEnv } from "../helpers.js";

// The files are made by fixtures/make_hostile.py (issue 9); the verdicts are numpy's.
const dir = `${ROOT}fixtures/hostile`;
const verdicts = fixture<Record<string, { rows?: number[][]; error?: string }>>(
  "hostile/npy-verdicts.json",
);

/** One line on stderr, exit 2, nothing on stdout, no control characters: SPEC §5. */
function expectOneLineError(r: { code: number | null; stdout: string; stderr: string }): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/^transformer-lab: error: [^\n]*\n$/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what must not be there
  expect(r.stderr.slice(0, -1)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe("crafted .npy headers: read as numpy reads them, or refused as numpy refuses them", () => {
  it.each(Object.keys(verdicts))("%s.npy", (name) => {
    const bytes = readFileSync(`${dir}/${name}.npy`);
    const v = verdicts[name];
    if (name === "shape-0d") {
      // numpy reads a 0-d array; transformer-lab reads it as 1×1 (a saved seed or number)
      expect(toRows(readNpy(bytes, name))).toEqual([[expect.any(Number)]]);
    } else if (v.rows) {
      expect(toRows(readNpy(bytes, name))).toEqual(v.rows);
    } else {
      expect(() => readNpy(bytes, name), `numpy: ${v.error}`).toThrow(UserError);
    }
  });

  it("covers the cases of issue 9", () => {
    for (const name of [
      "shape-negative",
      "shape-long-v1",
      "shape-float",
      "shape-text",
      "descr-constructor",
      "descr-proto",
      "descr-tostring",
      "shape-bit-flip",
      "descr-hidden",
      "shape-twice",
      "shape-double-comma",
    ]) {
      expect(Object.keys(verdicts)).toContain(name);
    }
  });

  it.each([
    ["shape-negative", /shape is not a tuple of non-negative integers: .*\(-1, 8\)/],
    [
      "shape-bit-flip",
      /the header is not a Python literal \(expected ',' or '\)' at character 53\)/,
    ],
    ["shape-double-comma", /not a Python literal \(unexpected "," at character 54\)/],
    ["descr-hidden", /dtype '\|O' is not supported/],
    ["descr-proto", /dtype '__proto__' is not supported/],
    ["shape-huge", /holds 9007199254740992\.0 GiB, more than the input limit of/],
    ["header-4gib", /the header is 4294967280 bytes long; numpy reads at most 10000/],
    ["shape-nested", /nested deeper than 16/],
  ])("%s says what is wrong, in one line, exit 2", (name, message) => {
    const r = cli(["encode", "--input", `${dir}/${name}.npy`]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(message);
  });

  it("a .npy with bytes after its data is refused (numpy would ignore them)", () => {
    const good = readFileSync(`${dir}/ok-double-quotes.npy`);
    expect(() => readNpy(Buffer.concat([good, Buffer.from([0])]), "f.npy")).toThrow(
      /1 bytes follow the data of shape \(2, 2\) of <f8/,
    );
  });
});

describe("Python literals, as the .npy header holds them", () => {
  it("reads dicts, tuples, strings, integers and booleans; the last of a repeated key wins", () => {
    const d = parsePyLiteral("{'a': (1, -2,), \"b\": True, 'a': (3,), 'c': ()}") as Map<
      string,
      unknown
    >;
    expect(d.get("a")).toEqual({ tuple: [3n] });
    expect(d.get("b")).toBe(true);
    expect(d.get("c")).toEqual({ tuple: [] });
    const paren = parsePyLiteral("(7)");
    expect(paren).toBe(7n);
    expect(isTuple(parsePyLiteral("(7,)"))).toBe(true);
  });

  it.each([
    ["(4,,8)", /unexpected ","/],
    ["(4 8)", /expected ','/],
    ["(4, 8L)", /expected ','/],
    ["{'a': 1", /never closed|unexpected end/],
    ["'abc", /unterminated string/],
    ["(01,)", /leading zero/],
    ["__import__('os')", /unknown name "__import__"/],
    ["{(1,): 2}", /a dict key must be a string or number/],
  ])("refuses %s", (text, message) => {
    expect(() => parsePyLiteral(text)).toThrow(message);
  });

  it("reads Python 2's long suffix only when asked (numpy: version 1.0 and 2.0 headers)", () => {
    expect(parsePyLiteral("(4L, 8L)", true)).toEqual({ tuple: [4n, 8n] });
  });
});

describe("crafted .npz archives", () => {
  it.each([
    ["proto", /the member "__proto__\.npy" is not a name it may hold/],
    ["twice", /holds two members named "x\.npy"/],
    ["case-twice", /the members "X\.npy" and "x\.npy" name the same matrix; keep one/],
    ["longer-than-header", /the zip says it inflates to 1384 bytes, its header .* implies 384/],
    ["inflates-past-declared", /it inflates to more than the 384 bytes its header implies/],
    ["bad-crc", /its CRC-32 does not match/],
    ["stored-sizes-disagree", /a stored member whose sizes disagree/],
    ["member-bad-header", /:x: not a readable \.npy file: shape is not a tuple of non-negative/],
    ["member-not-npy", /:x: not a readable \.npy member \(it does not start with \\x93NUMPY\)/],
  ])("%s.npz is refused", async (name, message) => {
    const bytes = readFileSync(`${dir}/${name}.npz`);
    await expect(readNpz(bytes, `${name}.npz`)).rejects.toThrow(UserError);
    await expect(readNpz(bytes, `${name}.npz`)).rejects.toThrow(message);
    expectOneLineError(cli(["encode", "--input", `${dir}/${name}.npz`]));
  });

  it("a hand-made archive that numpy reads is read the same (the contrast case)", async () => {
    const m = await readNpz(readFileSync(`${dir}/ok-raw.npz`), "ok-raw.npz");
    expect(Object.getPrototypeOf(m)).toBe(null);
    expect(toRows(m.x)[0].slice(0, 3)).toEqual([-3, -2.75, -2.5]);
  });
});

describe("crafted JSON", () => {
  const read = (name: string) => parseJson(readFileSync(`${dir}/${name}.json`, "utf8"), name);

  it.each([
    ["deep", /line 1, column 33: lists and objects nested more than 32 deep/],
    ["deep-objects", /lists and objects nested more than 32 deep/],
    ["key-twice", /at line 1, column 17: the key "x" is given twice in one object; keep one/],
    ["key-case", /the keys "X" and "x" differ only in case, and keys are read in any case/],
    ["proto", /at line 1, column 2: the key "__proto__" is not allowed/],
  ])("%s.json is refused", (name, message) => {
    expect(() => read(name)).toThrow(UserError);
    expect(() => read(name)).toThrow(message);
    expectOneLineError(cli(["encode", "--input", `${dir}/${name}.json`]));
  });

  it("3,000 nested lists are refused in a check batch too, as a row (not exit 3)", () => {
    const r = cli(["check", `${dir}/deep.json`]);
    expect(r.code, r.stderr).not.toBe(3);
    expect(r.stderr).not.toMatch(/internal error|RangeError/);
  });

  it("a 500-digit number is read where it is (it is infinite as a float64)", () => {
    const doc = read("digits-500") as { x: number[][] };
    expect(doc.x[0]).toEqual([1, Number.POSITIVE_INFINITY, Number.NaN]);
    const r = cli(["encode", "--input", `${dir}/digits-500.json`]);
    expectOneLineError(r);
    expect(r.stderr).toMatch(/row 0, column 1 is Infinity, expected a finite number/);
  });

  it("objects have no prototype; Python's NaN and Infinity are read", () => {
    const doc = parseJson('{"a": [NaN, -Infinity, 1e400]}', "f") as Record<string, unknown>;
    expect(Object.getPrototypeOf(doc)).toBe(null);
    expect(doc.a).toEqual([Number.NaN, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
  });

  it.each([
    ['{"a": 1,}', /line 1, column 9: expected a quoted key/],
    ["[1, 2", /unexpected end of input/],
    ["[01]", /expected ',' or ']'/],
    ["[1.]", /a digit must follow the decimal point/],
    ['["a\tb"]', /a control character inside a string/],
    ['{"a":\n  [1 2]}', /line 2, column 6: expected ',' or ']' in a list/],
  ])("%j is refused with its place", (text, message) => {
    expect(() => parseJson(text, "f")).toThrow(message);
  });
});

describe("reading is bounded", () => {
  it("--input /dev/zero, /dev/urandom and - < /dev/zero are refused at once, in one line", () => {
    for (const path of ["/dev/zero", "/dev/urandom"]) {
      const r = cli(["encode", "--input", path]);
      expectOneLineError(r);
      expect(r.stderr).toMatch(/not a JSON document or a numpy file: byte \d+ is 0x[0-9a-f]{2}/);
    }
    const r = spawnSync(process.execPath, [BIN, "encode", "--input", "-"], {
      stdio: [openSync("/dev/zero", "r"), "pipe", "pipe"],
      encoding: "utf8",
      timeout: 10_000,
    });
    expectOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr });
    expect(r.stderr).toMatch(/<stdin>: not a JSON document or a numpy file: byte 0 is 0x00/);
  });

  it("a .npy header followed by endless zeros is read no further than the header says", () => {
    const good = readFileSync(`${dir}/ok-double-quotes.npy`);
    const header = good.subarray(0, good.length - 32); // 2×2 float64
    const r = spawnSync(
      "sh",
      ["-c", `cat - /dev/zero | "${process.execPath}" "${BIN}" encode --input -`],
      {
        input: header,
        encoding: "utf8",
        timeout: 10_000,
      },
    );
    expectOneLineError({ code: r.status, stdout: r.stdout, stderr: r.stderr });
    expect(r.stderr).toMatch(/more bytes follow the 160 its header implies/);
  });

  it("JSON beyond the input limit is refused", async () => {
    const d = mkdtempSync(join(tmpdir(), "tl-limit-"));
    try {
      writeFileSync(`${d}/big.json`, `[${"0, ".repeat(100_000)}0]`);
      await expect(readInput(`${d}/big.json`, 100_000)).rejects.toThrow(
        /big\.json holds more than the input limit of 98 KiB \(README: Limits\)/,
      );
      await expect(readInput(`${d}/big.json`, 1_000_000)).resolves.toBeDefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("the input limit is 1/16 of the smaller of half the memory and V8's heap", () => {
    const v8 = process.getBuiltinModule("node:v8").getHeapStatistics().heap_size_limit;
    const half = process.getBuiltinModule("node:os").totalmem() / 2;
    expect(inputLimit()).toBe(Math.floor(Math.min(half / 16, v8 / 16)));
  });

  it("an empty path is an error, not stdin or random input", async () => {
    await expect(readInput("")).rejects.toThrow(/--input is empty/);
  });
});

/** Runs the built binary and reports its exit code, stderr, wall time and peak RSS in MB. */
function measured(
  args: string[],
  stdin: "ignore" | number = "ignore",
): Promise<{ code: number | null; stderr: string; seconds: number; peakMB: number }> {
  const d = mkdtempSync(join(tmpdir(), "tl-rss-"));
  const hook = `${d}/rss.mjs`;
  writeFileSync(
    hook,
    `import { writeFileSync } from "node:fs";\nprocess.on("exit", () => writeFileSync(${JSON.stringify(`${d}/rss`)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const start = performance.now();
  const child = spawn(process.execPath, ["--import", hook, BIN, ...args], {
    stdio: [stdin, "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (c) => {
    stderr += c;
  });
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const seconds = (performance.now() - start) / 1000;
      const peakMB = Number(readFileSync(`${d}/rss`, "utf8")) / 1024;
      rmSync(d, { recursive: true, force: true });
      resolve({ code, stderr, seconds, peakMB });
    });
  });
}

describe("peak memory on hostile input (issue 9's bounds)", () => {
  let big: string;
  beforeAll(() => {
    big = mkdtempSync(join(tmpdir(), "tl-big-"));
    const r = spawnSync(testEnv().python, [`${ROOT}fixtures/make_hostile.py`, "--big", big], {
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => rmSync(big, { recursive: true, force: true }));

  it("a 1 MB .npz whose header and zip entry say 8 GiB is refused under 200 MB", async () => {
    expect(readFileSync(`${big}/bomb-8gib.npz`).length).toBeLessThan(1.1e6);
    const r = await measured(["encode", "--input", `${big}/bomb-8gib.npz`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(
      /shape \(32768, 32768\) of <f8 holds 8\.0 GiB, more than the input limit/,
    );
    expect(r.peakMB).toBeLessThan(200);
  });

  it("a 1 MB .npz whose header says 4×8 but whose stream inflates to 1 GiB is refused under 200 MB", async () => {
    const r = await measured(["encode", "--input", `${big}/bomb-lying.npz`]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/it inflates to more than the 384 bytes its header implies/);
    expect(r.peakMB).toBeLessThan(200);
  });

  it("--input /dev/zero and - < /dev/zero are refused under 200 MB in under 2 s", async () => {
    for (const r of [
      await measured(["encode", "--input", "/dev/zero"]),
      await measured(["encode", "--input", "-"], openSync("/dev/zero", "r")),
    ]) {
      expect(r.code, r.stderr).toBe(2);
      expect(r.peakMB).toBeLessThan(200);
      expect(r.seconds).toBeLessThan(2);
    }
  });
});
