import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../src/errors.js";
import { readInput } from "../src/io/read.js";
import { isOneCleanLine, mutate, rng, SEED_FILES } from "./fuzz-mutator.js";
import { ROOT } from "./helpers.js";

/**
 * A seeded mutator (issue 9): a few hundred mutations of JSON, .npy, .npz and answer files per
 * run. Whatever the bytes, reading them ends in a value or in a UserError whose message is one
 * line without control characters; never another exception, never a hang.
 * FUZZ_SEED=n reruns one seed; a failing case is written to the temp directory named in the error.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261128); // fixed, so a run is repeatable
const RUNS_PER_SEED_FILE = 60;

describe(`fuzz (FUZZ_SEED=${SEED})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "tl-fuzz-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(SEED_FILES)("mutations of %s are read or refused with one clean line", async (name) => {
    const random = rng(SEED + SEED_FILES.indexOf(name));
    const original = readFileSync(`${ROOT}fixtures/${name}`);
    const ext = name.slice(name.lastIndexOf("."));
    let refused = 0;
    for (let run = 0; run < RUNS_PER_SEED_FILE; run++) {
      const path = join(dir, `case-${run}${ext}`);
      writeFileSync(path, mutate(original, random));
      try {
        await readInput(path);
      } catch (e) {
        const keep = join(dir, `failing${ext}`);
        writeFileSync(keep, readFileSync(path));
        expect(e, `${String(e)} (kept as ${keep})`).toBeInstanceOf(UserError);
        expect(isOneCleanLine((e as Error).message), (e as Error).message).toBe(true);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0); // the mutator does break files
  });
});
