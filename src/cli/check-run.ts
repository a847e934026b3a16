import { grade } from "../check/grade.js";
import { readAnswer } from "../io/answer.js";
import { UserError } from "../io/errors.js";
import { readInput } from "../io/read.js";
import type { Result } from "../render/check.js";
import * as render from "../render/check.js";
import { jsonText } from "../render/json.js";
import { chooseSeed } from "../rng/seed.js";
import type { CheckOptions } from "./check.js";
import { dimFlags, paintFor } from "./options.js";
import { EXIT, outcome } from "./outcome.js";
import { writeOut } from "./output.js";

/** Grades every answer; a file that cannot be read is a result of its own when there are several. */
export async function runCheck(files: string[], o: CheckOptions): Promise<void> {
  const given = o.seed === undefined ? undefined : chooseSeed(o.rng, o.seed);
  const seed = given?.seed;
  const rng = given?.rng ?? o.rng ?? "numpy";
  const flags = dimFlags(o);
  const tol = { rtol: o.rtol, atol: o.atol };
  const results: Result[] = [];
  for (const file of files) {
    try {
      const answer = readAnswer(await readInput(file), o.against);
      results.push({
        file: answer.file,
        grade: await grade(answer, {
          tolerance: tol,
          flags,
          rng: o.rng,
          seed,
          cross: o.cross,
          causal: o.causal,
        }),
      });
    } catch (e) {
      if (!(e instanceof UserError) || files.length === 1) throw e;
      process.stderr.write(`transformer-lab: error: ${e.message}\n`);
      results.push({ file, error: e.message });
    }
  }
  if (o.json) {
    const config = { rtol: tol.rtol, atol: tol.atol, rng, seed: seed ?? null };
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
  outcome.code = errors ? EXIT.usage : wrong ? EXIT.wrongAnswer : EXIT.ok;
}
