import { UserError } from "../errors.js";
import type { RngName } from "./normals.js";

/** A run's generator and its seed, as the JSON `config` reports them. */
export interface SeedChoice {
  rng: RngName;
  seed: number | string;
}

/** numpy's legacy np.random.seed takes a whole number 0 … 2³²−1. */
const NUMPY_MAX_SEED = 0xffffffff;

/**
 * The generator and seed of a run. numpy is the default, since the tool exists to reproduce the
 * notebook's `np.random.seed(s)`; a seed that is not a whole number (`hello`) selects seedrandom,
 * which takes any text. Without a seed, a fresh one is picked, to be reported so the run can be
 * repeated. A whole-number seed reads as a number, any other as text.
 */
export function chooseSeed(
  rng: RngName | undefined,
  seed: string | number | undefined,
): SeedChoice {
  if (seed === undefined) {
    return { rng: rng ?? "numpy", seed: Math.floor(Math.random() * 2 ** 32) }; // to report, not a secret
  }
  const text = String(seed);
  if (text === "") throw new UserError("--seed is empty");
  const n = Number(text);
  const whole = /^\d+$/.test(text) && Number.isSafeInteger(n);
  const looksWhole = /^\s*-?\d+\s*$/.test(text);
  const chosen: RngName = rng ?? (looksWhole ? "numpy" : "seedrandom");
  if (chosen === "numpy" && (!whole || n > NUMPY_MAX_SEED)) {
    throw new UserError(
      `--seed ${JSON.stringify(text)}: numpy's np.random.seed takes a whole number from 0 to ${NUMPY_MAX_SEED}` +
        (looksWhole ? "" : "; a text seed needs --rng seedrandom"),
    );
  }
  return { rng: chosen, seed: whole ? n : text };
}
