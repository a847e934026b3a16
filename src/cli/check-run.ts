import { answerConfig } from "../check/answer.js";
import { gradeAnswer, type SeedChoice } from "../check/grade-answer.js";
import { EXIT, ExitError, errorLine, UserError } from "../errors.js";
import { answerFiles, readSeedsFile, seedOf } from "../io/answer-files.js";
import { readInput } from "../io/read.js";
import { readAnswer } from "../io/read-answer.js";
import type { Result } from "../render/check.js";
import * as render from "../render/check.js";
import { jsonText } from "../render/json.js";
import { makeNormals } from "../rng/normals.js";
import { NumpyStream } from "../rng/numpy-stream.js";
import type { CheckOptions } from "./check.js";
import { assertFits } from "./memory-guard.js";
import { dimFlags, paintFor, resolveSeed } from "./options.js";
import { writeOut } from "./output.js";

/**
 * Grades every answer; a file that cannot be read is a row of its own when there are several
 * (or a folder), and the exit status is then 1, as for a wrong answer.
 */
export async function runCheck(args: string[], o: CheckOptions): Promise<void> {
  const seed = o.seed === undefined ? undefined : resolveSeed(o.rng, o.seed);
  const seeds = o.seeds ? readSeedsFile(o.seeds) : new Map<string, number>();
  const files = answerFiles(args);
  if (files.length === 0)
    throw new UserError(`no answer files (.npy, .npz, .json) in ${args.join(", ")}`);
  const single = files.length === 1 && args.length === 1 && files[0].path === args[0];
  const flags = dimFlags(o);
  const tol = { rtol: o.rtol, atol: o.atol };
  const tools = o.rng === "numpy" ? { stream: (s: number) => new NumpyStream(s) } : {};
  const results: Result[] = [];
  for (const { path: file, student } of files) {
    try {
      const answer = readAnswer(await readInput(file), o.against);
      const config = answerConfig(answer, { dims: flags, cross: o.cross, causal: o.causal });
      assertFits(config);
      const choice = await seedChoice(answer.seed, seedOf(seeds, file), seed, o.rng);
      const graded = gradeAnswer(answer, config, choice, tol, tools);
      if ("error" in graded) throw new UserError(graded.error);
      results.push({ file: answer.file, student, grade: graded });
    } catch (e) {
      if (!(e instanceof UserError) || single) throw e;
      process.stderr.write(errorLine(e.message));
      results.push({ file, student, error: e.message });
    }
  }
  if (o.json) {
    const config = { rtol: tol.rtol, atol: tol.atol, rng: o.rng, seed: seed ?? null };
    await writeOut([`${jsonText(render.checkDocument(results, config))}\n`]);
  } else {
    const paint = await paintFor(o.color);
    const text =
      results.length === 1 && "grade" in results[0]
        ? render.gradeText(results[0].grade, paint)
        : await render.batchText(results, paint);
    await writeOut([text]);
  }
  const bad = results.some((r) => "error" in r || !r.grade.pass);
  if (bad) throw new ExitError(EXIT.wrongAnswer);
}

/** The seed of one answer: its own entry, else the seeds file's, else --seed. */
async function seedChoice(
  own: number | undefined,
  listed: number | undefined,
  flag: number | string | undefined,
  rng: CheckOptions["rng"],
): Promise<SeedChoice> {
  const [seed, from] =
    own !== undefined
      ? [own, "the answer's seed entry" as const]
      : listed !== undefined
        ? [listed, "the seeds file" as const]
        : flag !== undefined
          ? [flag, "--seed" as const]
          : [undefined, undefined];
  return { seed, from, normals: await makeNormals(rng, seed ?? 0) };
}
