import type { ChalkInstance } from "chalk";
import type { Comparison } from "../check/compare.js";
import type { Grade } from "../check/grade.js";
import { type Result, type Status, statusOf } from "../check/result.js";
import type { Computation, Dims } from "../model/dims.js";
import { shapeText } from "./shape.js";
import { whyText } from "./why.js";

export { type Result, type Status, statusOf };

/** A student's status: the first of these any of their files has. */
const WORST: Status[] = ["wrong", "unreadable", "ungraded", "correct"];

const num = (x: number, p = 6) =>
  Number.isFinite(x) ? Number(x.toPrecision(p)).toString() : String(x);

/** 1e-5 rather than 0.00001. */
const short = (x: number) => (x !== 0 && Math.abs(x) < 1e-3 ? x.toExponential() : String(x));

/** The assert_allclose-style account of one mismatch. */
function mismatchLines(c: Comparison): string[] {
  if (c.shape) {
    return [`shape ${shapeText(...c.shape.actual)}, expected ${shapeText(...c.shape.expected)}`];
  }
  const pct = ((100 * c.mismatched) / c.total).toFixed(c.mismatched === c.total ? 0 : 2);
  const lines = [
    `Mismatched elements: ${c.mismatched} / ${c.total} (${pct}%)`,
    `Max absolute difference: ${num(c.maxAbs)}`,
    `Max relative difference: ${num(c.maxRel)}`,
  ];
  if (c.first) {
    lines.push(
      `First wrong index [${c.first.index.join(", ")}]: actual ${num(c.first.actual, 8)}, expected ${num(c.first.expected, 8)}`,
    );
  }
  return lines;
}

