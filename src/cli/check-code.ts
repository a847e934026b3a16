import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Q1_CASES, Q2_CASES } from "../check/code/cases.js";
import { gradeSubmission } from "../check/code/grade-submission.js";
import { readQ3 } from "../check/code/q3.js";
import type { Recorded } from "../check/code/recorded.js";
import type { CodeResult } from "../check/code/result.js";
import { type HarnessRun, runHarness } from "../harness/run.js";
import type { CodeSubmission } from "../io/submissions.js";
import { numpyNormals } from "../rng/normals.js";

export interface CodeOptions {
  python: string;
  timeout: number;
  jobs: number;
  memory: number;
  rtol: number;
  atol: number;
}

/** Bytes of a submission's own printing kept for the report. */
const OUTPUT_LIMIT = 4096;

/**
 * Runs every notebook and script through the harness (up to --jobs at once) and grades what it
 * recorded. A progress line goes to stderr while a batch runs on a terminal.
 */
export async function gradeCode(
  subs: CodeSubmission[],
  o: CodeOptions,
): Promise<{ results: CodeResult[]; versions?: HarnessRun["versions"] }> {
  const readable = subs.filter((s) => existsSync(s.file));
  const progress =
    process.stderr.isTTY && readable.length > 1 ? progressLine(readable.length) : undefined;
  const run =
    readable.length > 0
      ? await runHarness(
          readable.map((s) => ({ path: resolve(s.file), kind: s.kind })),
          {
            python: o.python,
            timeout: o.timeout,
            memoryMb: o.memory,
            outputLimit: OUTPUT_LIMIT,
            jobs: o.jobs,
            q1: [...Q1_CASES],
            q2: [...Q2_CASES],
            onResult: progress,
          },
        ).finally(() => progress?.(undefined))
      : undefined;
  const byFile = new Map<string, Recorded>(readable.map((s, n) => [s.file, run!.results[n]]));
  const tolerance = { rtol: o.rtol, atol: o.atol };
  const results = subs.map((s) => {
    const r = byFile.get(s.file);
    return r
      ? gradeSubmission(s.file, s.kind, r, { tolerance, timeout: o.timeout, stream: numpyNormals })
      : unreadable(s, "cannot be read: no such file");
  });
  return { results, versions: run?.versions };
}

function unreadable(s: CodeSubmission, error: string): CodeResult {
  const none = { pass: false, cases: [], diagnosis: [], error, notes: [] };
  return {
    file: s.file,
    kind: s.kind,
    pass: false,
    questions: {
      q1: { ...none, reading: null },
      q2: { ...none, first_wrong: null },
      q3: readQ3(null),
    },
    error,
    stdout: null,
    notes: [],
    seconds: 0,
  };
}

/** `grading 12/60` on stderr, rewritten in place; called with undefined to clear it. */
function progressLine(total: number) {
  let done = 0;
  process.stderr.write(`grading 0/${total}`);
  return (r: Recorded | undefined) => {
    if (r === undefined) {
      process.stderr.write("\r\x1b[K");
      return;
    }
    done++;
    process.stderr.write(`\r\x1b[Kgrading ${done}/${total}`);
  };
}
