import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

/**
 * Arrows run one way: cli → render → check → model → math. io, rng and harness are at the edge:
 * they turn files, seeds and processes into typed values and only cli (and the library's
 * index.ts) reaches them; they never import render or cli. errors.ts is imported by all and
 * imports nothing.
 */
const RANK: Record<string, number> = { math: 0, model: 1, check: 2, render: 3, cli: 4 };
const EDGE = new Set(["io", "rng", "harness"]);

const SRC = join(ROOT, "src");

/** The part of src/ a file belongs to: its top folder, or the file itself (errors.ts, index.ts). */
function part(file: string): string {
  return relative(SRC, file).split("/")[0].replace(/\.ts$/, "");
}

/** Why an arrow from one part to another runs the wrong way, or undefined if it may exist. */
function wrongWay(from: string, to: string): string | undefined {
  if (from === to || to === "errors") return undefined;
  if (from === "errors") return "errors.ts imports nothing";
  if (from === "index") return to === "cli" ? "the library does not import the CLI" : undefined;
  if (to === "index") return "nothing imports the library's index.ts";
  if (EDGE.has(from)) {
    return to === "render" || to === "cli"
      ? `${from} is at the edge: it never imports ${to}`
      : undefined;
  }
  if (EDGE.has(to)) {
    return from === "cli" ? undefined : `only cli reaches ${to} (at the edge); ${from} never does`;
  }
  if (!(from in RANK) || !(to in RANK)) return `${from} → ${to}: a part the rules do not know`;
  return RANK[to] > RANK[from]
    ? `${to} is above ${from} (cli → render → check → model → math)`
    : undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(path) : e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file, static, type-only or dynamic, resolved to a path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/\bfrom\s+"(\.[^"]+)"/g),
    ...text.matchAll(/\bimport\s*\(\s*"(\.[^"]+)"\s*\)/g),
    ...text.matchAll(/^import\s+"(\.[^"]+)"/gm),
  ].map((m) => m[1]);
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")));
}

function arrows(): { from: string; to: string; file: string; target: string }[] {
  return sourceFiles(SRC).flatMap((file) =>
    importsOf(file).map((target) => ({
      from: part(file),
      to: part(target),
      file: relative(ROOT, file),
      target: relative(ROOT, target),
    })),
  );
}

describe("architecture", () => {
  it("every import runs the right way", () => {
    const wrong = arrows()
      .map((a) => ({ ...a, why: wrongWay(a.from, a.to) }))
      .filter((a) => a.why)
      .map((a) => `${a.file} → ${a.target}: ${a.why}`);
    expect(wrong).toEqual([]);
  });

  it("finds the imports it judges", () => {
    const found = arrows().map((a) => `${a.file} → ${a.target}`);
    expect(found).toContain("src/cli/main.ts → src/errors.ts");
    expect(found).toContain("src/cli/model-command.ts → src/render/pretty.ts"); // a dynamic import
    expect(found).toContain("src/render/pretty.ts → src/model/trace/table.ts");
    expect(found.length).toBeGreaterThan(100);
  });

  it("names the arrows that run the wrong way", () => {
    expect(wrongWay("check", "render")).toMatch(/render is above check/);
    expect(wrongWay("model", "io")).toMatch(/only cli reaches io/);
    expect(wrongWay("math", "model")).toMatch(/model is above math/);
    expect(wrongWay("io", "cli")).toMatch(/edge/);
    expect(wrongWay("render", "check")).toBeUndefined();
    expect(wrongWay("cli", "io")).toBeUndefined();
    expect(wrongWay("io", "model")).toBeUndefined();
  });
});