/** A readable verdict for one answer. */
export function gradeText(g: Grade, paint: ChalkInstance): string {
  const tolerance = g.tolerance;
  const d = g.dims;
  const dims =
    g.computation === "attention"
      ? `seq ${d.seq} · src ${d.src} · dmodel ${d.dmodel}`
      : `seq ${d.seq} · emb ${d.emb} · dmodel ${d.dmodel} · heads ${d.heads} · layers ${d.layers}`;
  const tol = `rtol ${short(tolerance.rtol)}, atol ${short(tolerance.atol)}`;
  const out: string[] = [];
  const output = g.compared.at(-1) as Comparison;
  const notes = g.notes.map((n) => paint.dim(`  note: ${n}`));
  if (g.pass) {
    const label =
      g.verdict === "renamed"
        ? "✓ output correct; intermediates named differently"
        : g.verdict === "float32"
          ? "✓ correct at float32 precision"
          : "✓ correct";
    out.push(`${paint.bold(g.file)}  ${paint.green(label)}`);
    out.push(
      paint.dim(
        `  ${g.computation} · ${dims} · ${g.compared.length} matri${g.compared.length === 1 ? "x" : "ces"} within ${tol}; output max difference ${num(output.maxAbs, 3)}`,
      ),
    );
    for (const c of g.compared.filter((c) => c.equals)) out.push(`  ${equalsLine(c)}`);
    out.push(...seedLines(g), ...notes);
    return `${out.join("\n")}\n`;
  }
  if (g.slip) {
    out.push(`${paint.bold(g.file)}  ${paint.red(`✗ file slip: ${g.slip.id}`)}`);
    out.push(`  ${g.slip.message}`, `  fix: ${g.slip.fix}`);
    if (!g.slip.output) return `${[...out, ...notes].join("\n")}\n`;
    out.push(
      output.pass
        ? `  ${paint.green("the matrix meant is correct")}`
        : `  the matrix meant is wrong too:`,
    );
  } else {
    out.push(`${paint.bold(g.file)}  ${paint.red("✗ wrong")}`);
  }
  out.push(paint.dim(`  ${g.computation} · ${dims} · compared with ${tol}`), ...seedLines(g));
  if (g.compared.length > 1) {
    out.push(
      "",
      `  ${g.compared.map((c) => (c.pass ? paint.green(`✓ ${c.name}`) : paint.red(`✗ ${c.name}`))).join("  ")}`,
    );
  }
  for (const c of g.compared.filter((c) => c.equals)) out.push(`  ${equalsLine(c)}`);
  const first = g.compared.find((c) => !c.pass);
  if (!first) return `${[...out, ...notes].join("\n")}\n`;
  const firstLabel = g.compared.length > 1 ? `first divergence: ${first.name}` : first.name;
  out.push("", `  ${paint.bold(firstLabel)}`, ...mismatchLines(first).map((l) => `    ${l}`));
  if (g.why) {
    const [i, j] = first.first?.index ?? [];
    out.push(
      "",
      `    how the reference makes ${first.name}[${i},${j}] (yours is ${num(g.why.actual, 8)}):`,
      ...whyText(g.why.table, g.why.tree, 4)
        .trimEnd()
        .split("\n")
        .map((l) => `      ${l}`),
    );
  }
  if (first !== output && !output.pass) {
    out.push("", `  ${paint.bold("output")}`, ...mismatchLines(output).map((l) => `    ${l}`));
  }
  out.push("");
  if (output.pass) {
    out.push(
      "  The output is right although an intermediate is not: check how that intermediate is saved.",
    );
  } else if (g.undiagnosed) {
    out.push(`  ${paint.yellow("Known mistakes not tried")}: ${g.undiagnosed}.`);
  } else if (g.diagnosis.length === 0) {
    out.push(
      `  ${paint.yellow("No known mistake reproduces this output.")} Compare the intermediates step by step:`,
    );
    out.push(
      `  transformer-lab ${g.computation} --rng numpy --seed ${g.seed ?? "S"} shows each one.`,
    );
    out.push(...g.hints.map((h) => `  ${h}`));
  } else {
    const lead =
      g.diagnosis.length > 1
        ? "each of these reproduces the output"
        : g.diagnosis[0].id.includes("+")
          ? "likely mistakes, made together"
          : "likely mistake";
    out.push(`  ${paint.bold(lead)}:`);
    for (const m of g.diagnosis) {
      out.push(`    ${paint.yellow(m.id)}: ${m.message}`, `      fix: ${m.fix}`);
    }
    if (g.ambiguity) out.push(`  ${paint.dim(g.ambiguity)}`);
  }
  out.push(...notes);
  return `${out.join("\n")}\n`;
}

/** One answer alone: its verdict in full, or why it was not graded. */
export function resultText(r: Result, paint: ChalkInstance): string {
  if ("grade" in r) return gradeText(r.grade, paint);
  const label = paint[STATUS_COLOUR[statusOf(r)]](`✗ ${verdictWord(r)}`);
  const dims = r.computation && r.dims ? [paint.dim(`  ${r.computation} · ${dimsCell(r)}`)] : [];
  return `${[`${paint.bold(r.file)}  ${label}`, ...dims, `  ${diagnosisText(r)}`].join("\n")}\n`;
}

/** "your `scores` equals `scaled`" */
function equalsLine(c: Comparison): string {
  return `your ${c.name} equals the reference's ${c.equals}${c.equals === "scaled" ? " (after the division by √d_k)" : ""}`;
}

/** Where the seed came from, and what a search found. */
function seedLines(g: Grade): string[] {
  return g.seedNote ? [`  ${g.seedNote}`] : [];
}

/** The verdict column's words for one file. */
function verdictWord(r: Result): string {
  if (!("grade" in r)) {
    return r.status === "ungraded" ? `ungraded${r.reason ? ` — ${r.reason}` : ""}` : "unreadable";
  }
  const g = r.grade;
  return {
    correct: "correct",
    float32: "correct at float32 precision",
    renamed: "output correct; intermediates named differently",
    slip: `file slip: ${g.slip?.id}`,
    wrong: "wrong",
  }[g.verdict];
}

