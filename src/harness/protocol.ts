import { Matrix } from "../math/matrix.js";

/**
 * What src/harness/harness.py is asked and what it answers. It only runs and records: every
 * judgement about the numbers is made on this side, by the project's own model.
 */

/** One case of a question: a seed for np.random.seed and the homework's three dimensions. */
export interface CaseSpec {
  seed: number;
  seq: number;
  emb: number;
  dmodel: number;
}

export type SubmissionKind = "notebook" | "script";

export interface HarnessRequest {
  submissions: { id: number; path: string; kind: SubmissionKind }[];
  /** wall-clock seconds per submission; its whole process group is killed then */
  timeout: number;
  /** address-space cap of each submission's process (setrlimit RLIMIT_AS) */
  memory_mb: number;
  /** bytes of the student's own output kept (the rest is counted and dropped) */
  output_limit: number;
  /** submissions run at once */
  jobs: number;
  q1: CaseSpec[];
  q2: CaseSpec[];
}

/** A value the student's code returned or passed: a numeric array, or why it is not one. */
export interface Encoded {
  shape?: number[];
  /** the float64 values, little-endian and row-major, in base64 (absent for huge arrays) */
  f64?: string;
  /** set when the value was not numeric (None, a string, …) */
  error?: string;
  /** set when a tuple (or list) of arrays came back: its length; the first one is encoded */
  tuple?: number;
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
  value?: Encoded;
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
  inputs: Record<Q1Input, Encoded>;
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
  args: (Encoded | string)[];
  kwargs?: string[];
  result?: Encoded;
  /** the random generator's functions: the shape drawn */
  shape?: number[];
  error?: StudentError;
}

export type Q2Input = "x" | "wq" | "wk" | "wv" | "wo";
export interface Q2Case extends CaseSpec {
  inputs: Record<Q2Input, Encoded>;
  output?: Encoded;
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

export interface HarnessResult {
  id: number;
  ended: Ended;
  seconds: number;
  messages: Message[];
  stdout: string;
  stdout_bytes: number;
  stdout_cut: boolean;
}

export type HarnessLine =
  | { type: "ready"; python: string; numpy: string; scipy: string; executable: string }
  | { type: "missing"; module: string; python: string }
  | ({ type: "result" } & HarnessResult)
  | { type: "end" };

/** A numeric value as a matrix: a 2-D array as it is, a 1-D one as one row; else undefined. */
export function toMatrix(e: Encoded | undefined): Matrix | undefined {
  if (!e?.shape || e.f64 === undefined) return undefined;
  const shape = e.shape.slice();
  while (shape.length > 2 && shape[0] === 1) shape.shift(); // (1, seq, emb): one batch
  if (shape.length > 2) return undefined;
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0] ?? 1];
  const bytes = Buffer.from(e.f64, "base64");
  const data = new Float64Array(bytes.length / 8);
  for (let n = 0; n < data.length; n++) data[n] = bytes.readDoubleLE(8 * n);
  return data.length === rows * cols ? new Matrix(rows, cols, data) : undefined;
}

/** The shape of a value as numpy prints it: `(4, 8)`. */
export function shapeOf(e: Encoded): string {
  if (!e.shape) return e.error ?? "not an array";
  return `(${e.shape.join(", ")}${e.shape.length === 1 ? "," : ""})`;
}
