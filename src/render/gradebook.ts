import type { CodeResult } from "../check/code/result.js";
import { row } from "./code-table.js";

const COLUMNS = [
  "file",
  "kind",
  "pass",
  "q1",
  "q1_reading",
  "q2",
  "diagnosis",
  "q2_first_wrong",
  "q3_points",
  "q3_found",
  "error",
  "notes",
] as const;

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
function cell(v: string | number | boolean | null): string {
  const s = v === null ? "" : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** `--csv FILE`: one row per submission, for a spreadsheet or an LMS import. */
export function gradebook(results: CodeResult[]): string {
  const lines = [COLUMNS.join(",")];
  for (const r of results) {
    const { q1, q2, q3 } = r.questions;
    const found = q3.points.filter((p) => p.found);
    const values: Record<(typeof COLUMNS)[number], string | number | boolean | null> = {
      file: r.file,
      kind: r.kind,
      pass: r.pass,
      q1: q1.pass,
      q1_reading: q1.reading,
      q2: q2.pass,
      diagnosis: row(r).why,
      q2_first_wrong: q2.first_wrong?.message ?? null,
      q3_points: q3.text === null ? null : `${found.length}/${q3.points.length}`,
      q3_found: found.map((p) => p.id).join(" "),
      error: r.error,
      notes: [...r.notes, ...q1.notes, ...q2.notes].join("; "),
    };
    lines.push(COLUMNS.map((c) => cell(values[c])).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
