import { printable } from "../errors.js";

export { printable };

/** `printable(text)` in double quotes, for a name inside a sentence. */
export function quoted(text: string): string {
  return `"${printable(text)}"`;
}
