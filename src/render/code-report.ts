import type { ChalkInstance } from "chalk";
import { caseName } from "../check/code/cases.js";
import type {
  CaseResult,
  CodeResult,
  Diagnosis,
  Q1Result,
  Q2Result,
  Q3Result,
} from "../check/code/result.js";

/** `2.2e-16`, `0.731` */
export const diff = (x: number | null) =>
  x === null ? "—" : x === 0 ? "0" : x < 1e-3 ? x.toExponential(1) : x.toPrecision(3);

const READING = {
  projections: "projections: query = X·Wq, key = X·Wk, value = X·Wv, as the homework's wording",
  weights: "weights: query, key, value are Wq, Wk, Wv, and the function computes X·Wq itself",
};

/** One submission: Q1, Q2 and Q3, what happened while it ran, and its output when it helps. */
export function codeReport(r: CodeResult, paint: ChalkInstance, width = 100): string {
  const ok = (b: boolean) => (b ? paint.green("✓") : paint.red("✗"));
  const { q1, q2, q3 } = r.questions;
  const out: string[] = [
    `${paint.bold(r.file)}  Q1 ${ok(q1.pass)}  Q2 ${ok(q2.pass)}  ${paint.dim(`(${r.kind}, ${r.seconds.toFixed(1)} s)`)}`,
  ];
  if (r.error) out.push(`  ${paint.magenta("could not be graded:")} ${r.error}`);
  out.push("", ...question1(q1, ok, paint), "", ...question2(q2, ok, paint), "");
  out.push(...question3(q3, paint, width));
  if (r.notes.length > 0) out.push("", paint.bold("While it ran"), ...r.notes.map((n) => `  ${n}`));
  if (r.stdout !== null) {
    out.push(
      "",
      paint.bold("What it printed"),
      ...r.stdout
        .trimEnd()
        .split("\n")
        .map((l) => `  │ ${l}`),
    );
  }
  return `${out.join("\n")}\n`;
}

function cases(cs: CaseResult[], ok: (b: boolean) => string, withSeed: boolean): string[] {
  return cs.map(
    (c) =>
      `    ${ok(c.pass)} ${caseName(c)}${withSeed ? ` (seed ${c.seed})` : ""}  ${c.error ?? `max |Δ| ${diff(c.max_abs)}`}`,
  );
}

function diagnosisLines(ds: Diagnosis[], paint: ChalkInstance): string[] {
  if (ds.length === 0) return [];
  const lead = ds.length > 1 ? "each of these reproduces it" : "likely mistake";
  return [
    `  ${paint.bold(lead)}:`,
    ...ds.flatMap((d) => [`    ${paint.yellow(d.id)}: ${d.message}`, `      fix: ${d.fix}`]),
  ];
}

function question1(q: Q1Result, ok: (b: boolean) => string, paint: ChalkInstance): string[] {
  const out = [
    `${paint.bold("Q1")}  self_attention  ${ok(q.pass)} ${q.pass ? "correct" : "wrong"}`,
  ];
  if (q.error) return [...out, `  ${q.error}`];
  if (q.reading) out.push(`  reading: ${READING[q.reading]}`);
  out.push(...cases(q.cases, ok, false), ...diagnosisLines(q.diagnosis, paint));
  if (!q.pass && q.diagnosis.length === 0)
    out.push(`  ${paint.yellow("no known mistake")} reproduces every case`);
  return [...out, ...q.notes.map((n) => `  note: ${n}`)];
}

function question2(q: Q2Result, ok: (b: boolean) => string, paint: ChalkInstance): string[] {
  const out = [
    `${paint.bold("Q2")}  encoder_layer, after np.random.seed(s) and the cell's draws  ${ok(q.pass)} ${q.pass ? "correct" : "wrong"}`,
  ];
  if (q.error && q.cases.length === 0) return [...out, `  ${q.error}`];
  out.push(...cases(q.cases, ok, true));
  if (q.first_wrong) out.push(`  ${paint.bold("first wrong step")}: ${q.first_wrong.message}`);
  out.push(...diagnosisLines(q.diagnosis, paint));
  if (!q.pass && q.diagnosis.length === 0 && q.cases.some((c) => c.max_abs !== null)) {
    out.push(`  ${paint.yellow("no known mistake")} reproduces the output`);
  }
  return [...out, ...q.notes.map((n) => `  note: ${n}`)];
}

function question3(q: Q3Result, paint: ChalkInstance, width: number): string[] {
  const out = [`${paint.bold("Q3")}  how a decoder would differ  ${paint.dim(`(${q.note})`)}`];
  if (q.text === null) return [...out, "  no Q3 prompt found"];
  if (q.text.trim() === "") out.push("  (no answer below the prompt)");
  else out.push(...wrap(q.text, width - 6).map((l) => `  │ ${l}`));
  out.push("  points of a complete answer:");
  for (const p of q.points) {
    const mark = p.found ? paint.green("✓") : paint.dim("·");
    out.push(`    ${mark} ${p.label}${p.evidence ? paint.dim(`  «${p.evidence}»`) : ""}`);
  }
  return out;
}

/** Lines of at most `width` characters, breaking at spaces; the text's own line breaks kept. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(line);
  }
  return out;
}
