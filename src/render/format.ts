import type { ChalkInstance } from "chalk";
import type { Matrix } from "../math/matrix.js";

export interface FormatOptions {
  /** digits after the decimal point */
  precision: number;
  /** print every row and column instead of numpy-style "first 3 … last 3" */
  full: boolean;
  paint: ChalkInstance;
}

/** Summarise a dimension above this many entries, showing EDGE at each end (numpy's edgeitems). */
export const SUMMARY_THRESHOLD = 10;
const EDGE = 3;

/** The indices shown along one axis of n entries; -1 stands for the elided middle. */
export function shownIndices(n: number, full: boolean): number[] {
  if (full || n <= SUMMARY_THRESHOLD) return Array.from({ length: n }, (_, i) => i);
  return [
    ...Array.from({ length: EDGE }, (_, i) => i),
    -1,
    ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i),
  ];
}

/** Formats numbers of one matrix alike: fixed-point, or exponent form when fixed would mislead. */
export function numberFormatter(m: Matrix, precision: number): (x: number) => string {
  let max = 0;
  let minNonZero = Number.POSITIVE_INFINITY;
  for (const x of m.data) {
    if (!Number.isFinite(x)) continue;
    const a = Math.abs(x);
    if (a > max) max = a;
    if (a > 0 && a < minNonZero) minNonZero = a;
  }
  const exponent = max >= 1e6 || (max > 0 && max < 10 ** -precision);
  return (x: number) => {
    if (x === Number.NEGATIVE_INFINITY) return "-∞";
    if (x === Number.POSITIVE_INFINITY) return "∞";
    if (Number.isNaN(x)) return "nan";
    const s = exponent ? x.toExponential(precision) : x.toFixed(precision);
    return s.startsWith("-") ? s : ` ${s}`;
  };
}

/**
 * A matrix as aligned text with dimmed row and column indices (numpy's, from 0), summarised as
 * numpy does unless `full`. `cell` may decorate each formatted value (the heat map does).
 */
export function matrixText(
  m: Matrix,
  opts: FormatOptions,
  cell: (text: string, x: number) => string = (t) => t,
  cellWidthExtra = 0,
): string {
  const { paint } = opts;
  const fmt = numberFormatter(m, opts.precision);
  const rows = shownIndices(m.rows, opts.full);
  const cols = shownIndices(m.cols, opts.full);
  let width = 1;
  for (const i of rows) {
    if (i < 0) continue;
    for (const j of cols) if (j >= 0) width = Math.max(width, fmt(m.get(i, j)).length);
  }
  width = Math.max(width, String(m.cols - 1).length);
  const labelWidth = String(m.rows - 1).length;
  const pad = (s: string, w: number) => s.padStart(w);
  const colWidth = width + cellWidthExtra;
  const header =
    " ".repeat(labelWidth + 2) +
    cols.map((j) => paint.dim(pad(j < 0 ? "…" : String(j), colWidth))).join("  ");
  const lines = [header];
  for (const i of rows) {
    if (i < 0) {
      lines.push(`${" ".repeat(labelWidth)}  ${cols.map(() => pad("⋮", colWidth)).join("  ")}`);
      continue;
    }
    const cells = cols.map((j) =>
      j < 0 ? pad("…", colWidth) : cell(pad(fmt(m.get(i, j)), width), m.get(i, j)),
    );
    lines.push(`${paint.dim(pad(String(i), labelWidth))}  ${cells.join("  ")}`);
  }
  return lines.map((l) => `  ${l}`).join("\n");
}

const SHADES = [" ", "░", "▒", "▓", "█"];

/**
 * Attention weights (each in [0, 1]) as a heat map: every value keeps its number and gains a
 * shade block, so the pattern reads without colour; with colour the block is also tinted.
 */
export function heatMapText(m: Matrix, opts: FormatOptions): string {
  const { paint } = opts;
  const block = (x: number) => {
    const level = Math.max(0, Math.min(1, x));
    const glyph =
      x === 0 ? "·" : SHADES[Math.min(SHADES.length - 1, Math.ceil(level * (SHADES.length - 1)))];
    const shade = Math.round(40 + 215 * level);
    return paint.rgb(
      shade,
      Math.round(shade * 0.75),
      255 - Math.round(level * 200),
    )(glyph.repeat(2));
  };
  return matrixText(m, opts, (text, x) => `${block(x)}${level(text, x, paint)}`, 2);
}

function level(text: string, x: number, paint: ChalkInstance): string {
  return x >= 0.5 ? paint.bold(text) : x === 0 ? paint.dim(text) : text;
}
