import type { Matrix } from "../../math/matrix.js";

/**
 * What running a student's notebook or script recorded, as src/harness/ hands it over (decoded
 * from its wire form): the messages the harness sent while the code ran, and how it ended.
 */

/** One case of a question: a seed for np.random.seed and the homework's three dimensions. */
export interface CaseSpec {
  seed: number;
  seq: number;
  emb: number;
  dmodel: number;
}

export type SubmissionKind = "notebook" | "script";

/** A value the student's code returned or passed: a numeric array, or why it is not one. */
export interface Value {
  /** numpy's shape */
  shape?: number[];
  /** the array as a matrix: a 2-D one, a 1-D one as one row, (1, r, c) as (r, c) */
  matrix?: Matrix;
  /** set when the value was not numeric (None, a string, …) */
  error?: string;
  /** set when a tuple (or list) of arrays came back: its length; the first one is kept */
  tuple?: number;
}

/** The shape of a value as numpy prints it: `(4, 8)`. */
export function shapeOf(v: Value): string {
  if (!v.shape) return v.error ?? "not an array";
  return `(${v.shape.join(", ")}${v.shape.length === 1 ? "," : ""})`;
}

/** An exception in the student's code, placed in their cell or script. */
export interface StudentError {
  type: string;
  message: string;
  /** SystemExit's argument */
  code?: number | string | null;
  /** `<cell 3>` or `<script>` */
  file?: string;
  line?: number;
  text?: string;
  /** where it was raised, when deeper than the line above (inside a function the cell called) */
  inner?: { file: string; line: number; function: string; text: string };
}

export interface CallOutcome {
  value?: Value;
  error?: StudentError;
}

export interface RanMessage {
  type: "ran";
  /** set when the file was not UTF-8 (or its coding cookie's encoding) */
  encoding_note: string | null;
  /** each code cell that ran (a script is one `cell: null`), with what it raised */
  cells: { cell: number | null; error: StudentError | null }[];
  /** IPython lines left out: magics, `!shell` */
  skipped: { cell: number; line: number; text: string }[];
  /** the text after the Q3 prompt; null when there is no Q3 prompt */
  q3: string | null;
  nbformat?: number;
  code_cells?: number;
  functions: Record<"self_attention" | "encoder_layer" | "feed_forward" | "layer_norm", boolean>;
  sources: Record<"feed_forward" | "layer_norm", string | null>;
}

export type Q1Input = "x" | "wq" | "wk" | "wv" | "q" | "k" | "v";
export interface Q1Case extends CaseSpec {
  inputs: Record<Q1Input, Value>;
  /** self_attention(X, X·Wq, X·Wk, X·Wv) */
  projections: CallOutcome;
  /** self_attention(X, Wq, Wk, Wv) */
  weights: CallOutcome;
}

/** One call made while encoder_layer ran, in the order made; `depth` 0 is encoder_layer's own. */
export interface RecordedCall {
  fn: string;
  depth: number;
  /** encoded arrays; for the random generator's functions, the arguments' repr */
  args: (Value | string)[];
  kwargs?: string[];
  result?: Value;
  /** the random generator's functions: the shape drawn */
  shape?: number[];
  error?: StudentError;
}

export type Q2Input = "x" | "wq" | "wk" | "wv" | "wo";
export interface Q2Case extends CaseSpec {
  inputs: Record<Q2Input, Value>;
  output?: Value;
  error?: StudentError;
  calls: RecordedCall[];
  calls_truncated: boolean;
}

export type QuestionMessage<C> = { missing: true } | { missing?: undefined; cases: C[] };

export type Message =
  | RanMessage
  | ({ type: "q1" } & QuestionMessage<Q1Case>)
  | ({ type: "q2" } & QuestionMessage<Q2Case>)
  /** the system refused the memory cap (macOS): the submission ran without one */
  | { type: "uncapped" }
  /** a code cell is about to run */
  | { type: "cell"; cell: number }
  | { type: "fatal"; error: StudentError }
  | { type: "garbled"; text: string }
  | { type: "done" };

/** How the submission's process ended. */
export type Ended =
  | { how: "exit"; code: number }
  | { how: "signal"; signal: string }
  | { how: "timeout" }
  /** the harness itself stopped before this submission was run or finished */
  | { how: "lost"; reason: string };

export interface Recorded {
  id: number;
  ended: Ended;
  seconds: number;
  messages: Message[];
  stdout: string;
  stdout_bytes: number;
  stdout_cut: boolean;
}
