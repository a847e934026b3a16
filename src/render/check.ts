import type { ChalkInstance } from "chalk";
import type { Comparison } from "../check/compare.js";
import type { Grade } from "../check/grade.js";
import { shapeText } from "./shape.js";

/** One answer's result: graded, or refused with the reason (a bad file). */
export type Result = { file: string; grade: Grade } | { file: string; error: string };

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
export function gradeText(
  g: Grade,
  tolerance: { rtol: number; atol: number },
  paint: ChalkInstance,
): string {
  const d = g.dims;
  const dims =
    g.computation === "attention"
      ? `seq ${d.seq} · src ${d.src} · dmodel ${d.dmodel}`
      : `seq ${d.seq} · emb ${d.emb} · dmodel ${d.dmodel} · heads ${d.heads} · layers ${d.layers}`;
  const tol = `rtol ${short(tolerance.rtol)}, atol ${short(tolerance.atol)}`;
  const out: string[] = [];
  const output = g.compared.at(-1) as Comparison;
  if (g.pass) {
    out.push(`${paint.bold(g.file)}  ${paint.green("✓ correct")}`);
    out.push(
      paint.dim(
        `  ${g.computation} · ${dims} · ${g.compared.length} matri${g.compared.length === 1 ? "x" : "ces"} within ${tol}; output max difference ${num(output.maxAbs, 3)}`,
      ),
    );
    return `${out.join("\n")}\n`;
  }
  out.push(`${paint.bold(g.file)}  ${paint.red("✗ wrong")}`);
  out.push(paint.dim(`  ${g.computation} · ${dims} · compared with ${tol}`));
  if (g.compared.length > 1) {
    out.push(
      "",
      `  ${g.compared.map((c) => (c.pass ? paint.green(`✓ ${c.name}`) : paint.red(`✗ ${c.name}`))).join("  ")}`,
    );
  }
  const first = g.compared.find((c) => !c.pass) as Comparison;
  const firstLabel = g.compared.length > 1 ? `first divergence: ${first.name}` : first.name;
  out.push("", `  ${paint.bold(firstLabel)}`, ...mismatchLines(first).map((l) => `    ${l}`));
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
    out.push(`  transformer-lab ${g.computation} --rng numpy --seed S shows each one.`);
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
  }
  return `${out.join("\n")}\n`;
}

/** Several answers: a table (file, verdict, max difference, diagnosis) and a closing count. */
export async function batchText(results: Result[], paint: ChalkInstance): Promise<string> {
  const { default: Table } = await import("cli-table3");
  const table = new Table({
    head: ["file", "verdict", "max difference", "diagnosis"],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    wordWrap: true,
    colWidths: [null, null, null, 48] as unknown as number[],
  });
  for (const r of results) {
    if ("error" in r) {
      const reason = r.error.startsWith(`${r.file}: `) ? r.error.slice(r.file.length + 2) : r.error;
      table.push([r.file, paint.magenta("error"), "", reason]);
      continue;
    }
    const g = r.grade;
    const output = g.compared.at(-1) as Comparison;
    const verdict = g.pass ? paint.green("correct") : paint.red("wrong");
    const diff = output.shape ? "shape" : num(output.maxAbs, 3);
    const why = g.pass
      ? ""
      : [
          ...(g.firstDivergence && g.compared.length > 1
            ? [`first divergence: ${g.firstDivergence}`]
            : []),
          g.diagnosis.length
            ? g.diagnosis.map((m) => m.id).join(", ")
            : output.pass
              ? ""
              : "no known mistake",
        ]
          .filter(Boolean)
          .join("; ");
    table.push([g.file, verdict, diff, why]);
  }
  return `${table.toString()}\n${countLine(results)}\n`;
}

export function countLine(results: Result[]): string {
  const passed = results.filter((r) => "grade" in r && r.grade.pass).length;
  const errors = results.filter((r) => "error" in r).length;
  const failed = results.length - passed - errors;
  return `${passed} passed, ${failed} failed${errors ? `, ${errors} could not be read` : ""}`;
}

/** SPEC section 4's `--json`. */
export function checkDocument(
  results: Result[],
  config: Record<string, unknown>,
): Record<string, unknown> {
  const passed = results.filter((r) => "grade" in r && r.grade.pass).length;
  const errors = results.filter((r) => "error" in r).length;
  return {
    schema: 1,
    command: "check",
    config,
    results: results.map((r) => {
      if ("error" in r)
        return { file: r.file, pass: false, error: r.error, compared: [], diagnosis: [] };
      const g = r.grade;
      return {
        file: g.file,
        pass: g.pass,
        against: g.computation,
        compared: g.compared.map((c) => ({
          name: c.name,
          pass: c.pass,
          mismatched: c.mismatched,
          total: c.total,
          max_abs: finite(c.maxAbs),
          max_rel: finite(c.maxRel),
          first_wrong: c.first,
          shape: c.shape,
        })),
        first_divergence: g.firstDivergence,
        diagnosis: g.diagnosis,
        undiagnosed: g.undiagnosed,
      };
    }),
    passed,
    failed: results.length - passed - errors,
    errors,
  };
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
