import type { Matrix } from "../../math/matrix.js";
import type { RecordedCall, Value } from "./recorded.js";

/** One call of a notebook function that encoder_layer made, as matrices. */
export interface Seen {
  args: (Matrix | undefined)[];
  result?: Matrix;
  /** the call raised */
  raised: boolean;
}

/** One use of numpy's random generator during the call, and where it was made. */
export interface Draw {
  fn: string;
  args: string[];
  shape?: number[];
  values?: Matrix;
  /** the wrapped function it was made in (`feed_forward`), or `encoder_layer` itself */
  inside: string;
}

export const PIECES = ["self_attention", "layer_norm", "feed_forward"] as const;
export type Piece = (typeof PIECES)[number];

/** What encoder_layer was seen doing: its own calls to the notebook's pieces, and every draw. */
export interface Observed {
  selfAttention?: Seen;
  norms: Seen[];
  feedForward?: Seen & { draws: Draw[] };
  counts: Record<Piece, number>;
  draws: Draw[];
  truncated: boolean;
}

const isPiece = (fn: string): fn is Piece => (PIECES as readonly string[]).includes(fn);

function seen(c: RecordedCall): Seen {
  return {
    args: c.args.map((a) => (typeof a === "string" ? undefined : (a as Value).matrix)),
    result: c.result?.matrix,
    raised: c.error !== undefined,
  };
}

/**
 * The calls in the order made, each with its depth (0: made by encoder_layer itself): a draw's
 * place is the last call one level up, so feed_forward's two randn are told from the layer's own.
 */
export function observe(calls: RecordedCall[], truncated: boolean): Observed {
  const o: Observed = {
    norms: [],
    counts: { self_attention: 0, layer_norm: 0, feed_forward: 0 },
    draws: [],
    truncated,
  };
  const stack: string[] = [];
  for (const c of calls) {
    stack.length = c.depth;
    if (isPiece(c.fn)) {
      if (c.depth === 0) {
        o.counts[c.fn]++;
        if (c.fn === "self_attention") o.selfAttention ??= seen(c);
        else if (c.fn === "layer_norm") o.norms.push(seen(c));
        else o.feedForward ??= { ...seen(c), draws: [] };
      }
    } else {
      const draw: Draw = {
        fn: c.fn,
        args: c.args as string[],
        shape: c.shape,
        values: c.result?.matrix,
        inside: stack.at(-1) ?? "encoder_layer",
      };
      o.draws.push(draw);
      if (c.depth === 1 && stack[0] === "feed_forward" && o.counts.feed_forward === 1) {
        o.feedForward?.draws.push(draw);
      }
    }
    stack.push(c.fn);
  }
  return o;
}

/** `randn(8, 32)` */
export function drawText(d: Draw): string {
  return `${d.fn === "seed" ? "np.random.seed" : d.fn}(${d.args.join(", ")})`;
}