const STATUS_COLOUR = {
  correct: "green",
  wrong: "red",
  unreadable: "magenta",
  ungraded: "yellow",
} as const;

/** A cell with nothing that applies to the row. */
const NONE = "—";

/** The max difference of the first diverging matrix (with its name when not the output). */
function firstDifference(r: Result): string {
  if (!("grade" in r)) return NONE;
  const g = r.grade;
  const first = g.compared.find((c) => !c.pass) ?? (g.compared.at(-1) as Comparison);
  const value = first.shape ? "shape" : num(first.maxAbs, 3);
  return first.name === "output" || g.pass ? value : `${value} (${first.name})`;
}

/** The diagnosis with its fix; for a file not graded, why. */
function diagnosisText(r: Result): string {
  if (!("grade" in r)) {
    return r.error.startsWith(`${r.file}: `) ? r.error.slice(r.file.length + 2) : r.error;
  }
  const g = r.grade;
  if (g.slip) return `${g.slip.message}; fix: ${g.slip.fix}`;
  if (g.pass)
    return (
      [g.seedNote?.includes("correct") ? g.seedNote : "", ...equalsNotes(g)]
        .filter(Boolean)
        .join("; ") || NONE
    );
  const output = g.compared.at(-1) as Comparison;
  if (g.diagnosis.length > 0) {
    const each = g.diagnosis.map((m) => `${m.id}: ${m.fix}`).join(" | ");
    return g.diagnosis.length > 1 ? `one of (cannot tell apart): ${each}` : each;
  }
  if (output.pass) return `first divergence: ${g.firstDivergence}`;
  if (g.undiagnosed) return g.undiagnosed;
  return ["no known mistake", ...g.hints.map(headline)].join("; ");
}

/**
 * A hint's headline for the table: the text before its first colon outside parentheses (the
 * details after it are printed in full below the table, or by --json). A colon inside
 * parentheses, as in "(row 0: mean …)", belongs to the headline.
 */
export function headline(hint: string): string {
  let depth = 0;
  for (let i = 0; i < hint.length; i++) {
    const c = hint[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === ":" && depth === 0) return hint.slice(0, i);
  }
  return hint;
}

function equalsNotes(g: Grade): string[] {
  return g.compared.filter((c) => c.equals).map((c) => `${c.name} = ${c.equals}`);
}

function dimsText(computation: Computation, d: Dims): string {
  return computation === "attention"
    ? `${d.seq}×${d.src}×${d.dmodel}`
    : `${d.seq}×${d.emb}×${d.dmodel}${d.ffn !== 4 * d.emb ? ` ffn ${d.ffn}` : ""}`;
}

function seedCell(r: Result): string {
  return "grade" in r && r.grade.seed !== undefined ? String(r.grade.seed) : NONE;
}

function dimsCell(r: Result): string {
  if ("grade" in r) return dimsText(r.grade.computation, r.grade.dims);
  return r.computation && r.dims ? dimsText(r.computation, r.dims) : NONE;
}

/** The file of a group that decides the student's status: the first wrong, unreadable, … */
function decisive(group: Result[]): number {
  const rank = group.map((r) => WORST.indexOf(statusOf(r)));
  return rank.indexOf(Math.min(...rank));
}

/** `ana (.npy .npz)` for files of one stem, `joana/ (2 files)` for a student's folder. */
function studentName(group: Result[]): string {
  const student = group[0].student ?? group[0].file;
  if (group.length === 1) return group[0].file;
  const exts = group.map((r) => r.file.slice(student.length));
  return exts.every((e) => /^\.\w+$/.test(e))
    ? `${student} (${exts.join(" ")})`
    : `${student}/ (${group.length} files)`;
}

