import type { CaseSpec, Recorded, SubmissionKind, Value } from "../check/code/recorded.js";
import { Matrix } from "../math/matrix.js";

/**
 * What src/harness/harness.py is asked and what it answers, on the wire. It only runs and
 * records: every judgement about the numbers is made on this side, by the project's own model,
 * on the decoded form (check/code/recorded.ts).
 */

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

/** A value on the wire: its shape and float64 bytes, or why it is not an array. */
interface Encoded {
  shape?: number[];
  /** the float64 values, little-endian and row-major, in base64 (absent for huge arrays) */
  f64?: string;
  error?: string;
  tuple?: number;
}

/** A result line as sent: messages hold Encoded values where Recorded holds Values. */
export type WireResult = Omit<Recorded, "messages"> & { messages: unknown[] };

export type HarnessLine =
  | { type: "ready"; python: string; numpy: string; scipy: string; executable: string }
  | { type: "missing"; module: string; python: string }
  | ({ type: "result" } & WireResult)
  | { type: "end" };

/** A result line decoded: every encoded array in its messages becomes a Value with a matrix. */
export function decodeResult(wire: WireResult): Recorded {
  return { ...wire, messages: wire.messages.map(decodeValues) } as Recorded;
}

const ENCODED_KEYS = new Set(["shape", "f64", "error", "tuple"]);

function isEncoded(x: object): x is Encoded {
  const keys = Object.keys(x);
  return "f64" in x || ("shape" in x && keys.every((k) => ENCODED_KEYS.has(k)));
}

function decodeValues(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(decodeValues);
  if (x === null || typeof x !== "object") return x;
  if (isEncoded(x)) return toValue(x);
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, decodeValues(v)]));
}

/** A numeric value as a matrix: a 2-D array as it is, a 1-D one as one row; else no matrix. */
function toValue(e: Encoded): Value {
  const { f64, ...rest } = e;
  if (!e.shape || f64 === undefined) return rest;
  const shape = e.shape.slice();
  while (shape.length > 2 && shape[0] === 1) shape.shift(); // (1, seq, emb): one batch
  if (shape.length > 2) return rest;
  const [rows, cols] = shape.length === 2 ? shape : [1, shape[0] ?? 1];
  const bytes = Buffer.from(f64, "base64");
  const data = new Float64Array(bytes.length / 8);
  for (let n = 0; n < data.length; n++) data[n] = bytes.readDoubleLE(8 * n);
  return data.length === rows * cols ? { ...rest, matrix: new Matrix(rows, cols, data) } : rest;
}
