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

/**
 * How an error reaches the user: one line on stderr. Whatever a message quotes from a file (a
 * key, a member name, a path) has its control characters escaped here, once for every message,
 * so that a name cannot clear the screen or forge a second line.
 */
export function errorLine(message: string): string {
  return `transformer-lab: error: ${printable(message)}\n`;
}

/**
 * Text with control characters (C0, DEL, C1) and the Unicode line and bidi-override characters
 * written as escapes (`\x1b`, `\u202e`).
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
