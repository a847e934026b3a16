/**
 * Text a file controls (a key, a member name, a path) as it may appear in a one-line message:
 * control characters (C0, DEL, C1) and the Unicode line and bidi-override characters are written
 * as escapes, so a name cannot clear the screen, colour the terminal or forge a second line.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/** `printable(text)` in double quotes, for a name inside a sentence. */
export function quoted(text: string): string {
  return `"${printable(text)}"`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters it escapes
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
