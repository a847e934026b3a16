import { answerConfig } from "../check/answer.js";
import { grade } from "../check/grade.js";
import { EXIT, ExitError, errorLine, printable, UserError } from "../errors.js";
import { readInput, STDIN } from "../io/read.js";
import { readAnswer } from "../io/read-answer.js";
import type { Result } from "../render/check.js";
import * as render from "../render/check.js";
import { jsonText } from "../render/json.js";
import { makeNormals } from "../rng/normals.js";
import type { CheckOptions } from "./check.js";
import { assertFits } from "./memory-guard.js";
import { dimFlags, paintFor, resolveSeed } from "./options.js";
import { writeOut } from "./output.js";

/**
 * Grades every answer; when there are several, a file that cannot be read or graded — for any
 * reason, a bug included — is a row of its own and the others are still graded.
 */
export async function runCheck(files: string[], o: CheckOptions): Promise<void> {
  const seed = o.seed === undefined ? undefined : resolveSeed(o.rng, o.seed);
  const flags = dimFlags(o);
  const tol = { rtol: o.rtol, atol: o.atol };
  const results: Result[] = [];
  let internal = false;
  for (const path of files) {
    const file = path === STDIN ? "<stdin>" : path;
    try {
      const answer = readAnswer(await readInput(path), o.against);
      const config = answerConfig(answer, { dims: flags, cross: o.cross, causal: o.causal });
      assertFits(config);
      const normals = await makeNormals(o.rng, seed ?? 0);
      results.push({
        file: answer.file,
        grade: grade(answer, config, { tolerance: tol, seed, normals }),
      });
    } catch (e) {
      // One file's failure, whatever it is, is its row; the others are still graded.
      if (files.length === 1) throw e;
      const message =
        e instanceof UserError
          ? e.message
          : `internal error (a bug; please report it): ${(e as Error)?.message ?? e}`;
      if (!(e instanceof UserError)) internal = true;
      process.stderr.write(errorLine(message));
      results.push({ file: printable(file), error: printable(message) });
    }
  }
  if (o.json) {
    const config = { rtol: tol.rtol, atol: tol.atol, rng: o.rng, seed: seed ?? null };
    await writeOut([`${jsonText(render.checkDocument(results, config))}\n`]);
  } else {
    const paint = await paintFor(o.color);
    const text =
      results.length === 1 && "grade" in results[0]
        ? render.gradeText(results[0].grade, tol, paint)
        : await render.batchText(results, paint);
    await writeOut([text]);
  }
  const errors = results.some((r) => "error" in r);
  const wrong = results.some((r) => "grade" in r && !r.grade.pass);
  const code = internal ? EXIT.internal : errors ? EXIT.usage : wrong ? EXIT.wrongAnswer : EXIT.ok;
  if (code !== EXIT.ok) throw new ExitError(code);
}