const fileName = (path: string) => path.replace(/^.*\//, "");

/**
 * One student's row: the decisive file's verdict (with `· files differ` when their verdicts
 * differ), its max difference, the diagnosis (each file's verdict and diagnosis when they differ,
 * the decisive file first), the seeds and the dimensions graded at.
 */
function studentRow(group: Result[], paint: ChalkInstance): string[] {
  const w = decisive(group);
  const words = group.map(verdictWord);
  const diags = group.map(diagnosisText);
  const disagree = new Set(words).size > 1;
  const differ = disagree || new Set(diags).size > 1;
  const verdict =
    paint[STATUS_COLOUR[statusOf(group[w])]](words[w]) +
    (disagree ? paint.yellow(" · files differ") : "");
  const order = [w, ...group.keys()].filter((i, n, all) => all.indexOf(i) === n);
  const diagnosis = differ
    ? order
        .map(
          (i) =>
            `${fileName(group[i].file)}: ${words[i]}${diags[i] === NONE ? "" : ` — ${diags[i]}`}`,
        )
        .join("; ")
    : diags[w];
  // the seeds and dimensions the files were graded at (a file needing none says nothing)
  const unique = (cells: string[]) =>
    [...new Set(cells.filter((c) => c !== NONE))].join(" / ") || NONE;
  return [
    studentName(group),
    verdict,
    firstDifference(group[w]),
    diagnosis,
    unique(group.map(seedCell)),
    unique(group.map(dimsCell)),
  ];
}

/** Results by student, in the order first seen. */
export function byStudent(results: Result[]): Result[][] {
  const groups = new Map<string, Result[]>();
  for (const r of results) {
    const key = r.student ?? r.file;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/**
 * Several answers: one row per student (their files' verdicts combined, and shown file by file
 * when they disagree) — verdict, max difference of the first diverging matrix, diagnosis with
 * its fix, seed and dimensions — and a closing count. On a terminal of `width` columns the
 * diagnosis column takes what the others leave and wraps between words; seed and dimensions give
 * way first when the terminal is narrow (they are in --json too).
 */
export async function batchText(
  results: Result[],
  paint: ChalkInstance,
  width?: number,
): Promise<string> {
  const { default: Table } = await import("cli-table3");
  // under 80 columns the headers give way to the diagnosis
  const narrow = width !== undefined && width < 80;
  const head = [
    "student",
    "verdict",
    narrow ? "max diff" : "max difference",
    narrow ? "diagnosis" : "diagnosis · fix",
    "seed",
    "dims",
  ];
  const rows = byStudent(results).map((group) => studentRow(group, paint));
  let widths: (number | null)[] = [null, 22, null, 48, null, null];
  let columns = head.length;
  if (width !== undefined) {
    const widest = (col: number) =>
      Math.max(...[head[col], ...rows.map((r) => r[col])].map(longestLine)) + 2; // + padding
    const layout = (n: number) => {
      const fixed = [0, Math.min(widest(1), 22), widest(2), 0, widest(4), widest(5)].slice(0, n);
      const room = width - fixed.reduce((a, b) => a + b, 0) - (n + 1); // borders
      const needed = widest(3);
      // what the others leave is shared: the path gives way down to a third of it
      fixed[0] = Math.max(9, Math.min(widest(0), Math.max(room - needed, Math.floor(room / 3))));
      fixed[3] = Math.max(12, Math.min(needed, room - fixed[0]));
      return { fixed, fits: room - fixed[0] >= 12 };
    };
    while (columns > 4 && !layout(columns).fits) columns -= 1;
    widths = layout(columns).fixed;
    const diagnosis = widths[3] as number;
    for (const r of rows)
      r[3] = r[3]
        .split("\n")
        .map((l) => wrapWords(l, diagnosis - 2))
        .join("\n");
  }
  const table = new Table({
    head: head.slice(0, columns),
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    wordWrap: true,
    wrapOnWordBoundary: width === undefined,
    colWidths: widths.slice(0, columns) as number[],
  });
  for (const r of rows) table.push(r.slice(0, columns));
  return `${table.toString()}\n${countLine(results)}\n`;
}

/** The widest line of a cell, without its colours. */
function longestLine(cell: string): number {
  const ansi = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
  return Math.max(...cell.split("\n").map((l) => l.replace(ansi, "").length));
}

/** Text broken into lines of at most `width` characters, between words where it can be. */
function wrapWords(text: string, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join("\n");
}

/** `3 passed, 2 failed, 1 could not be read, 1 ungraded`, per file; then per student. */
export function countLine(results: Result[]): string {
  const n = (status: Status) => results.filter((r) => statusOf(r) === status).length;
  const [unreadable, ungraded] = [n("unreadable"), n("ungraded")];
  const students = byStudent(results);
  const passing = students.filter((g) => g.every((r) => statusOf(r) === "correct")).length;
  return [
    `${n("correct")} passed, ${n("wrong")} failed`,
    unreadable ? `, ${unreadable} could not be read` : "",
    ungraded ? `, ${ungraded} ungraded` : "",
    students.length < results.length ? `; students: ${passing} of ${students.length} passed` : "",
  ].join("");
}

/**
 * SPEC section 4's `--json`, with documented extras: each result's `status` (`correct`, `wrong`,
 * `unreadable`, `ungraded`), `verdict`, `difference` (the first diverging matrix and its max
 * difference), seed and dimensions; one entry per student; counts per status.
 */
export function checkDocument(
  results: Result[],
  config: Record<string, unknown>,
): Record<string, unknown> {
  const n = (status: Status) => results.filter((r) => statusOf(r) === status).length;
  return {
    schema: 1,
    command: "check",
    config,
    results: results.map(resultJson),
    students: byStudent(results).map((group) => {
      const w = group[decisive(group)];
      return {
        student: group[0].student ?? group[0].file,
        files: group.map((r) => r.file),
        pass: group.every((r) => statusOf(r) === "correct"),
        status: statusOf(w),
        verdict: "grade" in w ? w.grade.verdict : statusOf(w),
        agree: new Set(group.map(verdictWord)).size === 1,
      };
    }),
    passed: n("correct"),
    failed: n("wrong"),
    errors: n("unreadable") + n("ungraded"),
    unreadable: n("unreadable"),
    ungraded: n("ungraded"),
  };
}

function resultJson(r: Result): Record<string, unknown> {
  if (!("grade" in r))
    return {
      file: r.file,
      student: r.student,
      pass: false,
      status: statusOf(r),
      verdict: statusOf(r),
      reason: r.reason,
      error: r.error,
      against: r.computation ?? null,
      seed: null,
      dims: r.dims ?? null,
      difference: null,
      compared: [],
      diagnosis: [],
    };
  const g = r.grade;
  const first = g.compared.find((c) => !c.pass);
  return {
    file: g.file,
    student: r.student,
    pass: g.pass,
    status: statusOf(r),
    verdict: g.verdict,
    against: g.computation,
    seed: g.seed ?? null,
    seed_note: g.seedNote,
    draw_order: g.drawOrder,
    dims: g.dims,
    tolerance: g.tolerance,
    notes: g.notes,
    slip: g.slip ? { id: g.slip.id, message: g.slip.message, fix: g.slip.fix } : undefined,
    ambiguity: g.ambiguity,
    hints: g.hints,
    difference: difference(first ?? (g.compared.at(-1) as Comparison)),
    compared: g.compared.map((c) => ({
      name: c.name,
      pass: c.pass,
      mismatched: c.mismatched,
      total: c.total,
      max_abs: finite(c.maxAbs),
      max_rel: finite(c.maxRel),
      first_wrong: c.first,
      shape: c.shape,
      equals: c.equals,
    })),
    first_divergence: g.firstDivergence,
    diagnosis: g.diagnosis,
    undiagnosed: g.undiagnosed,
  };
}

function difference(c: Comparison): { matrix: string; max_abs: number | null } {
  return { matrix: c.name, max_abs: c.shape ? null : finite(c.maxAbs) };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
