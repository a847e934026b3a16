import { UserError } from "../errors.js";

/**
 * JSON.parse, with two additions for files written by Python's `json` module: a syntax error
 * is reported with its line and column, and `NaN`, `Infinity` and `-Infinity` (which Python
 * writes for non-finite floats) are read as numbers so that the matrix check can name them.
 */
export function parseJson(text: string, file: string): unknown {
  if (text.trim() === "") throw new UserError(`${file} is empty, expected a JSON document`);
  try {
    return JSON.parse(text);
  } catch {
    return new LenientJson(text, file).document();
  }
}

/** A small recursive-descent reader used only when JSON.parse fails: it finds where, or reads Python's extras. */
class LenientJson {
  private at = 0;
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

  private fail(what: string): never {
    const before = this.text.slice(0, this.at);
    const line = before.split("\n").length;
    const column = this.at - before.lastIndexOf("\n");
    throw new UserError(`${this.file}: invalid JSON at line ${line}, column ${column}: ${what}`);
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? "")) this.at++;
  }

  private value(): unknown {
    this.space();
    const c = this.text[this.at];
    if (c === undefined) this.fail("unexpected end of input");
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(
      this.text.slice(this.at, this.at + 400),
    );
    if (!m) this.fail(`unexpected character ${JSON.stringify(c)}`);
    this.at += m[0].length;
    return Number(m[0]);
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
    const out: Record<string, unknown> = {};
    this.space();
    if (this.text[this.at] === "}") return this.skip(out);
    for (;;) {
      this.space();
      if (this.text[this.at] !== '"') this.fail("expected a quoted key");
      const key = this.string();
      this.expect(":", "':' after a key");
      out[key] = this.value();
      this.space();
      if (this.text[this.at] === "}") return this.skip(out);
      this.expect(",", "',' or '}' in an object");
    }
  }

  /** Steps past a closing bracket and returns what it closed. */
  private skip<T>(value: T): T {
    this.at++;
    return value;
  }

  private string(): string {
    const start = this.at;
    for (let i = start + 1; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === "\\") i++;
      else if (c === '"') {
        this.at = i + 1;
        try {
          return JSON.parse(this.text.slice(start, this.at)) as string;
        } catch {
          this.at = start;
          this.fail("invalid string");
        }
      } else if (c.charCodeAt(0) < 0x20) {
        this.at = i;
        this.fail("a control character inside a string");
      }
    }
    this.fail("unterminated string");
  }
}

const WORDS: [string, unknown][] = [
  ["true", true],
  ["false", false],
  ["null", null],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["-Infinity", Number.NEGATIVE_INFINITY],
];
