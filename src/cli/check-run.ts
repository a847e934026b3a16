import { type Answer, answerConfig } from "../check/answer.js";
import type { CodeResult } from "../check/code/result.js";
import { gradeAnswer, type SeedChoice } from "../check/grade-answer.js";
import { EXIT, ExitError, printable, UserError } from "../errors.js";
import { type AnswerFile, answerFiles, readSeedsFile, seedOf } from "../io/answer-files.js";
import { answerGenerator } from "../io/document-config.js";
import { readInput } from "../io/read.js";
import { readAnswer } from "../io/read-answer.js";
import { codeKind, splitSubmissions } from "../io/submissions.js";
import type { Result } from "../render/check.js";
import * as render from "../render/check.js";
import { jsonText } from "../render/json.js";
import { MT19937 } from "../rng/mt19937.js";
import { makeNormals, polarFromDoubles, type RngName } from "../rng/normals.js";
import { chooseSeed } from "../rng/seed.js";
import type { CheckOptions } from "./check.js";
import { gradeCode } from "./check-code.js";
import { paintFor } from "./color.js";
import { writeCheckPage, writeFileChunks } from "./html-output.js";
import { assertFits } from "./memory-guard.js";
import { dimFlags } from "./options.js";
import { emit, outputWidth } from "./output.js";

/**
 * Grades answer files against the reference and runs notebooks and scripts; a file that cannot
 * be read is a result of its own when there are several.
 */
export async function runCheck(args: string[], o: CheckOptions): Promise<void> {
  const { code } = splitSubmissions(args);
  // answer files given, and those in folders given (a subfolder is one student's)
  const answers = answerFiles(args.filter((a) => !codeKind(a)));
  if (code.length === 0 && answers.length === 0) {
    throw new UserError(`no notebook (.ipynb), script (.py) or answer file in ${args.join(", ")}`);
  }
  const given = o.seed === undefined ? undefined : chooseSeed(o.rng, o.seed);
  const seed = given?.seed;
  const rng = given?.rng ?? o.rng ?? "numpy";
  const tol = { rtol: o.rtol, atol: o.atol };
  const results = await gradeAnswers(answers, o, seed);
  const graded = code.length > 0 ? await gradeCode(code, o) : undefined;
  const codeResults = graded?.results ?? [];
  // the files first: a file that cannot be written is exit 2 with nothing on stdout (SPEC §5)
  if (o.csv && code.length > 0) {
    const { gradebook } = await import("../render/gradebook.js");
    writeFileChunks(o.csv, [gradebook(codeResults)]);
  }
  if (o.html) {
    const config = { rtol: tol.rtol, atol: tol.atol, rng, seed: seed ?? null };
    await writeCheckPage(o.html, results, config);
  }
  if (o.json) {
    const config = { rtol: tol.rtol, atol: tol.atol, rng, seed: seed ?? null };
    const doc = render.checkDocument(results, config);
    if (graded) {
      const passed = codeResults.filter((r) => r.pass).length;
      // each row says what it is, as answers' rows do: correct, wrong, or ungraded (not run)
      const status = (r: CodeResult) => (r.pass ? "correct" : r.error ? "ungraded" : "wrong");
      const coded = codeResults.map((r) => ({ ...r, status: status(r) }));
      doc.results = [...(doc.results as unknown[]), ...coded];
      doc.passed = (doc.passed as number) + passed;
      doc.failed = (doc.failed as number) + codeResults.length - passed;
      doc.python = graded.versions ?? null;
    }
    await emit([`${jsonText(doc)}\n`], o, { pretty: false });
  } else {
    await emit([await textReport(results, codeResults, o)], o, { pretty: true });
  }
  // a file that cannot be read or graded is a row and counts as not passed (SPEC §5): exit 1;
  // exit 2 is left for the command itself (a bad flag, --seeds unreadable, nothing to grade)
  const internal = results.some((r) => "error" in r && r.error.startsWith("internal error"));
  const failed =
    results.some((r) => render.statusOf(r) !== "correct") || codeResults.some((r) => !r.pass);
  const status = internal ? EXIT.internal : failed ? EXIT.wrongAnswer : EXIT.ok;
  if (status !== EXIT.ok) throw new ExitError(status);
}

/** numpy's generator, for the seed search. */
const NUMPY = { mt: (s: number) => new MT19937(s), polar: polarFromDoubles };

/**
 * Each answer at its own seed — its entry, else the entry of another file of the same student
 * (ana.npz's `seed` for ana.npy), else --seeds, else --seed — searched for when it has none.
 */
async function gradeAnswers(
  files: AnswerFile[],
  o: CheckOptions,
  seed: number | string | undefined,
): Promise<Result[]> {
  const seeds = o.seeds ? readSeedsFile(o.seeds) : new Map<string, number>();
  const read: (Answer | { error: unknown })[] = [];
  for (const { path } of files) read.push(await readOne(path, o));
  const sibling = new Map<string, { seed: number; file: string }>();
  for (const [n, r] of read.entries()) {
    const { student } = files[n];
    if ("seed" in r && r.seed !== undefined && !sibling.has(student))
      sibling.set(student, { seed: r.seed, file: r.file });
  }
  const results: Result[] = [];
  for (const [n, { path, student }] of files.entries()) {
    const r = read[n];
    if (!("computed" in r)) {
      results.push(refused(path, student, "unreadable", r.error));
      continue;
    }
    results.push(await gradeFile(r, path, student, o, seed, seeds, sibling.get(student)));
  }
  return results;
}

/** The file read as an answer, or why it cannot be (missing, not JSON/.npy/.npz, ambiguous keys). */
async function readOne(path: string, o: CheckOptions): Promise<Answer | { error: unknown }> {
  try {
    return readAnswer(await readInput(path), o.against);
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
  file: string,
  student: string,
  o: CheckOptions,
  seed: number | string | undefined,
  seeds: Map<string, number>,
  sibling: { seed: number; file: string } | undefined,
): Promise<Result> {
  try {
    const config = answerConfig(answer, { dims: dimFlags(o), cross: o.cross, causal: o.causal });
    assertFits(config);
    // --seed and --rng, else the seed and generator a --json answer's config states
    const generator = answerGenerator({ rng: o.rng, seed }, answer.stated, file);
    const drawn =
      generator.seed === undefined ? generator : chooseSeed(generator.rng, generator.seed);
    const tools = drawn.rng === "numpy" ? { numpy: NUMPY } : {};
    const own = answer.seed ?? sibling?.seed;
    const ownFrom =
      answer.seed !== undefined
        ? ("the answer's seed entry" as const)
        : (`the seed entry of ${sibling?.file}` as const);
    const choice = await seedChoice(own, ownFrom, seedOf(seeds, file), drawn.seed, drawn.rng);
    const graded = gradeAnswer(answer, config, choice, { rtol: o.rtol, atol: o.atol }, tools);
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

async function textReport(results: Result[], code: CodeResult[], o: CheckOptions): Promise<string> {
  const paint = await paintFor(o.color, o);
  const parts: string[] = [];
  if (code.length > 0) {
    const width = outputWidth(o) || 100;
    if (code.length === 1 && results.length === 0) {
      const { codeReport } = await import("../render/code-report.js");
      parts.push(codeReport(code[0], paint, width));
    } else {
      const { codeTable } = await import("../render/code-table.js");
      parts.push(codeTable(code, paint, width));
    }
  }
  if (results.length > 0) {
    parts.push(
      results.length === 1 && code.length === 0
        ? render.resultText(results[0], paint)
        : await render.batchText(results, paint, outputWidth(o)),
    );
  }
  return parts.join("\n");
}
