import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "./fuzz-cli-harness.js";
import { isOneCleanLine, mutate, mutateStructured, rng } from "./fuzz-mutator.js";
import { BIN, type CliResult, ROOT } from "./helpers.js";

/**
 * Issue 9's fuzz test, through the CLI: a few hundred seeded mutations (of bytes, or of values,
 * keys, headers and members) of input files (JSON, --json documents, .npy, .npz) given to encode, decode and attention with --input, and of answer
 * files given to check. Whatever the bytes, SPEC §5 holds:
 * - encode, decode and attention exit 0 or 2; check exits 0 or 1 with nothing on stderr (its
 *   flags are valid, so it can always run: every answer file, however broken, is a row);
 * - on exit 2, stdout is empty and stderr is exactly one line, `transformer-lab: error: …`;
 * - stderr never holds a control character (other than the newline ending each line).
 * The runs go through main() in this process (test/fuzz-cli-harness.ts); a sample of the same
 * cases runs through the built binary and must give the same code, stdout and stderr.
 * FUZZ_SEED=n reruns one seed; failing cases are copied to the temp directory named in the
 * failure.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128); // fixed, so a run is repeatable
const MUTATIONS_PER_INPUT = 30;
const SPAWNED = 30; // cases that also run through the built binary
const SLOW_SECONDS = 10; // a case slower than this is a failure (small files, small layers)

const hostile = `${ROOT}fixtures/hostile`;
const answers = `${ROOT}fixtures/answers`;
const GOOD_ANSWER = `${answers}/homework/seed0/correct.npy`;

type Command = "encode" | "decode" | "attention";

/** Inputs: a file that reads and runs as it is, and the command it is for. */
const INPUTS: [string, Command][] = [
  [`${hostile}/fuzz-encode.json`, "encode"],
  [`${hostile}/fuzz-encode.npz`, "encode"],
  [`${hostile}/fuzz-stack.json`, "encode"],
  [`${hostile}/fuzz-x.npy`, "encode"],
  [`${hostile}/fuzz-x-f4-fortran.npy`, "encode"],
  [`${hostile}/fuzz-decode.json`, "decode"],
  [`${hostile}/fuzz-attention.json`, "attention"],
  [`${hostile}/fuzz-attention-compressed.npz`, "attention"],
];

/**
 * Answers check grades (the homework's at seed 0 unless the file names its seed), and how many
 * mutations of each. A wrong bare output of the homework's size is searched for among seeds
 * 0–9999 and their draw-order slips (about 2 s of CPU), so those are fewer.
 */
const ANSWERS: [string, number][] = [
  [`${answers}/npz/correct.npz`, 30],
  [`${answers}/npz/correct-compressed.npz`, 30],
  [`${answers}/attention/correct.json`, 30],
  [`${answers}/submissions/seed-entry.npz`, 20],
  [`${answers}/homework/seed0/correct.json`, 4],
  [`${answers}/homework/seed0/correct.npy`, 4],
  [`${answers}/submissions/seed-entry.json`, 4],
];

interface Case {
  /** the mutated file, in the temp directory */
  file: string;
  args: string[];
}

/** Picks one of the items. */
const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

/** The command line for a mutated input: mostly its own command, with some of the output flags. */
function inputArgs(file: string, own: Command, random: () => number): string[] {
  const command = random() < 0.8 ? own : pick(random, ["encode", "decode", "attention"] as const);
  const flags = [
    ...(random() < 0.5 ? ["--seed", "1"] : []),
    ...(random() < 0.3 ? ["--quiet"] : []),
    ...(random() < 0.3 ? ["--json"] : []),
  ];
  return [command, ...flags, "--input", file];
}

/**
 * The command line for a mutated answer. Mostly at the answer's seed: without one, check searches
 * seeds 0–9999 for a homework-sized answer, which takes seconds, so that is rarer.
 */
function answerArgs(file: string, random: () => number): string[] {
  const r = random();
  if (r < 0.1) return ["check", file];
  if (r < 0.3) return ["check", "--seed", "0", GOOD_ANSWER, file]; // a batch: one row each
  return ["check", "--seed", "0", ...(random() < 0.3 ? ["--json"] : []), file];
}

/** What SPEC §5 promises of a run, whatever its input; the broken promises, as text. */
function brokenPromises(c: Case, r: CliResult): string[] {
  const wrong: string[] = [];
  // every check case has valid flags and a file, so it can always run: each answer file is a
  // row (correct, wrong, unreadable, ungraded), and a row's failure is on stdout, not stderr
  const check = c.args[0] === "check";
  const allowed = check ? [0, 1] : [0, 2];
  if (!allowed.includes(r.code ?? -1)) wrong.push(`exit ${r.code}`);
  if (check && r.stderr !== "")
    wrong.push(`stderr from check: ${JSON.stringify(r.stderr.slice(0, 80))}`);
  if (r.code === 2) {
    if (r.stdout !== "") wrong.push(`stdout on exit 2: ${JSON.stringify(r.stdout.slice(0, 80))}`);
    if (!/^transformer-lab: error: [^\n]*\n$/.test(r.stderr)) wrong.push("not one error line");
  }
  if (!r.stderr.split("\n").every(isOneCleanLine)) wrong.push("a control character on stderr");
  if (/internal error|\n\s+at /.test(r.stderr)) wrong.push("an internal error");
  return wrong;
}

