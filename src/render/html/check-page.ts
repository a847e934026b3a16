import type { Status } from "../../check/result.js";
import { Matrix } from "../../math/matrix.js";
import { EXACT_MAX, esc, type PageAssets, type PageData, pageChunks } from "./page.js";
import { signedLimit } from "./palette.js";
import type { PageStep } from "./steps.js";

const INPUT: PageStep["op"] = { kind: "input" };

/** One answer of a `check` run, as the report page shows it. */
export interface CheckRow {
  file: string;
  /** as the report's table says it: correct, wrong, unreadable or ungraded */
  status: Status;
  /** why the file could not be read (unreadable) or graded (ungraded) */
  error?: string;
  against?: string;
  /** the output's largest |answer − reference| */
  maxAbs?: number;
  firstDivergence?: string;
  diagnosis: { id: string; message: string; fix: string }[];
  /** the first diverging matrix: the answer's, the reference's and the first wrong entry */
  wrong?: { name: string; answer: Matrix; reference: Matrix; first?: [number, number] };
}

/** A square of the class at a glance: green, red, or grey for a file not graded. */
const SQUARE: Record<Status, string> = {
  correct: "pass",
  wrong: "fail",
  unreadable: "error",
  ungraded: "error",
};
const MARK: Record<Status, string> = { correct: "✓", wrong: "✗", unreadable: "?", ungraded: "?" };

/**
 * The grading report as a page: the class at a glance (one square per answer), a table with one
 * row per answer (its status, as the text report's), then each wrong answer's first diverging matrix as answer, reference and
 * difference side by side, its first wrong entry marked.
 */
export function* checkPage(
  rows: CheckRow[],
  config: Record<string, unknown>,
  assets: PageAssets,
  count: string,
): Generator<string> {
  const steps: PageStep[] = [];
  const mats = new Map<string, Matrix>();
  const sections: string[] = [];
  rows.forEach((r, n) => {
    if (!r.wrong) return;
    const { name, answer, reference, first } = r.wrong;
    const p = `r${n}`;
    const step = (
      key: string,
      title: string,
      m: Matrix,
      op: PageStep["op"],
      operands: string[],
    ): PageStep => ({
      path: `${p}.${key}`,
      name: key,
      label: title,
      formula: "",
      rows: m.rows,
      cols: m.cols,
      shape: `${m.rows}×${m.cols}`,
      kind: "signed",
      op,
      operands: operands.map((path) => ({ path })),
      place: { block: "inputs" },
      mark: first,
    });
    const limit = Math.max(signedLimit(answer.data), signedLimit(reference.data));
    const same = answer.rows === reference.rows && answer.cols === reference.cols;
    const figures: PageStep[] = [
      { ...step("answer", `${name} (answer)`, answer, INPUT, []), limit },
      { ...step("reference", `${name} (reference)`, reference, INPUT, []), limit },
    ];
    mats.set(`${p}.answer`, answer);
    mats.set(`${p}.reference`, reference);
    if (same) {
      const d = new Matrix(
        answer.rows,
        answer.cols,
        answer.data.map((a, k) => a - reference.data[k]),
      );
      mats.set(`${p}.difference`, d);
      figures.push(
        step("difference", `${name} (answer − reference)`, d, { kind: "difference" }, [
          `${p}.answer`,
          `${p}.reference`,
        ]),
      );
    }
    steps.push(...figures);
    const where = first ? `; first wrong entry [${first.join(", ")}], outlined` : "";
    sections.push(
      `<section class="block" id="answer-${n}"><h3>${esc(r.file)}: ${esc(name)}</h3><p class="note">the first diverging matrix${where}${same ? "" : `; shapes differ: ${answer.rows}×${answer.cols}, expected ${reference.rows}×${reference.cols}`}</p><div class="side-by-side">${figures
        .map(
          (s) =>
            `<figure class="step" data-path="${esc(s.path)}"><figcaption><b class="name">${esc(s.label)}</b> <span class="shape">${s.shape}</span></figcaption><div class="matrix"><div class="grid" tabindex="0" data-path="${esc(s.path)}" aria-label="${esc(s.label)}"></div></div></figure>`,
        )
        .join("")}</div></section>`,
    );
  });
  const matrices: PageData["matrices"] = {};
  steps.forEach((s, n) => {
    const big = s.rows * s.cols > EXACT_MAX;
    matrices[s.path] = { rows: s.rows, cols: s.cols, id: `m${n}`, bits: big ? 32 : 64 };
  });
  const glance = rows
    .map(
      (r, n) =>
        `<a href="#row-${n}" class="square ${SQUARE[r.status]}" title="${esc(r.file)}: ${r.status}">${MARK[r.status]}</a>`,
    )
    .join("");
  const table = rows
    .map((r, n) => {
      const verdict = r.status;
      const diff = r.maxAbs === undefined ? "" : Number(r.maxAbs.toPrecision(3)).toString();
      const why = r.error
        ? esc(r.error)
        : [
            r.firstDivergence && r.status !== "correct"
              ? `first divergence: ${r.wrong ? `<a href="#answer-${n}">${esc(r.firstDivergence)}</a>` : esc(r.firstDivergence)}`
              : "",
            ...r.diagnosis.map(
              (d) =>
                `<b>${esc(d.id)}</b>: ${esc(d.message)}<br><span class="note">fix: ${esc(d.fix)}</span>`,
            ),
          ]
            .filter(Boolean)
            .join("<br>");
      return `<tr id="row-${n}" class="${verdict === "correct" ? "pass" : "fail"}"><td>${esc(r.file)}</td><td class="verdict">${verdict === "correct" ? "✓" : "✗"} ${verdict}</td><td>${diff}</td><td>${why}</td></tr>`;
    })
    .join("\n");
  const tol = `rtol ${config.rtol}, atol ${config.atol}${config.seed !== null && config.seed !== undefined ? ` · rng ${config.rng} · seed ${config.seed}` : ""}`;
  const body = [
    `<header><h1>transformer-lab check</h1><p class="config">${esc(count)} · ${esc(tol)}</p></header>`,
    `<nav class="glance" aria-label="the class at a glance">${glance}</nav>`,
    `<main><table class="results"><thead><tr><th>file</th><th>verdict</th><th>max difference</th><th>first divergence, diagnosis</th></tr></thead><tbody>${table}</tbody></table>`,
    sections.join("\n"),
    "</main>",
    `<aside id="why" aria-live="polite" hidden></aside>`,
  ].join("\n");
  const data: PageData = { command: "check", config, precision: 4, steps, matrices };
  yield* pageChunks(
    "transformer-lab check",
    body,
    data,
    (path) => mats.get(path) as Matrix,
    assets,
  );
}
