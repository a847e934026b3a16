import type { Tolerance } from "../compare.js";
import { gradeQ1 } from "./q1.js";
import { gradeQ2, type Stream } from "./q2.js";
import { readQ3 } from "./q3.js";
import type { Message, Q1Case, Q2Case, RanMessage, Recorded, SubmissionKind } from "./recorded.js";
import type { CodeResult, Q1Result, Q2Result } from "./result.js";
import { cellNote } from "./student-error.js";

export interface SubmissionOptions {
  tolerance: Tolerance;
  /** --timeout, for the message of a submission that reached it */
  timeout: number;
  /** the draws of np.random.seed(s), for the feed-forward weights the cell's stream gives */
  stream: Stream;
}

type Of<T extends Message["type"]> = Extract<Message, { type: T }>;

/** The last message of a kind (what the student's code might have sent before is overridden). */
function last<T extends Message["type"]>(r: Recorded, type: T): Of<T> | undefined {
  return r.messages.filter((m): m is Of<T> => m.type === type).at(-1);
}

/** One submission's result, from what the harness recorded while running it. */
export function gradeSubmission(
  file: string,
  kind: SubmissionKind,
  r: Recorded,
  o: SubmissionOptions,
): CodeResult {
  const ran = last(r, "ran");
  const q1 = last(r, "q1");
  const q2 = last(r, "q2");
  const error = fatalError(r, ran, o.timeout);
  const context = firstCellError(ran, kind);
  const questions = {
    q1: q1?.missing
      ? { ...notGraded(`no self_attention is defined${context}`), reading: null }
      : q1
        ? gradeQ1(q1.cases as Q1Case[], o.tolerance)
        : { ...notGraded(error ?? "not graded"), reading: null },
    q2: q2?.missing
      ? { ...notGraded(`no encoder_layer is defined${context}`), first_wrong: null }
      : q2 && ran
        ? gradeQ2(q2.cases as Q2Case[], ran.sources, o.stream, o.tolerance)
        : { ...notGraded(error ?? "not graded"), first_wrong: null },
    q3: readQ3(ran?.q3 ?? null),
  };
  const pass = error === null && questions.q1.pass && questions.q2.pass;
  const out = r.stdout_cut ? `${r.stdout}\n… (${r.stdout_bytes} bytes in all)` : r.stdout;
  return {
    file,
    kind,
    pass,
    questions,
    error,
    stdout: pass || out === "" ? null : out,
    notes: [
      ...(last(r, "uncapped") ? ["ran without a memory cap (this system refuses RLIMIT_AS)"] : []),
      ...notes(ran, kind),
    ],
    seconds: r.seconds,
  };
}

/** A question that could not be graded, and why. */
function notGraded(error: string): Omit<Q1Result & Q2Result, "reading" | "first_wrong"> {
  return { pass: false, cases: [], diagnosis: [], error, notes: [] };
}

/** Why the submission as a whole could not be graded; null when it was. */
function fatalError(r: Recorded, ran: RanMessage | undefined, timeout: number): string | null {
  const fatal = last(r, "fatal");
  if (fatal) return fatal.error.message;
  if (last(r, "done")) return null;
  const cell = last(r, "cell");
  const where = !ran
    ? cell
      ? ` while running cell ${cell.cell}`
      : " while running the script"
    : !last(r, "q1")
      ? " while grading Q1 (in self_attention)"
      : " while grading Q2 (in encoder_layer)";
  switch (r.ended.how) {
    case "timeout":
      return `still running after --timeout ${timeout} s${where}: stopped`;
    case "signal":
      return `Python was killed by ${r.ended.signal}${where}${r.ended.signal === "SIGKILL" ? " (os.kill, or the system out of memory)" : ""}`;
    case "exit":
      return `Python exited with status ${r.ended.code}${where}`;
    case "lost":
      return r.ended.reason;
  }
}

/** `(cell 5 raised SyntaxError: …)`: why a function may be missing. */
function firstCellError(ran: RanMessage | undefined, kind: SubmissionKind): string {
  const c = ran?.cells.find((c) => c.error && !benignExit(c.error, kind));
  return c?.error ? ` (${cellNote(c.cell, c.error)})` : "";
}

/** A script's sys.exit(0) at its end is how scripts end, not a failure. */
function benignExit(e: { type: string; code?: unknown }, kind: SubmissionKind): boolean {
  return kind === "script" && e.type === "SystemExit" && (e.code === 0 || e.code === null);
}

function notes(ran: RanMessage | undefined, kind: SubmissionKind): string[] {
  if (!ran) return [];
  const out: string[] = [];
  if (ran.encoding_note) out.push(ran.encoding_note);
  if (ran.skipped.length > 0) {
    out.push(
      `IPython lines skipped: ${ran.skipped.map((s) => `cell ${s.cell} \`${s.text}\``).join(", ")}`,
    );
  }
  for (const c of ran.cells) {
    if (c.error && !benignExit(c.error, kind)) out.push(cellNote(c.cell, c.error));
  }
  return out;
}
