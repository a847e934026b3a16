import type { Matrix } from "../math/matrix.js";
import { type Computed, matrixAt } from "../model/trace/lookup.js";
import type { RunConfig } from "./document.js";
import { esc } from "./html/page.js";
import { HIDDEN, hexAt, inkOn, lut, lutIndex, type Scale, signedLimit } from "./html/palette.js";
import type { PageStep } from "./html/steps.js";

export interface HeatMapOptions {
  /** `weights = softmax(masked)` */
  title: string;
  /** `layer 0 · head 1 · 12×12` */
  subtitle: string;
  scale: Scale;
  /** −∞ where a cell is hidden by the mask (the masked scores of a weights matrix) */
  mask?: Matrix;
  /** label rows q0, q1, … and columns k0, k1, … (attention) rather than by index */
  attention?: boolean;
}

/**
 * One matrix as a standalone SVG heat map for slides and reports: a square per cell on the
 * page's light palette (diverging around 0, or sequential 0 … 1 for weights), masked cells
 * hatched, the numbers printed when the cells are large enough, a colour bar, a title.
 */
export function heatMapSvg(m: Matrix, o: HeatMapOptions): string {
  const cell = Math.max(4, Math.min(40, Math.floor(640 / Math.max(m.rows, m.cols))));
  const labelEvery = cell >= 14 ? 1 : Math.ceil(14 / cell);
  const left = 44;
  const top = 64;
  const width = left + m.cols * cell + 24;
  const height = top + m.rows * cell + 64;
  const table = lut("light", o.scale);
  const limit = o.scale === "weights" ? 1 : signedLimit(m.data);
  const numbers = cell >= 34;
  const [h0, h1] = HIDDEN.light;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    `<defs><pattern id="hidden" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${h0}"/><rect width="2" height="6" fill="${h1}"/></pattern></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold" fill="#1d1d1f">${esc(o.title)}</text>`,
    `<text x="${left}" y="42" font-size="12" fill="#5f6368">${esc(o.subtitle)}</text>`,
  ];
  const rowLabel = o.attention ? "q" : "";
  const colLabel = o.attention ? "k" : "";
  for (let j = 0; j < m.cols; j += labelEvery) {
    out.push(
      `<text x="${left + j * cell + cell / 2}" y="${top - 6}" font-size="10" text-anchor="middle" fill="#5f6368">${colLabel}${j}</text>`,
    );
  }
  for (let i = 0; i < m.rows; i++) {
    const y = top + i * cell;
    if (i % labelEvery === 0) {
      out.push(
        `<text x="${left - 6}" y="${y + cell / 2 + 3}" font-size="10" text-anchor="end" fill="#5f6368">${rowLabel}${i}</text>`,
      );
    }
    for (let j = 0; j < m.cols; j++) {
      const x = m.data[i * m.cols + j];
      const px = left + j * cell;
      const masked =
        x === Number.NEGATIVE_INFINITY || o.mask?.get(i, j) === Number.NEGATIVE_INFINITY;
      if (masked) {
        out.push(
          `<rect x="${px}" y="${y}" width="${cell}" height="${cell}" fill="url(#hidden)"><title>[${i},${j}] hidden (masked)</title></rect>`,
        );
        continue;
      }
      const k = lutIndex(x, o.scale, limit);
      out.push(
        `<rect x="${px}" y="${y}" width="${cell}" height="${cell}" fill="${hexAt(table, k)}"><title>[${i},${j}] ${x}</title></rect>`,
      );
      if (numbers) {
        out.push(
          `<text x="${px + cell / 2}" y="${y + cell / 2 + 3}" font-size="9" text-anchor="middle" fill="${inkOn(table, k)}">${x.toFixed(2)}</text>`,
        );
      }
    }
  }
  const barY = top + m.rows * cell + 20;
  const stops = Array.from(
    { length: 9 },
    (_, n) => `<stop offset="${n / 8}" stop-color="${hexAt(table, Math.round((n * 255) / 8))}"/>`,
  ).join("");
  const ends =
    o.scale === "weights" ? ["0", "1"] : [`−${limit.toPrecision(3)}`, `+${limit.toPrecision(3)}`];
  out.push(
    `<defs><linearGradient id="bar">${stops}</linearGradient></defs>`,
    `<rect x="${left}" y="${barY}" width="160" height="10" fill="url(#bar)"/>`,
    `<text x="${left}" y="${barY + 24}" font-size="10" fill="#5f6368">${ends[0]}</text>`,
    `<text x="${left + 160}" y="${barY + 24}" font-size="10" text-anchor="end" fill="#5f6368">${ends[1]}</text>`,
  );
  if (o.mask) {
    out.push(
      `<rect x="${left + 180}" y="${barY}" width="10" height="10" fill="url(#hidden)"/>`,
      `<text x="${left + 196}" y="${barY + 9}" font-size="10" fill="#5f6368">hidden (masked)</text>`,
    );
  }
  out.push("</svg>\n");
  return out.join("\n");
}

/** `--svg`: one step of a run as a heat map, the causal mask hatched where it applies. */
export function stepSvg(
  config: RunConfig,
  run: Computed,
  steps: PageStep[],
  step: PageStep,
): string {
  const m = matrixAt(run, step.path) as Matrix;
  const from = steps.find((s) => s.path === step.operands[0]?.path);
  const mask =
    step.op.kind === "mask" || step.op.kind === "causal-mask"
      ? m
      : step.op.kind === "softmax" && from?.op.kind === "mask"
        ? (matrixAt(run, from.path) as Matrix)
        : undefined;
  const where = [
    step.layer !== undefined ? `layer ${step.layer}` : "",
    step.head !== undefined ? `head ${step.head}` : "",
  ].filter(Boolean);
  return heatMapSvg(m, {
    title: step.formula ? `${step.label} = ${step.formula}` : step.label,
    subtitle: [
      config.computation,
      ...where,
      step.shape,
      `rng ${config.rng} · seed ${config.seed}`,
    ].join(" · "),
    scale: step.kind,
    mask,
    attention: ["scores", "scaled", "mask", "masked", "weights"].includes(step.name),
  });
}
