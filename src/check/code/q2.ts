import type { Matrix } from "../../math/matrix.js";
import { drawInputs, type Normals } from "../../model/compute.js";
import type { ModelConfig } from "../../model/dims.js";
import type { Inputs } from "../../model/input-slots.js";
import { compare, type Tolerance } from "../compare.js";
import { caseName } from "./cases.js";
import { drawText, type Observed, observe, PIECES } from "./observe.js";
import { type Q2Case, shapeOf } from "./recorded.js";
import { catalogue, type LayerInputs, layerPoints, type Replay, tryReplay } from "./reference.js";
import type { CaseResult, Diagnosis, Q2Result } from "./result.js";
import { describeError } from "./student-error.js";
import { firstWrongStep } from "./walk.js";

/** numpy's np.random.seed(s) stream of standard normals (given by the CLI, from rng/). */
export type Stream = (seed: number) => Normals;

interface Case {
  spec: Q2Case;
  inputs: LayerInputs;
  observed: Observed;
  output?: Matrix;
  result: CaseResult;
}

/** The homework's pieces, as given: the notes say when a submission's differ. */
const GIVEN = {
  feed_forward: `def feed_forward(x):
    embedding_length = x.shape[-1]
    inner_dim = 4 * embedding_length
    ff_result = matmul(x, np.random.randn(embedding_length, inner_dim))
    ff_result = np.maximum(0, ff_result)
    ff_result = matmul(ff_result, np.random.randn(inner_dim, embedding_length))
    return ff_result`,
  layer_norm: `def layer_norm(x):
    norm_x = (x - np.mean(x, axis=-1, keepdims=True)) / np.sqrt(np.var(x, axis=-1, keepdims=True) + 1e-8)
    return norm_x`,
};

/**
 * Q2: encoder_layer after np.random.seed(s) and the cell's draws. The reference follows the
 * same stream (feed_forward's two draws come next); the recorded calls name the first wrong step.
 */
export function gradeQ2(
  cases: Q2Case[],
  sources: Record<"feed_forward" | "layer_norm", string | null>,
  stream: Stream,
  tol: Tolerance,
): Q2Result {
  const graded = cases.map((c) => prepare(c, stream, tol));
  const pass = graded.every((c) => c.result.pass);
  const wrong = graded.find((c) => !c.result.pass && c.output);
  const firstWrong = wrong
    ? (firstWrongStep(
        wrong.observed,
        wrong.inputs,
        layerPoints(wrong.inputs),
        wrong.output,
        tol,
      ) ?? {
        step: "output",
        what: "result",
        message: unseenMessage(wrong.observed),
      })
    : null;
  const raised = graded.find((c) => c.spec.error);
  const diagnosis = pass ? [] : diagnose(graded, tol);
  return {
    pass,
    cases: graded.map((c) => c.result),
    first_wrong: pass ? null : firstWrong,
    notes: notes(graded, sources, diagnosis.length > 0),
    diagnosis,
    error:
      raised && graded.every((c) => !c.output)
        ? `encoder_layer raises ${describeError(raised.spec.error!)}`
        : null,
  };
}

/**
 * The cell's stream, drawn by the project's one pipeline in the notebook's order (SPEC section
 * 2): x, Wq, Wk, Wv, Wo, then the W1 (emb × 4·emb) and W2 that feed_forward draws.
 */
function cellDraws(s: Q2Case, stream: Stream): LayerInputs {
  const { seq, emb, dmodel } = s;
  const config: ModelConfig = {
    computation: "encode",
    seq,
    emb,
    dmodel,
    heads: 1,
    layers: 1,
    ffn: 4 * emb,
    src: seq,
    cross: false,
    causal: false,
  };
  const none: Inputs = { globals: {}, layers: [{}] };
  const { globals, layers } = drawInputs(config, none, stream(s.seed));
  const { wq, wk, wv, wo, w1, w2 } = layers[0];
  return { x: globals.x!, wq: wq!, wk: wk!, wv: wv!, wo: wo!, w1: w1!, w2: w2! };
}

/**
 * The inputs as numpy drew them, and feed_forward's W1, W2 from our own numpy stream (which
 * agrees with numpy's to the last bit or so: Math.log is not always glibc's log).
 */
