import { type Answer, answerConfig } from "../check/answer.js";
import type { Tolerance } from "../check/compare.js";
import { gradeAnswer, type SeedChoice } from "../check/grade-answer.js";
import type { Result } from "../check/result.js";
import { printable, UserError } from "../errors.js";
import type { Computation, DimFlags, ModelConfig } from "../model/dims.js";
import { MT19937 } from "../rng/mt19937.js";
import { makeNormals, polarFromDoubles, type RngName } from "../rng/normals.js";
import { chooseSeed } from "../rng/seed.js";
import { type AnswerFile, readSeedsFile, seedOf } from "./answer-files.js";
import { answerGenerator } from "./document-config.js";
import { readInput } from "./read.js";
import { readAnswer } from "./read-answer.js";

/**
 * How `check` grades answer files: the one path of the CLI (cli/check-run.ts) and the library
 * (index.ts `check`), so that both give every file the same row — correct, wrong, unreadable or
 * ungraded — and both search for the seed of a bare output.
 */
export interface GradeFilesOptions {
  /** dimension flags given (the rest from each answer, else the homework's) */
  dims: DimFlags;
  cross?: boolean;
  causal?: boolean;
  against?: Computation;
  tolerance: Tolerance;
  /** --rng */
  rng?: RngName;
  /** --seed, as given: the seed for answers with none of their own */
  seed?: number | string;
  /** --seeds: a CSV of file,seed */
  seeds?: string;
  /** refuses dimensions that would not fit in memory (the CLI's memory rule), before grading */
  guard?: (config: ModelConfig) => void;
}

/** numpy's generator, for the seed search. */
const NUMPY = { mt: (s: number) => new MT19937(s), polar: polarFromDoubles };

/**
 * Each answer at its own seed — its entry, else the entry of another file of the same student
 * (ana.npz's `seed` for ana.npy), else --seeds, else --seed — searched for when it has none.
 * A file that cannot be read or graded is a row of its own; only --seeds unreadable throws.
 */
export async function gradeAnswerFiles(
  files: AnswerFile[],
  o: GradeFilesOptions,
): Promise<Result[]> {
  const seeds = o.seeds ? readSeedsFile(o.seeds) : new Map<string, number>();
  const read: (Answer | { error: unknown })[] = [];
  for (const { path } of files) read.push(await readOne(path, o.against));
  const sibling = new Map<string, { seed: number; file: string }>();
  for (const [n, r] of read.entries()) {
    const { student } = files[n];
    if ("seed" in r && r.seed !== undefined && !sibling.has(student))
      sibling.set(student, { seed: r.seed, file: r.file });
  }
  const results: Result[] = [];
  for (const [n, { path, name, student }] of files.entries()) {
    const r = read[n];
    if (!("computed" in r)) {
      results.push(refused(name, student, "unreadable", r.error));
      continue;
    }
    results.push(await gradeFile(r, path, student, o, seeds, sibling.get(student)));
  }
  return results;
}

/** The file read as an answer, or why it cannot be (missing, not JSON/.npy/.npz, ambiguous keys). */
async function readOne(
  path: string,
  against: Computation | undefined,
): Promise<Answer | { error: unknown }> {
  try {
    return readAnswer(await readInput(path), against);
  } catch (error) {
    return { error };
  }
}

/**
 * One answer's row: its grade, or `ungraded` when it was read but cannot be graded (no seed and
 * none found, no output, flags that disagree with it). Never thrown: the others are graded.
 */
async function gradeFile(
  answer: Answer,
  path: string,
  student: string,
  o: GradeFilesOptions,
  seeds: Map<string, number>,
  sibling: { seed: number; file: string } | undefined,
): Promise<Result> {
  try {
    const config = answerConfig(answer, { dims: o.dims, cross: o.cross, causal: o.causal });
    o.guard?.(config);
    // --seed and --rng, else the seed and generator a --json answer's config states
    const generator = answerGenerator({ rng: o.rng, seed: o.seed }, answer.stated, path);
    const drawn =
      generator.seed === undefined ? generator : chooseSeed(generator.rng, generator.seed);
    const tools = drawn.rng === "numpy" ? { numpy: NUMPY } : {};
    const own = answer.seed ?? sibling?.seed;
    const ownFrom =
      answer.seed !== undefined
        ? ("the answer's seed entry" as const)
        : (`the seed entry of ${sibling?.file}` as const);
    const listed = seedOf(seeds, path);
    const choice = await seedChoice(own, ownFrom, listed, drawn.seed, drawn.rng);
    const graded = gradeAnswer(answer, config, choice, o.tolerance, tools);
    if ("error" in graded) {
      const { error, reason } = graded;
      const { computation, seq, emb, dmodel, heads, layers, ffn, src } = config;
      const dims = { seq, emb, dmodel, heads, layers, ffn, src };
      return { file: answer.file, student, status: "ungraded", reason, error, computation, dims };
    }
    return { file: answer.file, student, grade: graded };
  } catch (e) {
    return refused(answer.file, student, "ungraded", e);
  }
}

/** A file's failure, whatever it is, as its row; a bug is said to be one (exit 3). */
function refused(
  file: string,
  student: string,
  status: "unreadable" | "ungraded",
  e: unknown,
): Result {
  const message =
    e instanceof UserError
      ? e.message
      : `internal error (a bug; please report it): ${(e as Error)?.message ?? e}`;
  return { file: printable(file), student, status, error: printable(message) };
}

/** The seed of one answer: its own entry (or its student's), else the seeds file's, else --seed. */
async function seedChoice(
  own: number | undefined,
  ownFrom: NonNullable<SeedChoice["from"]>,
  listed: number | undefined,
  flag: number | string | undefined,
  rng: RngName,
): Promise<SeedChoice> {
  const [seed, from] =
    own !== undefined
      ? [own, ownFrom]
      : listed !== undefined
        ? [listed, "the seeds file" as const]
        : flag !== undefined
          ? [flag, "--seed" as const]
          : [undefined, undefined];
  return { seed, from, normals: await makeNormals(rng, seed ?? 0) };
}
