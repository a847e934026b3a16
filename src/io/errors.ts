/**
 * A problem with what the user gave us (a flag, a file, a matrix). The CLI prints its message
 * as one line, `transformer-lab: error: …`, and exits with 2; it never shows a stack trace.
 */
export class UserError extends Error {
  override readonly name = "UserError";
}
