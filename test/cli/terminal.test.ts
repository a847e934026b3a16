import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { heatColor } from "../../src/render/format.js";
import { BIN, cli, ROOT } from "../helpers.js";

// The terminal is a real pseudo-terminal: util-linux's `script` runs the command on one whose
// size `stty` sets, so process.stdout.columns and isTTY are what a user's terminal gives.

const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, "g");
const plain = (s: string) => s.replace(ANSI, "");
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** Runs the CLI on a terminal of `cols` columns; `redirect` is shell text after the command. */
function tty(
  args: string[],
  {
    cols = 80,
    env = {},
    redirect = "",
  }: { cols?: number; env?: Record<string, string>; redirect?: string } = {},
): { code: number | null; out: string } {
  const command = `stty cols ${cols} rows 1000; exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(" ")} ${redirect}`;
  const base: Record<string, string | undefined> = {
    ...process.env,
    CI: undefined, // supports-color turns colour off on any terminal when CI is set
    PAGER: "cat",
    TERM: "xterm-256color",
    ...env,
  };
  for (const k of ["NO_COLOR", "FORCE_COLOR"]) if (!env[k]) delete base[k];
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    env: base,
    encoding: "utf8",
    input: "",
  });
  return { code: r.status, out: r.stdout.replace(/\r\n/g, "\n") };
}

const tmp = () => mkdtempSync(join(tmpdir(), "tl-terminal-"));
const X12 = ["encode", "--rng", "numpy", "--seed", "0", "--seq", "4", "--emb", "12", "--ffn", "20"];

/** The numbers of row `i` of the first matrix after `title`, across its column blocks. */
function rowNumbers(text: string, title: string, i: number): string[] {
  const section = text.slice(text.indexOf(title)).split("\n\n").slice(0, 8);
  const numbers: string[] = [];
  for (const part of section) {
    if (!part.includes("columns") && !part.includes("column ") && numbers.length) break;
    const row = part.split("\n").find((l) => new RegExp(`^ {2}${i} {2}`).test(plain(l)));
    if (row)
      numbers.push(
        ...plain(row)
          .trim()
          .split(/\s+/)
          .slice(1)
          .filter((t) => t !== "…"),
      );
  }
  return numbers;
}

describe("matrices fitted to the terminal's width", () => {
  const piped = cli([...X12, "--no-color"]).stdout;

  it.each([60, 80, 120])("at %i columns no matrix line is wider, and no number is lost", (cols) => {
    const { code, out } = tty([...X12, "--no-color"], { cols });
    expect(code).toBe(0);
    const matrixLines = out
      .split("\n")
      .filter((l) => /^\s+\d+\s+-?\d/.test(l) || /^\s+\d+(\s+\d+)+$/.test(l));
    expect(matrixLines.length).toBeGreaterThan(20);
    for (const l of matrixLines) expect(l.length, l).toBeLessThanOrEqual(cols);
    // the 4×12 input, X, shows the same numbers in the same order as the piped report
    for (const i of [0, 3]) {
      expect(rowNumbers(out, "X  (input", i)).toEqual(rowNumbers(piped, "X  (input", i));
    }
    expect(rowNumbers(out, "X  (input", 0)).toHaveLength(6);
  });

  it("wraps wide matrices into labelled column blocks only when they do not fit", () => {
    const narrow = tty([...X12, "--no-color"], { cols: 60 }).out;
    expect(narrow).toContain("columns 0–2, …, 9–10 of 12");
    expect(narrow).toContain("column 11 of 12");
    expect(tty([...X12, "--no-color"], { cols: 120 }).out).not.toMatch(/columns? \d/);
  });

  it("leaves piped output as it was: no blocks, whatever COLUMNS says", () => {
    expect(piped).not.toMatch(/columns? \d/);
    expect(cli([...X12, "--no-color"], { env: { COLUMNS: "40" } }).stdout).toBe(piped);
  });

  it.each([60, 80, 120])("sizes check's table to %i columns", (cols) => {
    const batch = ["ana.npy", "bruno.npy", "carla.json"].map(
      (f) => `${ROOT}fixtures/answers/batch/${f}`,
    );
    const { out } = tty(["check", "--seed", "0", "--no-color", ...batch], { cols });
    const table = out.split("\n").filter((l) => /^[┌│└]/.test(l));
    expect(table.length).toBeGreaterThan(4);
    for (const l of table) expect(l.length, l).toBeLessThanOrEqual(cols);
    expect(out).toMatch(/│ wrong\s+│ 2\.68\s+│/);
    // at 60 columns the diagnosis column is narrow enough to cut a long id; from 80 it is whole
    if (cols >= 80) expect(out.replace(/[│\s]+/g, " ")).toMatch(/softmax-all/);
  });
});

