import type { CodeResult } from "../check/code/result.js";
import { EXIT, ExitError, UserError } from "../errors.js";
import { answerFiles } from "../io/answer-files.js";
import { gradeAnswerFiles } from "../io/check-answers.js";
import { codeKind, splitSubmissions } from "../io/submissions.js";
import type { Result } from "../render/check.js";
import * as render from "../render/check.js";
import { jsonText } from "../render/json.js";
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
  const results = await gradeAnswerFiles(answers, {
    dims: dimFlags(o),
    cross: o.cross,
    causal: o.causal,
    against: o.against,
    tolerance: tol,
    rng: o.rng,
    seed,
    seeds: o.seeds,
    guard: (config) => assertFits(config),
  });
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
      // each row is counted by its status, as the answers' rows are
      const count = (s: string) => coded.filter((r) => r.status === s).length;
      doc.passed = (doc.passed as number) + passed;
      doc.failed = (doc.failed as number) + count("wrong");
      doc.ungraded = (doc.ungraded as number) + count("ungraded");
      doc.errors = (doc.errors as number) + count("ungraded");
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
