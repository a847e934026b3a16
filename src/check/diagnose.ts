import type { Matrix } from "../math/matrix.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";
import { run } from "../model/run.js";
import { PAPER, type Variant } from "../model/variants.js";
import { compare, type Tolerance } from "./compare.js";
import { MISTAKES } from "./mistakes.js";

export interface Diagnosis {
  id: string;
  message: string;
  fix: string;
}

/**
 * The known mistakes that reproduce the answer's output: each one alone, and — when none does —
 * each pair that rewires different things (a student who forgot √d_k may also have kept scipy's
 * default softmax axis).
 */
export function diagnose(
  config: ModelConfig,
  inputs: Inputs,
  output: Matrix,
  tolerance: Tolerance,
): { diagnosis: Diagnosis[]; undiagnosed?: string } {
  const { computation, cross, causal } = config;
  const candidates = MISTAKES.filter(
    (m) => m.applies.includes(computation) && (m.fits?.(config) ?? true),
  );
  const reproduces = (variant: Partial<Variant>): boolean => {
    const replay = run(computation, inputs, config, {
      keep: false,
      cross,
      causal,
      variant: { ...PAPER, ...variant },
    });
    return compare("output", output, replay.output, tolerance).pass;
  };
  const cost = replayCost(config);
  if (candidates.length * cost > REPLAY_BUDGET) {
    return { diagnosis: [], undiagnosed: tooLarge(candidates.length, cost) };
  }
  const single = candidates
    .filter((m) => reproduces(m.variant))
    .map(({ id, message, fix }) => ({ id, message, fix }));
  if (single.length > 0) return { diagnosis: single };
  const pairCount = (candidates.length * (candidates.length - 1)) / 2;
  if ((candidates.length + pairCount) * cost > REPLAY_BUDGET) {
    return { diagnosis: [], undiagnosed: `${tooLarge(pairCount, cost)} (pairs of mistakes)` };
  }
  const pairs: Diagnosis[] = [];
  for (const [i, a] of candidates.entries()) {
    for (const b of candidates.slice(i + 1)) {
      const overlap = Object.keys(a.variant).some((k) => k in b.variant);
      if (!overlap && reproduces({ ...a.variant, ...b.variant })) {
        pairs.push({
          id: `${a.id}+${b.id}`,
          message: `${a.message}; and ${b.message}`,
          fix: `${a.fix}; and ${b.fix}`,
        });
      }
    }
  }
  return { diagnosis: pairs };
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
