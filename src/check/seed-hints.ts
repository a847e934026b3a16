import type { Matrix } from "../math/matrix.js";
import { DRAW_ORDERS, LAST_SEED } from "./seed-search.js";

/** What the search tried, for the messages that say it found nothing. */
export const SEARCHED = `the homework's encoder cell at the usual seeds and 0–${LAST_SEED}, each with the homework's draw order and ${DRAW_ORDERS.length - 1} common slips`;

/** Where to turn when no seed is known: the notebook's seed, given. */
const GIVE_SEED = "give the notebook's seed with --seed N or --seeds FILE";

/** The message for an answer that lacks inputs and has no seed to draw them. */
export function lacksMessage(file: string, missing: string[]): string {
  return `${file}: lacks ${missing.join(", ")}; put them in the file, or ${GIVE_SEED} to draw them`;
}

/**
 * The message for a bare output with no seed that the search did not reproduce (`skipped`: why
 * it was not searched for at all).
 */
export function noSeedMessage(file: string, output: Matrix, skipped?: string): string {
  if (skipped) return `${file}: no seed given, and none searched for: ${skipped}; ${GIVE_SEED}`;
  return `${file}: no seed given, and nothing searched (${SEARCHED}) reproduces it; ${lastStep(output)}; ${GIVE_SEED}`;
}

/**
 * The hint when a seed was given, nothing explains the output, and the search found nothing;
 * with why, when the output's rows are not layer-normalised (grade's hints say when they are).
 */
export function searchedHint(output: Matrix): string {
  const searched = `no seed searched (${SEARCHED}) reproduces the output either`;
  return unnormalisedRow(output) ? `${searched}; ${lastStep(output)}` : searched;
}

/**
 * Whether the output's rows are layer-normalised (mean 0, std 1 each, as the layer's last step
 * leaves them): if so the computation may be right with other draws; if not, its last step is
 * not the layer norm.
 */
function lastStep(output: Matrix): string {
  const off = unnormalisedRow(output);
  if (!off)
    return "its rows are layer-normalised (mean 0, std 1 each), so the computation may be right with another seed or draw order";
  const { row, mean, std } = off;
  return `its rows are not layer-normalised (row ${row}: mean ${mean.toPrecision(3)}, std ${std.toPrecision(3)}), so its last step is not the layer norm`;
}

/**
 * The first row whose mean is not 0 or whose (population) variance is not 1, within 1e-5 and
 * 1e-4 (a float32 layer norm is far closer); undefined when every row is normalised. A row of
 * fewer than two numbers, or holding NaN, is not.
 */
export function unnormalisedRow(m: Matrix): { row: number; mean: number; std: number } | undefined {
  for (let i = 0; i < m.rows; i++) {
    const r = m.data.subarray(i * m.cols, (i + 1) * m.cols);
    const mean = r.reduce((a, b) => a + b, 0) / m.cols;
    const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / m.cols;
    // written so that NaN (which fails every comparison) counts as not normalised
    if (m.cols < 2 || !(Math.abs(mean) <= 1e-5 && Math.abs(variance - 1) <= 1e-4)) {
      return { row: i, mean, std: Math.sqrt(variance) };
    }
  }
  return undefined;
}
