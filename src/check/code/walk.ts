import { relu } from "../../math/activations.js";
import { layerNorm } from "../../math/layer-norm.js";
import { matmul } from "../../math/matmul.js";
import { add, Matrix, shapeText } from "../../math/matrix.js";
import { compare, type Tolerance } from "../compare.js";
import { type Draw, drawText, type Observed } from "./observe.js";
import type { LayerInputs, LayerPoints } from "./reference.js";
import { tryReplay } from "./reference.js";
import type { FirstWrong } from "./result.js";

type Named = [name: string, value: Matrix | undefined];

/**
 * The first step of the student's encoder_layer that does not follow from the steps before it,
 * each checked against the student's own values, in the layer's order:
 *   self_attention(X, X·Wq, X·Wk, X·Wv) → z;  layer_norm(X + z·Wo) → norm1;
 *   feed_forward(norm1) with the cell's next two draws → ffn;  layer_norm(norm1 + ffn) → output.
 * Undefined when every step that was seen follows.
 */
export function firstWrongStep(
  o: Observed,
  i: LayerInputs,
  ref: LayerPoints,
  output: Matrix | undefined,
  tol: Tolerance,
): FirstWrong | undefined {
  const same = (a: Matrix | undefined, b: Matrix | undefined) =>
    a !== undefined && b !== undefined && compare("", a, b, tol).pass;
  /** the first of `candidates` the value equals, for a message that says what it got instead */
  const which = (value: Matrix | undefined, candidates: Named[]) =>
    candidates.find(([, c]) => same(value, c))?.[0];
  const gets = (
    step: string,
    what: string,
    value: Matrix | undefined,
    want: string,
    c: Named[],
  ) => {
    const got = which(value, c);
    const shape = value ? ` (${shapeText(value)})` : "";
    const name = STEP_NAMES[step] ?? step;
    return {
      step,
      what,
      message: got
        ? `${name} gets ${what === "argument" ? "" : `${what} = `}${got}, expected ${want}${hint(got, want)}`
        : `${name} gets ${what === "argument" ? "a value" : `a ${what}`}${shape} that is not ${want}`,
    };
  };
  const { x } = i;
  /** a·b, or undefined when the student's shapes do not fit */
  const p = (a: Matrix, b: Matrix) => tryReplay(() => matmul(a, b));
  const plus = (a: Matrix | undefined, b: Matrix | undefined) =>
    a && b ? tryReplay(() => add(a, b)) : undefined;
  const lnx = layerNorm(x);

  // self_attention: its arguments (either reading), then its result for them
  let z = ref.z;
  const sa = o.selfAttention;
  if (sa) {
    const [xa, qa, ka, va] = sa.args;
    const projections = same(qa, ref.q);
    const weights = !projections && same(qa, i.wq);
    const pool: Named[] = [
      ["X·Wk", ref.k],
      ["X·Wv", ref.v],
      ["layer_norm(X)·Wq", p(lnx, i.wq)], // (seq, emb)·(emb, dk) → (seq, dk)
      ["layer_norm(X)·Wk", p(lnx, i.wk)],
      ["layer_norm(X)·Wv", p(lnx, i.wv)],
      ["X", x],
      ["Wq", i.wq],
      ["Wk", i.wk],
      ["Wv", i.wv],
    ];
    if (!projections && !weights) {
      return gets("self_attention", "query", qa, "X·Wq", [["X·Wq", ref.q], ...pool]);
    }
    const want: Named[] = projections
      ? [
          ["X·Wk", ref.k],
          ["X·Wv", ref.v],
        ]
      : [
          ["Wk", i.wk],
          ["Wv", i.wv],
        ];
    for (const [n, [name, value]] of want.entries()) {
      const arg = n === 0 ? ka : va;
      if (!same(arg, value)) {
        return gets("self_attention", n === 0 ? "key" : "value", arg, name, [
          ["X·Wq", ref.q],
          ...pool,
        ]);
      }
    }
    if (weights && !same(xa, x)) {
      return gets("self_attention", "X", xa, "X, the layer's input", [["layer_norm(X)", lnx]]);
    }
    if (sa.raised || !sa.result) return undefined; // the call raised: the report says so
    if (!same(sa.result, ref.z)) {
      return {
        step: "self_attention",
        what: "result",
        message: `self_attention returns something other than softmax(Q·Kᵀ/√d_k)·V for the right arguments${sameShape(sa.result, ref.z) ? "" : ` (${shapeText(sa.result)}, expected ${shapeText(ref.z)})`}: see Q1`,
      };
    }
    z = sa.result;
  }

  // the first add & norm
  const attn = p(z, i.wo); // (seq, dk)·(dk, emb) → (seq, emb)
  const [n1, n2] = o.norms;
  if (!n1) return undefined;
  const residual1 = plus(x, attn);
  if (!same(n1.args[0], residual1)) {
    return gets("layer_norm 1", "argument", n1.args[0], "X + attn", [
      ["attn = z·Wo", attn],
      ["X, the layer's input", x],
      ["z, without Wo", z],
      ["X + z, with Wo left out (numpy broadcast the sum)", broadcastAdd(x, z)],
    ]);
  }
  if (n1.result && !same(n1.result, layerNorm(n1.args[0]!))) return modified("layer_norm", 1);
  const norm1 = n1.result ?? layerNorm(residual1!);

  // the feed-forward sublayer, with the draws the cell's stream gives it
  const ff = o.feedForward;
  if (!ff) {
    return output && same(output, norm1)
      ? {
          step: "feed_forward",
          what: "call",
          message:
            "encoder_layer never calls feed_forward: the layer returns norm1, without the feed-forward sublayer",
        }
      : undefined;
  }
  if (!same(ff.args[0], norm1)) {
    return gets("feed_forward", "argument", ff.args[0], "norm1 = layer_norm(X + attn)", [
      ["X, the layer's input", x],
      ["X + attn, before the norm", residual1],
      ["attn", attn],
    ]);
  }
  const drawn = ff.draws.filter((d) => d.fn === "randn");
  const [d1, d2] = drawn.map((d) => d.values);
  if (drawn.length !== 2 || ff.draws.length !== 2 || !d1 || !d2) {
    return {
      step: "feed_forward",
      what: "draws",
      message: `feed_forward draws ${list(ff.draws)}, the homework's draws randn(emb, 4·emb) and randn(4·emb, emb): it was modified`,
    };
  }
  if (ff.result) {
    // relu((seq, emb)·(emb, 4·emb))·(4·emb, emb) → (seq, emb), with the draws it made
    const expected = tryReplay(() => matmul(relu(matmul(ff.args[0]!, d1)), d2));
    if (!same(ff.result, expected)) return modified("feed_forward");
  }
  if (!same(d1, i.w1) || !same(d2, i.w2)) {
    return {
      step: "feed_forward",
      what: "draws",
      message: `feed_forward's weights are not the next draws of the cell's stream after Wo: ${drawnBefore(o.draws)}`,
    };
  }
  const ffn = ff.result;

  // the second add & norm, and what is returned
  if (!n2) return undefined;
  if (!same(n2.args[0], plus(norm1, ffn))) {
    return gets("layer_norm 2", "argument", n2.args[0], "norm1 + ffn", [
      ["ffn", ffn],
      ["X + ffn (the layer's input, not norm1)", plus(x, ffn)],
      ["X + attn + ffn", plus(residual1, ffn)],
    ]);
  }
  if (n2.result && !same(n2.result, layerNorm(n2.args[0]!))) return modified("layer_norm", 2);
  if (output && n2.result && !same(output, n2.result)) {
    return {
      step: "return",
      what: "result",
      message: "encoder_layer returns something other than the second layer_norm's result",
    };
  }
  return undefined;
}

