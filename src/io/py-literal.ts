import { quoted } from "./printable.js";

/**
 * A Python literal, as `ast.literal_eval` reads the header of a `.npy` file: a dict, tuple or
 * list of strings, integers, floats, booleans and None. Integers are BigInts (Python's are
 * unbounded), tuples are marked apart from lists, and a dict is a Map in which, as in Python,
 * a repeated key takes the last value.
 */
export type PyValue =
  | string
  | bigint
  | number
  | boolean
  | null
  | PyTuple
  | PyValue[]
  | Map<PyValue, PyValue>;

export interface PyTuple {
  tuple: PyValue[];
}

export function isTuple(v: PyValue): v is PyTuple {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Map);
}

/** Thrown with what is wrong and where (a 0-based character offset). */
export class PyLiteralError extends Error {
  constructor(
    what: string,
    readonly at: number,
  ) {
    super(`${what} at character ${at + 1}`);
  }
}

/** Nesting beyond this is refused: a `.npy` header nests two levels (a dict holding a tuple). */
const MAX_DEPTH = 16;

/**
 * Parses `text` as one Python literal (surrounding whitespace allowed). With `longSuffix`, an
 * integer may end in `L` (Python 2's long), which numpy still reads in version 1 and 2 headers.
 */
export function parsePyLiteral(text: string, longSuffix = false): PyValue {
  const p = new Parser(text, longSuffix);
  const v = p.value(0);
  p.space();
  if (p.at < text.length) throw new PyLiteralError("unexpected text after the literal", p.at);
  return v;
}

const CLOSE: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

class Parser {
  at = 0;
  constructor(
    private readonly text: string,
    private readonly longSuffix: boolean,
  ) {}

  space(): void {
    while (" \t\n\r\f\v".includes(this.text[this.at] ?? "x")) this.at++;
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw new PyLiteralError(`nested deeper than ${MAX_DEPTH}`, this.at);
    this.space();
    const c = this.text[this.at];
    if (c === undefined) throw new PyLiteralError("unexpected end", this.at);
    if (c === "(" || c === "[" || c === "{") return this.container(c, depth);
    if (c === "'" || c === '"') return this.string(c);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at, this.at + 32))?.[0];
    if (word !== undefined) {
      const known = WORDS.get(word);
      if (known === undefined) throw new PyLiteralError(`unknown name ${quoted(word)}`, this.at);
      this.at += word.length;
      return known;
    }
    return this.number();
  }

  /** `(a, b)`, `[a, b]`, `{k: v, …}`: items separated by single commas, one trailing comma allowed. */
  private container(open: string, depth: number): PyValue {
    const close = CLOSE[open];
    const start = this.at++;
    const items: PyValue[] = [];
    const dict = new Map<PyValue, PyValue>();
    let trailingComma = false;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) {
        this.at++;
        break;
      }
      if (items.length + dict.size > 0 && !trailingComma) {
        throw new PyLiteralError(`expected ',' or '${close}'`, this.at);
      }
      const item = this.value(depth + 1);
      if (open === "{") {
        if (item !== null && typeof item === "object")
          throw new PyLiteralError("a dict key must be a string or number", this.at);
        this.space();
        if (this.text[this.at] !== ":") throw new PyLiteralError("expected ':'", this.at);
        this.at++;
        dict.delete(item); // Python keeps the first key's place but the last value; order is unused here
        dict.set(item, this.value(depth + 1));
      } else {
        items.push(item);
      }
      this.space();
      trailingComma = this.text[this.at] === ",";
      if (trailingComma) this.at++;
      else if (this.text[this.at] !== close && this.text[this.at] !== undefined)
        throw new PyLiteralError(`expected ',' or '${close}'`, this.at);
      else if (this.text[this.at] === undefined)
        throw new PyLiteralError(`'${open}' is never closed`, start);
    }
    if (open === "{") return dict;
    if (open === "[") return items;
    // `(x)` is x itself, not a tuple; `(x,)` and `()` are tuples
    if (items.length === 1 && !trailingComma) return items[0];
    return { tuple: items };
  }

  private string(quote: string): string {
    const start = this.at++;
    let out = "";
    for (;;) {
      const c = this.text[this.at++];
      if (c === undefined || c === "\n") throw new PyLiteralError("unterminated string", start);
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.text[this.at++];
      const simple = ESCAPES.get(e);
      if (simple !== undefined) out += simple;
      else if (e === "x") out += this.hex(2);
      else if (e === "u") out += this.hex(4);
      else throw new PyLiteralError("an escape this reader does not take", this.at - 2);
    }
  }

  private hex(n: number): string {
    const digits = this.text.slice(this.at, this.at + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits))
      throw new PyLiteralError("a bad escape", this.at - 2);
    this.at += n;
    return String.fromCharCode(Number.parseInt(digits, 16));
  }

  /** An optionally signed decimal integer (a BigInt) or float (a number). */
  private number(): bigint | number {
    const m = /^[-+]?(\d+)(\.\d*)?([eE][-+]?\d+)?/.exec(this.text.slice(this.at, this.at + 400));
    if (!m || m[0].length === 400)
      throw new PyLiteralError(`unexpected ${quoted(this.text[this.at])}`, this.at);
    const start = this.at;
    this.at += m[0].length;
    if (m[2] !== undefined || m[3] !== undefined) return Number(m[0]);
    if (m[1].length > 1 && m[1][0] === "0")
      throw new PyLiteralError("an integer with a leading zero", start);
    if (this.longSuffix && this.text[this.at] === "L") this.at++;
    return BigInt(m[0]);
  }
}

const WORDS = new Map<string, PyValue>([
  ["True", true],
  ["False", false],
  ["None", null],
]);

const ESCAPES = new Map([
  ["\\", "\\"],
  ["'", "'"],
  ['"', '"'],
  ["n", "\n"],
  ["t", "\t"],
  ["r", "\r"],
  ["0", "\0"],
]);
