import { Matrix } from "../math/matrix.js";
import type { Normals } from "../model/compute.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";
import { run } from "../model/run.js";
import { matrixAt } from "../model/trace/lookup.js";
import { displayName } from "../model/trace/table.js";
import { PAPER, type Variant } from "../model/variants.js";
import { ffnBiasDraws } from "./bias-draws.js";
import { compare, type Tolerance } from "./compare.js";
import { MISTAKES, type Mistake } from "./mistakes.js";

export interface Diagnosis {
  id: string;
  message: string;
  fix: string;
}

export interface Found {
  diagnosis: Diagnosis[];
  /** when more than one remains: why the answer cannot tell them apart */
  ambiguity?: string;
  /** why the known mistakes were not all replayed, when they were not */
  undiagnosed?: string;
}

/**
 * The known mistakes that reproduce the answer's output and agree with every intermediate it
 * holds: each one alone, and — when none does — each pair that rewires different things (a
 * student who forgot √d_k may also have kept scipy's default softmax axis). `stream`: the
 * seed's draws after the reference's, for a mistake that draws more (`ffn-biases`); without it
 * (an answer that held every input) such a mistake is not tried.
 */
export function diagnose(
  config: ModelConfig,
  inputs: Inputs,
  held: ReadonlyMap<string, Matrix>,
  tolerance: Tolerance,
  stream?: Normals,
): Found {
  const { computation, cross, causal } = config;
  const output = held.get("output") as Matrix;
  const candidates = MISTAKES.filter(
    (m) => !m.accepted && m.applies.includes(computation) && (m.fits?.(config) ?? true),
  ).flatMap((m) => withDraws(m, config, inputs, stream));
  const intermediates = [...held].filter(([p]) => p !== "output");
  const contradicted: string[] = [];
  const explains = (id: string, variant: Partial<Variant>): boolean => {
    const replay = run(computation, inputs, config, {
      keep: intermediates.length > 0,
      cross,
      causal,
      variant: { ...PAPER, ...variant },
    });
    if (!compare("output", output, replay.output, tolerance).pass) return false;
    const against = intermediates.find(([path, m]) => {
      const r = matrixAt({ inputs, trace: replay }, path);
      return r !== undefined && !compare(path, m, r, tolerance).pass;
    });
    if (against) contradicted.push(`${id} (its ${displayName(against[0], config)} differs)`);
    return against === undefined;
  };
  const cost = replayCost(config);
  if (candidates.length * cost > REPLAY_BUDGET) {
    return { diagnosis: [], undiagnosed: tooLarge(candidates.length, cost) };
  }
  // singles first; pairs too, so that a pair giving the same output is listed beside its part
  const singles = candidates.filter((m) => explains(m.id, m.variant));
  const pairCount = (candidates.length * (candidates.length - 1)) / 2;
  if ((candidates.length + 2 * pairCount) * cost > REPLAY_BUDGET) {
    const diagnosis = singles.map(described);
    return {
      diagnosis,
      ambiguity: ambiguity(diagnosis, intermediates.length > 0),
      undiagnosed: `${tooLarge(pairCount, cost)} (pairs of mistakes)`,
    };
  }
  const generic = genericInputs(inputs);
  const same = (a: Partial<Variant>, b: Partial<Variant>) =>
    compare("output", replay(a, generic), replay(b, generic), tolerance).pass;
  const replay = (v: Partial<Variant>, i: Inputs) =>
    run(computation, i, config, { keep: false, cross, causal, variant: { ...PAPER, ...v } }).output;
  // a pair that is one of its parts on any inputs (no residual makes its source moot) is not
  // another explanation; one that coincides only on these inputs is
  const distinct = (a: Mistake, b: Mistake) => {
    const both = { ...a.variant, ...b.variant };
    return ![a, b].some((m) => singles.includes(m) && same(both, m.variant));
  };
  const diagnosis = [...singles.map(described), ...pairs(candidates, explains, distinct)];
  return { diagnosis, ambiguity: ambiguity(diagnosis, intermediates.length > 0) };
}

