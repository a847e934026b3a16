import type { Matrix } from "../math/matrix.js";
import type { ModelConfig } from "../model/dims.js";
import type { Inputs } from "../model/input-slots.js";
import { run } from "../model/run.js";
import { matrixAt } from "../model/trace/lookup.js";
import { displayName } from "../model/trace/table.js";
import { PAPER, type Variant } from "../model/variants.js";
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
}

/**
 * The known mistakes that reproduce the answer's output and agree with every intermediate it
 * holds: each one alone, and — when none does — each pair that rewires different things (a
 * student who forgot √d_k may also have kept scipy's default softmax axis).
 */
export function diagnose(
  config: ModelConfig,
  inputs: Inputs,
  held: ReadonlyMap<string, Matrix>,
  tolerance: Tolerance,
): Found {
  const { computation, cross, causal } = config;
  const output = held.get("output") as Matrix;
  const candidates = MISTAKES.filter(
    (m) => m.applies.includes(computation) && (m.fits?.(config) ?? true),
  );
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
  let diagnosis = candidates.filter((m) => explains(m.id, m.variant)).map(described);
  if (diagnosis.length === 0) diagnosis = pairs(candidates, explains);
  return { diagnosis, ambiguity: ambiguity(diagnosis, intermediates.length > 0) };
}

function pairs(
  candidates: readonly Mistake[],
  explains: (id: string, v: Partial<Variant>) => boolean,
): Diagnosis[] {
  const out: Diagnosis[] = [];
  for (const [i, a] of candidates.entries()) {
    for (const b of candidates.slice(i + 1)) {
      const overlap = Object.keys(a.variant).some((k) => k in b.variant);
      const id = `${a.id}+${b.id}`;
      if (!overlap && explains(id, { ...a.variant, ...b.variant })) {
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

const described = ({ id, message, fix }: Mistake): Diagnosis => ({ id, message, fix });

/** Why several explanations remain: they give the same output from these inputs. */
function ambiguity(d: Diagnosis[], hadIntermediates: boolean): string | undefined {
  if (d.length < 2) return undefined;
  const held = hadIntermediates
    ? "the intermediates saved agree with each of them"
    : "only the output was saved";
  return `${d.length} explanations give this same output from these inputs (e.g. when the attention weights are one-hot, dividing the scores or not changes nothing) and ${held}; save scores and weights (np.savez) to tell them apart`;
}
