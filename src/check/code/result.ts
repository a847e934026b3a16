import type { Diagnosis } from "../diagnose.js";
import type { SubmissionKind } from "./recorded.js";

export type { Diagnosis };

/**
 * What grading one notebook or script gives: SPEC section 4b's shape (these keys are kept;
 * others may be added), produced by grade-submission.ts, rendered by render/code-*.ts.
 */
export interface CodeResult {
  file: string;
  kind: SubmissionKind;
  /** Q1 and Q2 both right (Q3 is read by a person, not graded) */
  pass: boolean;
  questions: { q1: Q1Result; q2: Q2Result; q3: Q3Result };
  /** why the submission could not be run or graded at all; null when it ran */
  error: string | null;
  /** what the student's code printed (cut short), when it helps explain a failure; else null */
  stdout: string | null;
  /** what happened while it ran: cells that raised, lines skipped, the text's encoding */
  notes: string[];
  seconds: number;
}

export interface CaseResult {
  seed: number;
  seq: number;
  emb: number;
  dmodel: number;
  pass: boolean;
  /** max |actual − expected|; null when there is no comparable output (raised, wrong shape) */
  max_abs: number | null;
  /** why there is no comparable output */
  error?: string;
}

export interface Q1Result {
  pass: boolean;
  /** how the code reads query, key, value: X·Wq… ("projections") or Wq… ("weights") */
  reading: "projections" | "weights" | null;
  cases: CaseResult[];
  diagnosis: Diagnosis[];
  /** why the question could not be graded (no self_attention, …); null otherwise */
  error: string | null;
  notes: string[];
}

/** The first step of encoder_layer, in the layer's order, that does not follow from the ones before. */
export interface FirstWrong {
  /** the step: `self_attention`, `layer_norm 1`, `feed_forward`, `layer_norm 2`, `return` */
  step: string;
  /** which value: `query`, `argument`, `result`, … */
  what: string;
  message: string;
}

export interface Q2Result {
  pass: boolean;
  cases: CaseResult[];
  first_wrong: FirstWrong | null;
  notes: string[];
  diagnosis: Diagnosis[];
  error: string | null;
}

export interface Q3Point {
  id: string;
  /** what a complete answer says, in a few words */
  label: string;
  found: boolean;
  /** the words of the answer that mention it */
  evidence?: string;
}

export interface Q3Result {
  /** the answer's text; null when the submission has no Q3 prompt */
  text: string | null;
  points: Q3Point[];
  /** always: the points are a reading aid for the grader, not a grade */
  note: string;
}
