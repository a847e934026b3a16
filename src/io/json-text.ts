import { UserError } from "../errors.js";
import { printable, quoted } from "./printable.js";

/** A matrix nests two lists deep and a `--json` document about eight; deeper is not ours. */
export const MAX_JSON_DEPTH = 32;

/**
 * Reads a JSON document strictly, plus what Python's `json` module writes for non-finite floats
 * (`NaN`, `Infinity`, `-Infinity`, read as numbers so that the matrix check can name them).
 * Nothing is chosen silently: a key given twice in one object, or two keys that differ only in
 * case (`X` and `x`), is an error naming both; `__proto__` is refused; objects have no
 * prototype. Nesting is bounded, and the reader does not recurse deeper than that bound.
 * Errors give the line and column.
 */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === "")
    throw new UserError(`${printable(file)} is empty, expected a JSON document`);
  return new JsonReader(text, file).document();
}

const SPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

class JsonReader {
  private at = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  document(): unknown {
    const value = this.value();
    this.space();
    if (this.at < this.text.length) this.fail("unexpected text after the JSON document");
    return value;
  }

  private fail(what: string, at = this.at): never {
    throw new UserError(`${printable(this.file)}: invalid JSON at ${this.where(at)}: ${what}`);
  }

  private where(at: number): string {
    const before = this.text.slice(0, at);
    const line = before.split("\n").length;
    return `line ${line}, column ${at - before.lastIndexOf("\n")}`;
  }

  private space(): void {
    while (SPACE.has(this.text.charCodeAt(this.at))) this.at++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === undefined) this.fail("unexpected end of input");
    if (c === "{" || c === "[") {
      if (++this.depth > MAX_JSON_DEPTH) {
        this.fail(
          `lists and objects nested more than ${MAX_JSON_DEPTH} deep; a matrix is a list of rows`,
        );
      }
      const v = c === "{" ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    return this.number();
  }

  /** -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private number(): number {
    const t = this.text;
    const start = this.at;
    let i = start;
    if (t[i] === "-") i++;
    if (t[i] === "0") i++;
    else if (isDigit(t, i)) while (isDigit(t, i)) i++;
    else this.fail(`unexpected character ${quoted(t[start])}`, start);
    if (t[i] === ".") {
      if (!isDigit(t, ++i)) this.fail("a digit must follow the decimal point", i);
      while (isDigit(t, i)) i++;
    }
    if (t[i] === "e" || t[i] === "E") {
      if (t[++i] === "+" || t[i] === "-") i++;
      if (!isDigit(t, i)) this.fail("a digit must follow the exponent", i);
      while (isDigit(t, i)) i++;
    }
    this.at = i;
    return Number(t.slice(start, i));
  }

  private expect(c: string, what: string): void {
    this.space();
    if (this.text[this.at] !== c) {
      this.fail(this.at >= this.text.length ? "unexpected end of input" : `expected ${what}`);
    }
    this.at++;
  }

  private array(): unknown[] {
    this.at++;
    const out: unknown[] = [];
    this.space();
    if (this.text[this.at] === "]") return this.skip(out);
    for (;;) {
      out.push(this.value());
      this.space();
      if (this.text[this.at] === "]") return this.skip(out);
      this.expect(",", "',' or ']' in a list");
    }
  }

  private object(): Record<string, unknown> {
    this.at++;
    const out: Record<string, unknown> = Object.create(null);
    const folded = new Map<string, string>();
    this.space();
    if (this.text[this.at] === "}") return this.skip(out);
    for (;;) {
      this.space();
      const at = this.at;
      if (this.text[at] !== '"') this.fail("expected a quoted key");
      const key = this.string();
      this.keyAllowed(key, folded, at);
      this.expect(":", "':' after a key");
      out[key] = this.value();
      this.space();
      if (this.text[this.at] === "}") return this.skip(out);
      this.expect(",", "',' or '}' in an object");
    }
  }

  /** A key may appear once per object, not also in another case, and never as `__proto__`. */
  private keyAllowed(key: string, folded: Map<string, string>, at: number): void {
    const where = `${printable(this.file)}: at ${this.where(at)}`;
    if (key === "__proto__") throw new UserError(`${where}: the key "__proto__" is not allowed`);
    const before = folded.get(key.toLowerCase());
    if (before === key)
      throw new UserError(
        `${where}: the key ${quoted(key)} is given twice in one object; keep one`,
      );
    if (before !== undefined) {
      throw new UserError(
        `${where}: the keys ${quoted(before)} and ${quoted(key)} differ only in case, and keys are read in any case; keep one`,
      );
    }
    folded.set(key.toLowerCase(), key);
  }

  /** Steps past a closing bracket and returns what it closed. */
  private skip<T>(value: T): T {
    this.at++;
    return value;
  }

  private string(): string {
    const t = this.text;
    const start = this.at;
    let escaped = false;
    for (let i = start + 1; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 0x5c) {
        escaped = true;
        i++;
      } else if (c === 0x22) {
        this.at = i + 1;
        if (!escaped) return t.slice(start + 1, i);
        try {
          return JSON.parse(t.slice(start, this.at)) as string;
        } catch {
          this.fail("an invalid escape in a string", start);
        }
      } else if (c < 0x20) {
        this.fail("a control character inside a string", i);
      }
    }
    this.fail("unterminated string", start);
  }
}

function isDigit(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c >= 0x30 && c <= 0x39;
}

const WORDS: [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
];
