import { Matrix } from "../math/matrix.js";

/**
 * Serialises a document whose leaves may be Matrix values, as compact JSON, in chunks (one per
 * matrix row): a full trace can be far larger than the longest string V8 can hold.
 * A matrix is a list of rows; −∞ (a masked score) is written as null, as JSON.stringify does;
 * finite numbers are written in their shortest round-trip form, so they parse back exactly.
 */
export function* jsonChunks(value: unknown): Generator<string> {
  if (value instanceof Matrix) {
    yield "[";
    for (let i = 0; i < value.rows; i++) yield `${i ? "," : ""}[${rowText(value.row(i))}]`;
    yield "]";
  } else if (Array.isArray(value)) {
    yield "[";
    for (let i = 0; i < value.length; i++) {
      if (i) yield ",";
      yield* jsonChunks(value[i]);
    }
    yield "]";
  } else if (value !== null && typeof value === "object") {
    yield "{";
    let first = true;
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      yield `${first ? "" : ","}${JSON.stringify(k)}:`;
      first = false;
      yield* jsonChunks(v);
    }
    yield "}";
  } else {
    yield JSON.stringify(value) ?? "null";
  }
}

function rowText(row: Float64Array): string {
  let s = "";
  for (let j = 0; j < row.length; j++) {
    const x = row[j];
    s += (j ? "," : "") + (Number.isFinite(x) ? String(x) : "null");
  }
  return s;
}

export function jsonText(value: unknown): string {
  return [...jsonChunks(value)].join("");
}
