import type { Computation, Dims } from "../model/dims.js";
import type { Grade } from "./grade.js";

/**
 * One answer's result: graded, or refused with the reason — `unreadable` (the file cannot be read
 * as an answer; the default) or `ungraded` (read, but not gradable: `reason` "no seed" when no
 * seed was given and none reproduces it), with the computation and dimensions it was read at.
 */
export type Result =
  | { file: string; student?: string; grade: Grade }
  | {
      file: string;
      student?: string;
      error: string;
      status?: "unreadable" | "ungraded";
      reason?: string;
      computation?: Computation;
      dims?: Dims;
    };

/** What a row is, for a script: `correct` (passed), `wrong`, `unreadable` or `ungraded`. */
export type Status = "correct" | "wrong" | "unreadable" | "ungraded";

export function statusOf(r: Result): Status {
  if ("grade" in r) return r.grade.pass ? "correct" : "wrong";
  return r.status ?? "unreadable";
}
