/** Exit statuses of SPEC section 5. */
export const EXIT = { ok: 0, wrongAnswer: 1, usage: 2, internal: 3 } as const;

/**
 * A problem with what the user gave us (a flag, a file, a matrix). The CLI prints its message
 * as one line, `transformer-lab: error: …`, and exits with 2; it never shows a stack trace.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}

/**
 * The run is over and its outcome known (`check` found a wrong answer: 1), everything already
 * written. Thrown where the outcome is decided; cli/main.ts turns it into the exit status.
 */
export class ExitError extends Error {
  override readonly name = "ExitError";
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** `3 rows`, `1 column`: a count in a message. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** How an error reaches the user: one line on stderr. */
export function errorLine(message: string): string {
  return `transformer-lab: error: ${message}\n`;
}