/** How the report names a step. */
const STEP_NAMES: Record<string, string> = {
  "layer_norm 1": "the first layer_norm",
  "layer_norm 2": "the second layer_norm",
};

/** a + b as numpy broadcasts it, for a (seq, emb) and a (seq, 1) or (1, emb) b; else undefined. */
function broadcastAdd(a: Matrix, b: Matrix): Matrix | undefined {
  const rows = b.rows === a.rows || b.rows === 1;
  const cols = b.cols === a.cols || b.cols === 1;
  if (!rows || !cols) return undefined;
  const out = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      out.data[i * a.cols + j] = a.get(i, j) + b.get(b.rows === 1 ? 0 : i, b.cols === 1 ? 0 : j);
    }
  }
  return out;
}

function sameShape(a: Matrix, b: Matrix): boolean {
  return a.rows === b.rows && a.cols === b.cols;
}

function modified(fn: "layer_norm" | "feed_forward", n?: number): FirstWrong {
  const which = n === undefined ? fn : `the ${n === 1 ? "first" : "second"} ${fn}`;
  return {
    step: n === undefined ? fn : `${fn} ${n}`,
    what: "result",
    message: `${which} returns something other than the homework's ${fn} of its argument: ${fn} was modified (the homework says not to)`,
  };
}

function hint(got: string, want: string): string {
  if (got.startsWith("attn") && want === "X + attn") return ": the residual is missing";
  if (got === "ffn" && want === "norm1 + ffn") return ": the residual is missing";
  if (got.startsWith("X + ffn")) return ": the second residual adds X instead of norm1";
  if (got.startsWith("layer_norm(X)")) return ": layer_norm comes before the sublayer (pre-norm)";
  if (got.startsWith("X, the layer's input") && want.startsWith("X + attn")) {
    return ": layer_norm comes before the sublayer (pre-norm)";
  }
  return "";
}

function list(draws: Draw[]): string {
  return draws.length === 0 ? "nothing" : draws.map(drawText).join(", ");
}

/** What was drawn before feed_forward's first draw, which shifts the stream. */
function drawnBefore(draws: Draw[]): string {
  const first = draws.findIndex((d) => d.inside === "feed_forward");
  const before = draws.slice(0, first < 0 ? draws.length : first);
  return before.length > 0
    ? `${list(before)} came first (in ${[...new Set(before.map((d) => d.inside))].join(", ")})`
    : "the code before encoder_layer changed the stream";
}
