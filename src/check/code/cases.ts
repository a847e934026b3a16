import type { CaseSpec } from "./recorded.js";

/**
 * The cases each question is run on. The homework's cell (4×8×3) comes first; the others move
 * one dimension at a time, so a failure names the dimension the code gets wrong (a hard-coded 3,
 * emb taken for d_k, a single row).
 */
export const Q1_CASES: readonly CaseSpec[] = [
  { seed: 101, seq: 4, emb: 8, dmodel: 3 },
  { seed: 102, seq: 1, emb: 8, dmodel: 3 },
  { seed: 103, seq: 7, emb: 8, dmodel: 3 },
  { seed: 104, seq: 4, emb: 5, dmodel: 3 },
  { seed: 105, seq: 4, emb: 16, dmodel: 3 },
  { seed: 106, seq: 4, emb: 8, dmodel: 1 },
  { seed: 107, seq: 4, emb: 8, dmodel: 6 },
];

/** np.random.seed(s) and the cell's draws at the homework's size, then other sizes. */
export const Q2_CASES: readonly CaseSpec[] = [
  { seed: 0, seq: 4, emb: 8, dmodel: 3 },
  { seed: 1, seq: 4, emb: 8, dmodel: 3 },
  { seed: 7, seq: 7, emb: 16, dmodel: 6 },
  { seed: 42, seq: 1, emb: 5, dmodel: 1 },
];

/** `4×8×3`: seq × emb × d_k, as the report names a case. */
export function caseName(c: CaseSpec): string {
  return `${c.seq}×${c.emb}×${c.dmodel}`;
}
