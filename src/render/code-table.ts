import type { ChalkInstance } from "chalk";
import type { CodeResult, Q1Result, Q2Result } from "../check/code/result.js";

/** What the table says about a submission, before colour: one short line each. */
export interface Row {
  file: string;
  q1: string;
  q2: string;
  why: string;
  q3: string;
  state: "pass" | "fail" | "error";
}

const mark = (q: Q1Result | Q2Result) => (q.pass ? "✓" : q.cases.length === 0 ? "—" : "✗");

/** A cell that raised or was stopped: worth a word even when the answers are right. */
const cellTrouble = (note: string) =>
  /^(cell \d+|the script) (raised|was still running)/.test(note);

/**
 * The diagnosis column: why it could not be graded, else the mistakes, else the first wrong
 * step; for a right submission, a cell that raised on the way.
 */
export function row(r: CodeResult): Row {
  const { q1, q2, q3 } = r.questions;
  const ids = [...new Set([...q1.diagnosis, ...q2.diagnosis].map((d) => d.id))];
  const why = r.error
    ? r.error
    : r.pass
      ? (r.notes.find(cellTrouble) ?? "")
      : ids.length > 0
        ? ids.join(", ")
        : [
            q1.error ?? (q1.pass ? "" : `Q1: no known mistake`),
            q2.error ?? (q2.pass ? "" : `Q2: ${q2.first_wrong?.message ?? "no known mistake"}`),
          ]
            .filter(Boolean)
            .join("; ");
  const found = q3.points.filter((p) => p.found).length;
  return {
    file: r.file,
    q1: `${mark(q1)}${q1.reading === "weights" ? " w" : ""}`,
    q2: mark(q2),
    why,
    q3: q3.text === null ? "—" : `${found}/${q3.points.length}`,
    state: r.error ? "error" : r.pass ? "pass" : "fail",
  };
}

/** `text` cut or padded to `width` characters. */
function pad(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text + " ".repeat(width - chars.length);
  return `${chars.slice(0, width - 1).join("")}…`;
}

/** The folder all the files share (`turma/`), which the table need not repeat on every line. */
function commonFolder(files: string[]): string {
  let prefix = files[0] ?? "";
  for (const f of files) while (!f.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix.slice(0, prefix.lastIndexOf("/") + 1);
}

/**
 * Several submissions: one line each (submission, Q1, Q2, diagnosis, Q3 points) cut to fit
 * `width` columns, then a count.
 */
export function codeTable(results: CodeResult[], paint: ChalkInstance, width: number): string {
  const rows = results.map(row);
  const folder = commonFolder(rows.map((r) => r.file));
  const names = rows.map((r) => r.file.slice(folder.length));
  const fileW = Math.max(
    10,
    Math.min(Math.max(...names.map((n) => [...n].length)), Math.floor(width * 0.4)),
  );
  const whyW = Math.max(12, width - fileW - 4 - 4 - 5 - 2 * 4);
  const verdict = (s: string) => {
    const cell = pad(s, 4);
    return s.startsWith("✓")
      ? paint.green(cell)
      : s.startsWith("✗")
        ? paint.red(cell)
        : paint.dim(cell);
  };
  const out = folder ? [paint.dim(`in ${folder}`)] : [];
  out.push(
    paint.bold(
      [pad("submission", fileW), pad("Q1", 4), pad("Q2", 4), pad("diagnosis", whyW), "Q3"].join(
        "  ",
      ),
    ),
  );
  rows.forEach((r, n) => {
    const why = pad(r.why, whyW);
    const cells = [
      pad(names[n], fileW),
      verdict(r.q1),
      verdict(r.q2),
      r.state === "error" ? paint.magenta(why) : r.state === "pass" ? paint.dim(why) : why,
      r.q3,
    ];
    out.push(cells.join("  ").trimEnd());
  });
  const count = (s: Row["state"]) => rows.filter((r) => r.state === s).length;
  out.push(
    "",
    `${results.length} submissions: ${count("pass")} correct, ${count("fail")} wrong${count("error") ? `, ${count("error")} could not be graded` : ""}`,
  );
  if (rows.some((r) => r.q1.endsWith("w"))) {
    out.push(paint.dim("Q1 w: self_attention takes the weights Wq, Wk, Wv (accepted)"));
  }
  out.push(
    paint.dim("Q3: points of a complete answer found in the text (a reading aid, not a grade)"),
  );
  return `${out.join("\n")}\n`;
}