function pairs(
  candidates: readonly Mistake[],
  explains: (id: string, v: Partial<Variant>) => boolean,
  distinct: (a: Mistake, b: Mistake) => boolean,
): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const [i, a] of candidates.entries()) {
    for (const b of candidates.slice(i + 1)) {
      const overlap = Object.keys(a.variant).some((k) => k in b.variant);
      const id = `${a.id}+${b.id}`;
      if (!overlap && explains(id, { ...a.variant, ...b.variant }) && distinct(a, b)) {
        out.push({
          id,
          message: `${a.message}; and ${b.message}`,
          fix: `${a.fix}; and ${b.fix}`,
        });
      }
    }
  }
  return out;
}

/** Inputs of the same shapes with no coincidences: a fixed, irregular fill. */
function genericInputs(inputs: Inputs): Inputs {
  let n = 0;
  const fill = (m: Matrix): Matrix => {
    const out = new Matrix(m.rows, m.cols);
    for (let i = 0; i < out.data.length; i++) out.data[i] = Math.sin(++n * 12.9898) * 1.7;
    return out;
  };
  const map = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).map(([k, m]) => [k, fill(m as Matrix)])) as T;
  return { globals: map(inputs.globals), layers: inputs.layers.map(map) };
}

/**
 * A mistake ready to replay: one that draws more (the feed-forward's biases) with its draws
 * taken from the stream; none when there is no stream to take them from.
 */
function withDraws(
  m: Mistake,
  config: ModelConfig,
  inputs: Inputs,
  stream: Normals | undefined,
): Mistake[] {
  if (!m.draws) return [m];
  if (!stream) return [];
  return [{ ...m, variant: { ...m.variant, drawnBiases: ffnBiasDraws(config, inputs, stream) } }];
}

const described = ({ id, message, fix }: Mistake): Diagnosis => ({ id, message, fix });

/** Why several explanations remain: they give the same output from these inputs. */
function ambiguity(d: Diagnosis[], hadIntermediates: boolean): string | undefined {
  if (d.length < 2) return undefined;
  const held = hadIntermediates
    ? "the intermediates saved agree with each of them"
    : "only the output was saved";
  return `${d.length} explanations give this same output from these inputs (e.g. when the attention weights are one-hot, dividing the scores or not changes nothing) and ${held}; save scores and weights (np.savez) to tell them apart`;
}

/**
 * An accepted variant (eps outside the root) that a correct output matches more closely than
 * the reference: said in a note, as the reason for its small difference.
 */
export function acceptedVariant(
  config: ModelConfig,
  inputs: Inputs,
  output: Matrix,
  referenceMaxAbs: number,
): string | undefined {
  if (!(referenceMaxAbs > 1e-12)) return undefined;
  const { computation, cross, causal } = config;
  for (const m of MISTAKES.filter((m) => m.accepted && m.applies.includes(computation))) {
    const out = run(computation, inputs, config, {
      keep: false,
      cross,
      causal,
      variant: { ...PAPER, ...m.variant },
    }).output;
    const c = compare("output", output, out, { rtol: 0, atol: referenceMaxAbs / 100 });
    if (c.pass) return `${m.id}: ${m.message}`;
  }
  return undefined;
}

/**
 * The replays' work is bounded: about 3·10⁸ multiply-adds (a few seconds: each also allocates and exponentiates), after which the
 * mistakes are not tried and the result says so.
 */
const REPLAY_BUDGET = 3e8;

/** Multiply-adds of one run of the layer (the products and the softmax's exponentials). */
function replayCost(c: ModelConfig): number {
  const hd = c.heads * c.dmodel;
  if (c.computation === "attention") return 2 * c.seq * c.src * c.dmodel + 10 * c.seq * c.src;
  const attention = (rows: number, keys: number) =>
    rows * c.emb * hd * 2 +
    keys * c.emb * hd * 2 +
    2 * rows * keys * hd +
    10 * c.heads * rows * keys;
  const blocks = attention(c.seq, c.seq) + (c.cross ? attention(c.seq, c.src) : 0);
  return c.layers * (blocks + 2 * c.seq * c.emb * c.ffn);
}

function tooLarge(replays: number, cost: number): string {
  return `${replays} replays of about ${(cost / 1e6).toFixed(0)} million multiply-adds each would exceed the bound of ${REPLAY_BUDGET / 1e8}·10⁸`;
}
