import { UserError } from "../errors.js";
import type { Computation, Dims } from "../model/dims.js";
import { RNG_NAMES, type RngName } from "../rng/normals.js";
import { describe } from "./matrix-value.js";

/**
 * What a run was asked to do, as a `--json` document's `config` states it (SPEC section 3), so
 * that a document read back (`--input doc.json`, `check doc.json`) is the same run.
 */
export interface StatedConfig {
  computation: Computation;
  dims: Partial<Dims>;
  rng?: RngName;
  seed?: number | string;
  cross?: boolean;
  causal?: boolean;
  /** where the document's own supplied matrices came from */
  input?: string;
}

const DIM_KEYS = ["seq", "emb", "dmodel", "heads", "layers", "ffn", "src"] as const;
const COMMANDS: readonly string[] = ["encode", "decode", "attention"];

/** Whether a loaded value is a document written by transformer-lab (it has `schema`). */
export function isDocument(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && "schema" in value;
}

/** The config of a `--json` document, each value checked; a bad one names its key. */
export function statedConfig(doc: Record<string, unknown>, file: string): StatedConfig {
  const command = doc.command;
  if (command === "check") {
    throw new UserError(`${file} is a check report, not a run; it holds no matrices to use`);
  }
  if (typeof command !== "string" || !COMMANDS.includes(command)) {
    throw new UserError(
      `command in ${file}: expected encode, decode or attention, got ${describe(command)}`,
    );
  }
  const config = doc.config ?? {};
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new UserError(`config in ${file}: expected an object, got ${describe(config)}`);
  }
  const c = config as Record<string, unknown>;
  const bad = (key: string, expected: string) =>
    new UserError(`config.${key} in ${file}: expected ${expected}, got ${describe(c[key])}`);
  const out: StatedConfig = { computation: command as Computation, dims: {} };
  for (const k of DIM_KEYS) {
    if (c[k] === undefined) continue;
    if (k === "src" && c.cross === false) continue; // decode --no-cross: no memory, src is moot
    if (!Number.isSafeInteger(c[k]) || (c[k] as number) < 1)
      throw bad(k, "a positive whole number");
    out.dims[k] = c[k] as number;
  }
  if (c.rng !== undefined) {
    if (!(RNG_NAMES as readonly unknown[]).includes(c.rng))
      throw bad("rng", RNG_NAMES.join(" or "));
    out.rng = c.rng as RngName;
  }
  if (c.seed !== undefined && c.seed !== null) {
    if (typeof c.seed !== "number" && typeof c.seed !== "string")
      throw bad("seed", "a number or text");
    out.seed = c.seed;
  }
  for (const k of ["cross", "causal"] as const) {
    if (c[k] === undefined) continue;
    if (typeof c[k] !== "boolean") throw bad(k, "true or false");
    out[k] = c[k] as boolean;
  }
  if (c.input !== undefined) {
    if (typeof c.input !== "string") throw bad("input", "a file name");
    out.input = c.input;
  }
  return out;
}

/** The flags a run takes from the command line, where a document's config may state them too. */
export interface RunFlags {
  dims: Partial<Dims>;
  rng?: RngName;
  seed?: string;
  /** false: --no-cross was given */
  cross?: boolean;
  /** true: --causal was given */
  causal?: boolean;
}

/**
 * The command line's flags completed by a document's config: what the command line leaves out,
 * the document says; where both speak and disagree, the error names both.
 */
export function withStated(
  flags: RunFlags,
  stated: StatedConfig,
  computation: Computation,
  file: string,
): RunFlags {
  if (stated.computation !== computation) {
    throw new UserError(
      `${file} was written by ${stated.computation}, not ${computation}; read it with transformer-lab ${stated.computation} --input`,
    );
  }
  const disagree = (flag: string, key: string, value: unknown) =>
    new UserError(`${flag} disagrees with ${file}, whose config has ${key} ${String(value)}`);
  const dims = { ...stated.dims };
  for (const [k, v] of Object.entries(flags.dims) as [keyof Dims, number][]) {
    if (dims[k] !== undefined && dims[k] !== v) throw disagree(`--${k} ${v}`, k, dims[k]);
    dims[k] = v;
  }
  if (flags.rng && stated.rng && flags.rng !== stated.rng) {
    throw disagree(`--rng ${flags.rng}`, "rng", stated.rng);
  }
  const statedSeed = stated.seed === undefined ? undefined : String(stated.seed);
  if (flags.seed !== undefined && statedSeed !== undefined && flags.seed !== statedSeed) {
    throw disagree(`--seed ${flags.seed}`, "seed", stated.seed);
  }
  if (flags.cross === false && stated.cross === true) {
    throw disagree("--no-cross", "cross", true);
  }
  if (flags.causal === true && stated.causal === false) {
    throw disagree("--causal", "causal", false);
  }
  return {
    dims,
    rng: flags.rng ?? stated.rng,
    seed: flags.seed ?? statedSeed,
    cross: flags.cross ?? stated.cross,
    causal: flags.causal ?? stated.causal,
  };
}

/**
 * The generator and seed to grade an answer with: --rng and --seed, else what a `--json` answer's
 * config states (the two disagreeing is an error naming both); numpy unless a text seed says
 * seedrandom.
 */
export function answerGenerator(
  flags: { rng?: RngName; seed?: number | string },
  stated: { rng?: RngName; seed?: number | string },
  file: string,
): { rng: RngName; seed?: number | string } {
  for (const k of ["seed", "rng"] as const) {
    if (
      flags[k] !== undefined &&
      stated[k] !== undefined &&
      String(flags[k]) !== String(stated[k])
    ) {
      throw new UserError(
        `--${k} ${flags[k]} disagrees with ${file}, whose config has ${k} ${stated[k]}`,
      );
    }
  }
  const seed = flags.seed ?? stated.seed;
  return {
    seed,
    rng: flags.rng ?? stated.rng ?? (typeof seed === "string" ? "seedrandom" : "numpy"),
  };
}
