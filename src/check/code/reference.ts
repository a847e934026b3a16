import { layerNorm } from "../../math/layer-norm.js";
import type { Matrix } from "../../math/matrix.js";
import { attention } from "../../model/attention.js";
import { encoderLayer } from "../../model/encoder-layer.js";
import { PAPER, rewire, type Variant } from "../../model/variants.js";
import { MISTAKES } from "../mistakes.js";
import type { Diagnosis } from "./result.js";

/**
 * The project's model, as code grading needs it: the reference and every replayed mistake come
 * from the same functions `encode`, `attention` and answer-file grading use.
 */

/** The cell's inputs, with the two matrices feed_forward draws after them. */
export interface LayerInputs {
  x: Matrix;
  wq: Matrix;
  wk: Matrix;
  wv: Matrix;
  wo: Matrix;
  w1: Matrix;
  w2: Matrix;
}

/** What a student's encoder_layer can be seen to compute, through the calls it makes. */
export interface LayerPoints {
  q: Matrix;
  k: Matrix;
  v: Matrix;
  /** self_attention's result */
  z: Matrix;
  attn: Matrix;
  /** the arguments of each layer_norm, in the order called */
  normArgs: Matrix[];
  /** feed_forward's argument and result; absent when the sublayer is missing */
  ffnIn?: Matrix;
  ffn?: Matrix;
  output: Matrix;
}

/** A mistake (or a pair of them) with its rewiring of the layer. */
export interface Replay extends Diagnosis {
  variant: Partial<Variant>;
}

/** softmax(Q·Kᵀ/√d_k)·V, or what a mistake computes instead (`emb` for scale-by-emb). */
export function attentionOutput(
  q: Matrix,
  k: Matrix,
  v: Matrix,
  emb: number,
  variant: Partial<Variant> = {},
): Matrix {
  return attention(q, k, v, { emb, parts: rewire({ ...PAPER, ...variant }).attention }).z;
}

/** The encoder layer, or a mistake's version of it, seen at the points a notebook's calls show. */
export function layerPoints(i: LayerInputs, variant: Partial<Variant> = {}): LayerPoints {
  const v = { ...PAPER, ...variant };
  const t = encoderLayer(i.x, i, { heads: 1, keep: true, wiring: rewire(v) });
  const head = t.self.heads[0];
  const pre = v.norm === "pre";
  return {
    q: head.q,
    k: head.k,
    v: head.v,
    z: head.z,
    attn: t.self.attn,
    normArgs: pre ? [i.x, t.residual1] : v.ffn ? [t.residual1, t.residual2] : [t.residual1],
    ffnIn: v.ffn ? (pre ? layerNorm(t.norm1) : t.norm1) : undefined,
    ffn: v.ffn ? t.ffn : undefined,
    output: t.output,
  };
}

/**
 * The catalogue's mistakes that can explain Q1 (attention alone) or Q2 (the layer): each alone,
 * then each pair that rewires different things (tried only when no single one fits).
 */
export function catalogue(scope: "attention" | "layer"): { single: Replay[]; pairs: Replay[] } {
  // the encoder's (not the decoder's), and none that draws more than the cell (ffn-biases)
  const single = MISTAKES.filter(
    (m) =>
      !m.draws &&
      (m.applies.includes(scope === "layer" ? "encode" : "attention") || m.id === "scale-by-emb"),
  ).map(({ id, message, fix, variant }) => ({ id, message, fix, variant }));
  const pairs: Replay[] = [];
  for (const [n, a] of single.entries()) {
    for (const b of single.slice(n + 1)) {
      if (Object.keys(a.variant).some((key) => key in b.variant)) continue;
      pairs.push({
        id: `${a.id}+${b.id}`,
        message: `${a.message}; and ${b.message}`,
        fix: `${a.fix}; and ${b.fix}`,
        variant: { ...a.variant, ...b.variant },
      });
    }
  }
  return { single, pairs };
}

/** A replay that cannot run on these shapes (K·Qᵀ when seq ≠ src) explains nothing. */
export function tryReplay<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