/** Runs the built binary, as a user would, without waiting for it to finish. */
function spawned(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", PAGER: "cat" };
  delete env.FORCE_COLOR;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on("data", (b: Buffer) => out.push(b));
  child.stderr.on("data", (b: Buffer) => err.push(b));
  return new Promise((resolve) =>
    child.on("close", (code) =>
      resolve({
        code,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    ),
  );
}

describe(`fuzz through the CLI (FUZZ_SEED=${SEED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-fuzz-cli-"));
  const kept = mkdtempSync(join(tmpdir(), `tl-fuzz-failing-${SEED}-`));
  const cases: Case[] = [];
  const results = new Map<Case, CliResult>();
  let keepFailing = false; // the failing cases' files stay, to be replayed
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    if (!keepFailing) rmSync(kept, { recursive: true, force: true });
  });

  /** Writes `count` mutations of `original` and the command line of each. */
  function addCases(
    original: string,
    count: number,
    argsFor: (file: string, random: () => number) => string[],
    random: () => number,
  ): void {
    const bytes = readFileSync(original);
    const name = basename(original);
    const ext = name.slice(name.lastIndexOf("."));
    for (let n = 0; n < count; n++) {
      const file = join(dir, `${cases.length}-${name}`);
      // half the edits keep the file parseable, so that the run gets further
      const structured = random() < 0.5;
      writeFileSync(
        file,
        structured ? mutateStructured(bytes, ext, random) : mutate(bytes, random),
      );
      cases.push({ file, args: argsFor(file, random) });
    }
  }

  beforeAll(async () => {
    // --json documents are inputs too; they are made by the CLI itself (their numbers do not
    // matter here, only that the document reads back)
    const documents: [string, Command][] = [];
    for (const [args, command] of [
      [["encode", "--heads", "2", "--dmodel", "2", "--ffn", "8"], "encode"],
      [["decode", "--no-cross", "--quiet", "--emb", "4"], "decode"],
    ] as const) {
      const r = await runInProcess([...args, "--json", "--seed", "5"]);
      expect(r.code, r.stderr).toBe(0);
      const file = join(dir, `document-${command}.json`);
      writeFileSync(file, r.stdout);
      documents.push([file, command]);
    }
    for (const [i, [file, command]] of [...INPUTS, ...documents].entries()) {
      const random = rng(SEED * 64 + i);
      addCases(file, MUTATIONS_PER_INPUT, (f, r) => inputArgs(f, command, r), random);
    }
    for (const [i, [file, count]] of ANSWERS.entries()) {
      addCases(file, count, answerArgs, rng(SEED * 64 + 32 + i));
    }
  });

  it("a few hundred mutated files: exit 0 or 2, one clean line on exit 2; check 0 or 1, stderr empty", async () => {
    const failures: string[] = [];
    const times: [number, string][] = [];
    for (const c of cases) {
      const start = performance.now();
      const r = await runInProcess(c.args);
      const seconds = (performance.now() - start) / 1000;
      results.set(c, r);
      times.push([seconds, c.args.join(" ")]);
      const wrong = brokenPromises(c, r);
      if (seconds > SLOW_SECONDS) wrong.push(`${seconds.toFixed(1)} s`);
      if (wrong.length) failures.push(failure(c, r, wrong));
    }
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(failures, `FUZZ_SEED=${SEED}\n${failures.join("\n")}`).toEqual([]);
    // the mutations both break files and leave some readable: each outcome is exercised
    const codes = [...results.values()].map((r) => r.code);
    expect(new Set(codes)).toEqual(new Set([0, 1, 2]));
    const tally = [0, 1, 2].map(
      (code) => `${codes.filter((c) => c === code).length}× exit ${code}`,
    );
    const slowest = times.sort((a, b) => b[0] - a[0]).slice(0, 3);
    const total = times.reduce((t, [s]) => t + s, 0);
    console.log(`${cases.length} cases in ${total.toFixed(1)} s: ${tally.join(", ")}; slowest:`);
    for (const [s, args] of slowest) console.log(`  ${s.toFixed(2)} s  ${args}`);
  }, 180_000);

  it(`${SPAWNED} of the cases give the same code, stdout and stderr through the built binary`, async () => {
    expect(results.size).toBe(cases.length); // the in-process runs came first
    // every k-th case, at a seed given so that nothing is drawn at random
    const sample = cases
      .filter((_, i) => i % Math.floor(cases.length / SPAWNED) === 0)
      .slice(0, SPAWNED)
      .map((c) => (c.args[0] === "check" || c.args.includes("--seed") ? c : withSeed(c)));
    const differ: string[] = [];
    for (let i = 0; i < sample.length; i += 2) {
      const pair = sample.slice(i, i + 2); // two at a time, on two cores
      const real = await Promise.all(pair.map((c) => spawned(c.args)));
      for (const [j, c] of pair.entries()) {
        const here = results.get(c) ?? (await runInProcess(c.args));
        if (JSON.stringify(here) !== JSON.stringify(real[j])) {
          differ.push(failure(c, real[j], [`in-process gave ${JSON.stringify(here)}`]));
        }
      }
    }
    expect(differ, `FUZZ_SEED=${SEED}\n${differ.join("\n")}`).toEqual([]);
  }, 180_000);

  /** The case given --seed 1, run in-process anew. */
  function withSeed(c: Case): Case {
    return { file: c.file, args: [c.args[0], "--seed", "1", ...c.args.slice(1)] };
  }

  /** One line per failing case; its file is copied where it outlives the test. */
  function failure(c: Case, r: CliResult, wrong: string[]): string {
    const copy = join(kept, basename(c.file));
    copyFileSync(c.file, copy);
    keepFailing = true;
    const args = c.args.map((a) => (a === c.file ? copy : a)).join(" ");
    return `${wrong.join("; ")}: transformer-lab ${args} → exit ${r.code}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`;
  }
});
