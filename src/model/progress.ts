/**
 * Where a run has got to, for the CLI's progress line on long runs. The model only calls it;
 * whether and how anything is shown is the caller's business.
 */
export interface ProgressPoint {
  /** the layer, from 0 */
  layer?: number;
  step: "self-attention" | "cross-attention" | "feed-forward";
  /** the head, from 0, within an attention step */
  head?: number;
}

export type Progress = (at: ProgressPoint) => void;