describe("the heat map", () => {
  // WCAG relative luminance and contrast ratio
  const luminance = (rgb: number[]) => {
    const [r, g, b] = rgb.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

  it("reads on white and on black: heavier weights stand out more on white, all ≥ 3:1 on black", () => {
    const levels = Array.from({ length: 21 }, (_, i) => i / 20);
    const onWhite = levels.map((l) => contrast(luminance(heatColor(l)), 1));
    for (let i = 1; i < onWhite.length; i++) expect(onWhite[i]).toBeGreaterThan(onWhite[i - 1]);
    expect(onWhite[20]).toBeGreaterThan(4.5);
    for (const l of levels) expect(contrast(luminance(heatColor(l)), 0)).toBeGreaterThanOrEqual(3);
  });

  it("draws causal weights of seq ≤ 32 whole, so the triangle shows, though the numbers are summarised", () => {
    const text = cli(["attention", "--causal", "--seq", "20", "--seed", "3", "--no-color"]).stdout;
    expect(text).toContain("all 20×20 weights");
    const rows = text
      .slice(text.indexOf("all 20×20 weights"))
      .split("\n")
      .slice(1, 21)
      .map((l) => l.trim().replace(/^\d+\s+/, ""));
    expect(rows).toHaveLength(20);
    for (const [i, row] of rows.entries()) {
      const cells = row.match(/../g) ?? [];
      expect(cells).toHaveLength(20);
      for (const [j, c] of cells.entries()) expect(c === "··", `row ${i} column ${j}`).toBe(j > i);
    }
    expect(cli(["attention", "--seq", "40", "--seed", "3", "--no-color"]).stdout).not.toContain(
      "weights\n",
    );
  });
});

describe("progress on stderr", () => {
  const long = ["encode", "--seq", "8", "--heads", "2", "--layers", "2", "--quiet", "--seed", "1"];
  const now = { TRANSFORMER_LAB_PROGRESS_DELAY: "0" }; // the tests' stand-in for a long run

  it("is shown when stderr is a terminal: layer, head, step", () => {
    const dir = tmp();
    const { code, out } = tty([...long, "--no-color"], { env: now, redirect: `>${dir}/out` });
    expect(code).toBe(0);
    expect(out).toContain("layer 2 of 2 · self-attention head 2 of 2");
    expect(out).toContain("layer 1 of 2 · feed-forward");
    expect(readFileSync(`${dir}/out`, "utf8")).toContain("output");
  });

  it("is never written to a pipe, nor with --json, nor for a short run", () => {
    const dir = tmp();
    tty(long, { env: now, redirect: `2>${dir}/err` });
    expect(readFileSync(`${dir}/err`, "utf8")).toBe("");
    expect(tty([...long, "--json"], { env: now, redirect: `>${dir}/out` }).out).toBe("");
    expect(tty(long, { redirect: `>${dir}/out` }).out).toBe("");
  });
});

describe("the pager", () => {
  const pager = { PAGER: "sed 's/^/paged: /'" };

  it("takes a pretty report on a terminal", () => {
    const { code, out } = tty(["encode", "--seed", "1", "--no-color"], { env: pager });
    expect(code).toBe(0);
    expect(
      out
        .split("\n")
        .filter(Boolean)
        .every((l) => l.startsWith("paged: ")),
    ).toBe(true);
  });

  it("is off with --no-pager, for JSON, and when piped", () => {
    expect(tty(["encode", "--no-pager", "--no-color"], { env: pager }).out).not.toContain("paged:");
    expect(tty(["encode", "--json"], { env: pager }).out).not.toContain("paged:");
    expect(cli(["encode"], { env: pager }).stdout).not.toContain("paged:");
  });
});

describe("-o, --output FILE", () => {
  it.each([
    ["encode"],
    ["decode", "--json"],
    ["attention"],
    ["explain"],
    ["check", "--seed", "0", `${ROOT}fixtures/answers/batch/ana.npy`],
  ])("%s writes what stdout would have shown, and nothing to stdout", (...args) => {
    const full = [
      ...args,
      ...(args[0] === "check" || args[0] === "explain" ? [] : ["--seed", "2"]),
    ];
    const file = join(tmp(), "out.txt");
    const r = cli([...full, "-o", file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(readFileSync(file, "utf8")).toBe(cli(full).stdout);
  });

  it("writes no colour and no pager output even from a terminal, and UTF-8", () => {
    const file = join(tmp(), "report.txt");
    tty(["attention", "--seed", "2", "-o", file], { env: { PAGER: "sed 's/^/paged: /'" } });
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 3).toString("latin1")).not.toBe("\xef\xbb\xbf");
    expect(bytes.toString("utf8")).toBe(cli(["attention", "--seed", "2"]).stdout);
  });

  it("writes nothing when the run fails, and says when the file cannot be written", () => {
    const dir = tmp();
    const bad = cli(["encode", "--seq", "0", "-o", `${dir}/a.txt`]);
    expect(bad.code).toBe(2);
    expect(existsSync(`${dir}/a.txt`)).toBe(false);
    const r = cli(["encode", "-o", `${dir}/no/such/dir.txt`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^transformer-lab: error: cannot write .*dir\.txt: /);
    expect(r.stdout).toBe("");
  });
});

describe("--color always|never|auto", () => {
  const has = (s: string) => s.includes(`${ESC}[`);
  it("auto: colour on a terminal, none in a pipe; NO_COLOR and FORCE_COLOR as before", () => {
    expect(has(tty(["attention"]).out)).toBe(true);
    expect(has(cli(["attention"]).stdout)).toBe(false);
    expect(has(tty(["attention"], { env: { NO_COLOR: "1" } }).out)).toBe(false);
    expect(has(cli(["attention"], { env: { FORCE_COLOR: "1" } }).stdout)).toBe(true);
  });

  it("always and never win over the terminal and the variables", () => {
    expect(has(cli(["attention", "--color", "always"], { env: { NO_COLOR: "1" } }).stdout)).toBe(
      true,
    );
    expect(has(tty(["attention", "--color", "never"]).out)).toBe(false);
    expect(
      has(tty(["check", "--no-color", "--seed", "0", `${ROOT}fixtures/answers/batch/ana.npy`]).out),
    ).toBe(false);
    expect(cli(["attention", "--color", "sometimes"]).stderr).toMatch(
      /^transformer-lab: error: .*--color/,
    );
  });
});

describe("help and version", () => {
  it("-v and -V both print the version", () => {
    const version = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version;
    for (const flag of ["-v", "-V", "--version"]) expect(cli([flag]).stdout).toBe(`${version}\n`);
  });

  it("help nonexist is one error line", () => {
    const r = cli(["help", "nonexist"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "transformer-lab: error: help: unknown command 'nonexist' (commands: encode, decode, attention, check, explain)\n",
    );
    expect(cli(["help", "encode"]).stdout).toContain("Usage: transformer-lab encode");
  });

  it.each([[], ["encode"], ["decode"], ["attention"], ["check"], ["explain"]])(
    "%s --help: each default said once, lines under 80 columns, prose wrapped by the width",
    (...cmd) => {
      const text = cli([...cmd, "--help"]).stdout;
      expect(text).not.toMatch(/\(default: [^)]*\).*\(default:/);
      expect(text).not.toMatch(/default: [^)]*,\s*default:/);
      for (const l of text.split("\n")) expect([...l].length, l).toBeLessThanOrEqual(80);
      // on a wide terminal the description is one paragraph: no line break of ours in it
      const wide = tty([...cmd, "--help"], { cols: 200 }).out.split("\n");
      expect(wide[2].length).toBeGreaterThan(80);
    },
  );
});

describe("--input in UTF-16 or with a byte-order mark", () => {
  const dir = tmp();
  const json = JSON.stringify({
    q: [
      [1, 0.5],
      [0, 2],
    ],
    k: [
      [1, 0],
      [0, 1],
    ],
    v: [
      [3, 1],
      [2, 2],
    ],
  });
  const utf16be = (s: string) => Buffer.from(s, "utf16le").swap16();
  const files: [string, Buffer][] = [
    ["utf8.json", Buffer.from(json)],
    ["bom.json", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])],
    ["utf16le-bom.json", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, "utf16le")])],
    ["utf16be-bom.json", Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(json)])],
    ["utf16le.json", Buffer.from(json, "utf16le")],
  ];
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
  const expected = cli(["attention", "--input", join(dir, "utf8.json"), "--json"]).stdout;

  it.each(files.map(([n]) => n))("%s reads as the UTF-8 file does", (name) => {
    const r = cli(["attention", "--input", join(dir, name), "--json"]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout).output).toEqual(JSON.parse(expected).output);
  });

  it("a broken UTF-16 file is refused in one line", () => {
    writeFileSync(join(dir, "broken.json"), Buffer.from([0xff, 0xfe, 0x00, 0xd8]));
    const r = cli(["attention", "--input", join(dir, "broken.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^transformer-lab: error: .*broken\.json is not valid UTF-16LE text.*UTF-8\n$/,
    );
  });
});

describe("check on a folder of answers", () => {
  it("grades every .json, .npy and .npz inside it, sorted by path", () => {
    const r = cli(["check", "--seed", "0", "--no-color", `${ROOT}fixtures/answers/batch/`]);
    const files = [...r.stdout.matchAll(/batch\/(\w+\.\w+)/g)].map((m) => m[1]);
    expect(files).toEqual(["ana.npy", "bruno.npy", "carla.json", "daniel.npy"]);
    expect(r.stdout).toContain("1 passed, 2 failed, 1 could not be read");
  });
});
