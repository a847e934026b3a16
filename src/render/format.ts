import type { ChalkInstance } from "chalk";
import type { Matrix } from "../math/matrix.js";

export interface FormatOptions {
  /** digits after the decimal point */
  precision: number;
  /** print every row and column instead of numpy-style "first 3 … last 3" */
  full: boolean;
  paint: ChalkInstance;
  /** the terminal's columns: wider matrices wrap into labelled column blocks (absent: no limit) */
  width?: number;
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
  const block = (shown: number[]): string[] => {
    const header =
      " ".repeat(labelWidth + 2) +
      shown.map((j) => paint.dim(pad(j < 0 ? "…" : String(j), colWidth))).join("  ");
    const lines = [header];
    for (const i of rows) {
      if (i < 0) {
        lines.push(`${" ".repeat(labelWidth)}  ${shown.map(() => pad("⋮", colWidth)).join("  ")}`);
        continue;
      }
      const cells = shown.map((j) =>
        j < 0 ? pad("…", colWidth) : cell(pad(fmt(m.get(i, j)), width), m.get(i, j)),
      );
      lines.push(`${paint.dim(pad(String(i), labelWidth))}  ${cells.join("  ")}`);
    }
    return lines.map((l) => `  ${l}`);
  };
  const perBlock = columnsPerBlock(opts.width, labelWidth, colWidth);
  if (cols.length <= perBlock) return block(cols).join("\n");
  const blocks: string[] = [];
  for (let start = 0; start < cols.length; start += perBlock) {
    const shown = cols.slice(start, start + perBlock);
    blocks.push([`  ${paint.dim(blockLabel(shown, m.cols))}`, ...block(shown)].join("\n"));
  }
  return blocks.join("\n\n");
}

/** `columns 0–2, …, 9–10 of 12`, `column 11 of 12`: the columns one block shows. */
function blockLabel(shown: number[], total: number): string {
  const runs: string[] = [];
  let first = -1;
  for (const [k, j] of shown.entries()) {
    if (j < 0) runs.push("…");
    else if (first < 0) first = j;
    const next = shown[k + 1];
    if (j >= 0 && (next === undefined || next !== j + 1)) {
      runs.push(first === j ? String(j) : `${first}–${j}`);
      first = -1;
    }
  }
  const noun = shown.length === 1 ? "column" : "columns";
  return `${noun} ${runs.join(", ")} of ${total}`;
}

/**
 * How many columns fit on a line of `width` (numpy's linewidth): a line is two spaces, the row
 * label, two spaces, then cells of `colWidth` two spaces apart. At least one, however narrow.
 */
export function columnsPerBlock(
  width: number | undefined,
  labelWidth: number,
  colWidth: number,
): number {
  if (width === undefined) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.floor((width - 4 - labelWidth + 2) / (colWidth + 2)));
}

const SHADES = [" ", "░", "▒", "▓", "█"];

/** Attention weights of at most this many rows and columns are always drawn whole, as blocks. */
export const WHOLE_HEAT_MAP = 32;

/**
 * The tint of a weight in [0, 1]: from a mid blue to a deep magenta, each darker than the last,
 * so on a white background 1.0 stands out most, and none is darker than the magenta, which
 * still reads on a black one.
 */
export function heatColor(level: number): [number, number, number] {
  const l = Math.max(0, Math.min(1, level));
  const mix = (a: number, b: number) => Math.round(a + (b - a) * l);
  return [mix(110, 165), mix(150, 45), mix(210, 110)];
}

/** One weight as a two-character shade block: "·" for an exact 0, denser as the weight grows. */
function shadeBlock(x: number, paint: ChalkInstance): string {
  const level = Math.max(0, Math.min(1, x));
  const glyph =
    x === 0 ? "·" : SHADES[Math.min(SHADES.length - 1, Math.ceil(level * (SHADES.length - 1)))];
  return paint.rgb(...heatColor(level))(glyph.repeat(2));
}

/**
 * Attention weights (each in [0, 1]) as a heat map: every value keeps its number and gains a
 * shade block, so the pattern reads without colour; with colour the block is also tinted. When
 * the numbers are summarised, a matrix of at most WHOLE_HEAT_MAP rows and columns is drawn
 * again whole, blocks only, so a causal triangle stays visible.
 */
export function heatMapText(m: Matrix, opts: FormatOptions): string {
  const { paint } = opts;
  const numbers = matrixText(
    m,
    opts,
    (text, x) => `${shadeBlock(x, paint)}${level(text, x, paint)}`,
    2,
  );
  const summarised = !opts.full && (m.rows > SUMMARY_THRESHOLD || m.cols > SUMMARY_THRESHOLD);
  if (!summarised || m.rows > WHOLE_HEAT_MAP || m.cols > WHOLE_HEAT_MAP) return numbers;
  return `${numbers}\n\n  ${paint.dim(`all ${m.rows}×${m.cols} weights`)}\n${blocksText(m, paint)}`;
}

/** Every weight as its block, a row per line, the row index at the left. */
function blocksText(m: Matrix, paint: ChalkInstance): string {
  const labelWidth = String(m.rows - 1).length;
  const lines: string[] = [];
  for (let i = 0; i < m.rows; i++) {
    let row = "";
    for (let j = 0; j < m.cols; j++) row += shadeBlock(m.get(i, j), paint);
    lines.push(`  ${paint.dim(String(i).padStart(labelWidth))}  ${row}`);
  }
  return lines.join("\n");
}

function level(text: string, x: number, paint: ChalkInstance): string {
  return x >= 0.5 ? paint.bold(text) : x === 0 ? paint.dim(text) : text;
}