function prepare(spec: Q2Case, stream: Stream, tol: Tolerance): Case {
  const inputs = cellDraws(spec, stream);
  for (const key of ["x", "wq", "wk", "wv", "wo"] as const) {
    const drawn = spec.inputs[key].matrix;
    if (!drawn || !compare(key, drawn, inputs[key], { rtol: 1e-12, atol: 0 }).pass) {
      throw new Error(`the harness drew ${key} unlike numpy's np.random.seed(${spec.seed}) stream`);
    }
    inputs[key] = drawn;
  }
  const { seed, seq, emb, dmodel } = spec;
  const base: CaseResult = { seed, seq, emb, dmodel, pass: false, max_abs: null };
  const observed = observe(spec.calls, spec.calls_truncated);
  const expected = layerPoints(inputs).output;
  if (spec.error)
    return { spec, inputs, observed, result: { ...base, error: describeError(spec.error) } };
  const output = spec.output?.matrix;
  if (!output) {
    return {
      spec,
      inputs,
      observed,
      result: { ...base, error: `returned ${shapeOf(spec.output ?? {})}` },
    };
  }
  const cmp = compare("output", output, expected, tol);
  if (cmp.shape) {
    const error = `returned ${shapeOf(spec.output!)}, expected (${seq}, ${emb})`;
    return { spec, inputs, observed, output, result: { ...base, error } };
  }
  return {
    spec,
    inputs,
    observed,
    output,
    result: { ...base, pass: cmp.pass, max_abs: cmp.maxAbs },
  };
}

function unseenMessage(o: Observed): string {
  const seen = PIECES.filter((p) => o.counts[p] > 0);
  return seen.length === 0
    ? "the output is wrong; encoder_layer calls none of self_attention, layer_norm, feed_forward, so no step in between can be seen"
    : "the output is wrong, though every call that was seen follows from the ones before";
}

/**
 * The catalogue's mistakes that reproduce encoder_layer's output in every case, and that no
 * recorded intermediate contradicts (self_attention's result, what each layer_norm and
 * feed_forward got).
 */
function diagnose(cases: Case[], tol: Tolerance): Diagnosis[] {
  const comparable = cases.filter((c) => c.output && c.result.max_abs !== null);
  if (comparable.length === 0) return [];
  const same = (a: Matrix | undefined, b: Matrix | undefined) =>
    !a || !b || compare("", a, b, tol).pass;
  const fits = (m: Replay) =>
    comparable.every((c) => {
      const r = tryReplay(() => layerPoints(c.inputs, m.variant));
      if (!r || !compare("output", c.output!, r.output, tol).pass) return false;
      const o = c.observed;
      return (
        same(o.selfAttention?.result, r.z) &&
        o.norms.every((n, k) => same(n.args[0], r.normArgs[k])) &&
        (!o.feedForward || !r.ffnIn || same(o.feedForward.args[0], r.ffnIn))
      );
    });
  const { single, pairs } = catalogue("layer");
  const found = single.filter(fits);
  return (found.length > 0 ? found : pairs.filter(fits)).map(({ id, message, fix }) => ({
    id,
    message,
    fix,
  }));
}

function notes(
  cases: Case[],
  sources: Record<"feed_forward" | "layer_norm", string | null>,
  diagnosed: boolean,
): string[] {
  const out: string[] = [];
  for (const fn of ["feed_forward", "layer_norm"] as const) {
    const src = sources[fn];
    if (src !== null && normalise(src) !== normalise(GIVEN[fn])) {
      out.push(`${fn}'s code differs from the homework's, which says not to modify it`);
    }
  }
  const first = cases.find((c) => c.output) ?? cases[0];
  if (!first) return out;
  const o = first.observed;
  const expected = { self_attention: 1, layer_norm: 2, feed_forward: 1 };
  for (const p of PIECES) {
    if (o.counts[p] !== expected[p]) {
      out.push(
        `encoder_layer calls ${p} ${times(o.counts[p])} (the homework's layer: ${times(expected[p])})${p === "feed_forward" && o.counts[p] > 1 ? "; each call draws new weights" : ""}`,
      );
    }
  }
  const elsewhere = o.draws.some((d) => d.fn !== "randn" || d.inside !== "feed_forward");
  if (elsewhere || (o.counts.feed_forward === 1 && o.draws.length !== 2)) {
    const where = o.draws.map((d) => `${drawText(d)} in ${d.inside}`).join(", ");
    out.push(
      `the draws differ from the cell's (randn(emb, 4·emb), randn(4·emb, emb), both in feed_forward): ${where || "none"}`,
    );
  }
  if (o.truncated) out.push("encoder_layer made more than 200 calls; only the first were recorded");
  const name = (c: Case) => `${caseName(c.result)} (seed ${c.result.seed})`;
  for (const c of cases) if (c.result.error) out.push(`${name(c)}: ${c.result.error}`);
  const failing = cases.filter((c) => !c.result.pass);
  if (!diagnosed && failing.length > 0 && cases.some((c) => c.result.pass && c.result.seq > 1)) {
    const right = cases.filter((c) => c.result.pass).map(name);
    out.push(`right at ${right.join(", ")} but not at ${failing.map(name).join(", ")}`);
  }
  return out;
}

const times = (n: number) => (n === 1 ? "once" : n === 2 ? "twice" : `${n} times`);

/** Code without comments, blank lines or spacing: what a change of the function's text means. */
function normalise(src: string): string {
  return src
    .split("\n")
    .map((l) => l.replace(/#.*$/, "").replace(/\s+/g, ""))
    .filter((l) => l !== "")
    .join("\n");
}
