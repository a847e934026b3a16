import { type Matrix, transpose } from "../math/matrix.js";
import type { ModelConfig } from "../model/dims.js";
import type { Answer } from "./answer.js";

/** A mistake in saving the file, not in the computation. */
export interface Slip {
  id: string;
  message: string;
  fix: string;
  /** the matrix the student meant to save, when it can be recovered; graded instead */
  output?: Matrix;
}

/**
 * The slips a bare output's shape gives away, for the (seq, emb) it is graded at: the layer's
 * shape tuple saved instead of the matrix, the matrix transposed, a leading axis of 1, or 4×16 from
 * concatenating x and the sublayer's output instead of adding them.
 */
export function fileSlip(answer: Answer, config: ModelConfig): Slip | undefined {
  const output = answer.computed.get("output");
  if (!output || answer.computed.size > 1 || config.computation === "attention") return undefined;
  const { seq, emb } = config;
  const saved = answer.savedShape;
  if (isShapeTuple(output, saved, [seq, emb])) {
    const held = [...output.data].join(", ");
    return {
      id: "saved-shape",
      message: `the file holds (${held}), a shape, not the matrix: np.save was given output.shape`,
      fix: `np.save("output.npy", output)`,
    };
  }
  if (output.rows === emb && output.cols === seq && seq !== emb) {
    return {
      id: "saved-transposed",
      message: `saved transposed: ${emb}×${seq} instead of ${seq}×${emb} (one row per position); graded as its transpose`,
      fix: `np.save("output.npy", output) — not output.T`,
      output: transpose(output),
    };
  }
  if (saved && saved.length > 2 && output.rows === seq && output.cols === emb) {
    return {
      id: "saved-leading-1",
      message: `saved with a leading axis of 1, shape (${saved.join(", ")}); graded as ${seq}×${emb}`,
      fix: `np.save("output.npy", output[0]) or output.squeeze(0)`,
      output,
    };
  }
  if (output.rows === seq && output.cols === 2 * emb) {
    return {
      id: "concatenated-residual",
      message: `${seq}×${2 * emb} is ${seq}×(${emb}+${emb}): the residual concatenates x and the sublayer's output instead of adding them`,
      fix: "x = layer_norm(x + sublayer(x)), not np.concatenate([x, sublayer(x)], axis=-1)",
    };
  }
  return undefined;
}

/**
 * A 1-D or tiny array that holds the layer's shape: what np.save(f, output.shape) writes — (seq,
 * emb), transposed (emb, seq), or either with a leading 1. Any other small whole numbers (a 1×2
 * `[[1, 2]]`) are an output of the wrong shape, graded as such.
 */
function isShapeTuple(m: Matrix, saved: number[] | undefined, [seq, emb]: number[]): boolean {
  const vector = m.rows === 1 || m.cols === 1 || (saved !== undefined && saved.length < 2);
  const held = [...m.data];
  const shapes = [
    [seq, emb],
    [emb, seq],
    [1, seq, emb],
    [1, emb, seq],
  ];
  return vector && shapes.some((s) => s.length === held.length && s.every((v, i) => v === held[i]));
}
