import { type Command, InvalidArgumentError, Option } from "commander";
import { UserError } from "../errors.js";
import type { DimFlags } from "../model/dims.js";
import { RNG_NAMES, type RngName } from "../rng/normals.js";

/** A positive whole number, for dimension flags. */
export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`${flag} takes a positive whole number`);
  }
  return n;
}

const dim = (flag: string) => (v: string) => positiveInt(v, flag);

/** The options every computing command shares (SPEC section 3). */
export interface CommonOptions {
  seq?: number;
  emb?: number;
  dmodel?: number;
  heads?: number;
  layers?: number;
  ffn?: number;
  src?: number;
  seed?: string;
  rng: RngName;
  input?: string;
  json?: boolean;
  quiet?: boolean;
  precision: number;
  full?: boolean;
  color: boolean;
}

export function addDimensionOptions(
  cmd: Command,
  which: ("layers" | "ffn" | "emb" | "heads" | "src")[],
): Command {
  cmd.option("--seq <n>", "sequence length: rows of the input (default: 4)", dim("--seq"));
  if (which.includes("src")) {
    cmd.option("--src <n>", "rows of the memory / keys and values (default: --seq)", dim("--src"));
  }
  if (which.includes("emb")) cmd.option("--emb <n>", "embedding length (default: 8)", dim("--emb"));
  cmd.option("--dmodel <n>", "d_k, the width of one attention head (default: 3)", dim("--dmodel"));
  if (which.includes("heads"))
    cmd.option("--heads <n>", "attention heads (default: 1)", dim("--heads"));
  if (which.includes("layers"))
    cmd.option("--layers <n>", "stacked layers (default: 1)", dim("--layers"));
  if (which.includes("ffn"))
    cmd.option("--ffn <n>", "feed-forward inner width (default: 4·emb)", dim("--ffn"));
  return cmd;
}

/** The dimension flags the user gave (an absent one stays absent, so matrices may fix it). */
export function dimFlags(o: CommonOptions): DimFlags {
  const { seq, emb, dmodel, heads, layers, ffn, src } = o;
  const given = Object.entries({ seq, emb, dmodel, heads, layers, ffn, src }).filter(
    ([, v]) => v !== undefined,
  );
  return Object.fromEntries(given) as DimFlags;
}

export function addRunOptions(cmd: Command): Command {
  return cmd
    .option(
      "--seed <s>",
      "seed of the generator (default: a random one, printed so you can repeat the run)",
    )
    .addOption(
      new Option("--rng <name>", "generator: numpy reproduces np.random.seed(s) + np.random.randn")
        .choices(RNG_NAMES)
        .default("seedrandom"),
    )
    .option(
      "-i, --input <file>",
      "matrices from a JSON, .npy or .npz file (- for stdin); the rest are drawn",
    )
    .option("--json", "one JSON document on stdout (for scripts)")
    .option("-q, --quiet", "only the output (pretty or JSON); no intermediates are kept")
    .option(
      "--precision <n>",
      "digits after the decimal point (default: 4)",
      (v) => precision(v),
      4,
    )
    .option("--full", "print every row and column of large matrices")
    .option("--no-color", "no colour (also: NO_COLOR=1; FORCE_COLOR=1 forces it)");
}

function precision(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 17)
    throw new InvalidArgumentError("--precision takes a whole number from 0 to 17");
  return n;
}

/**
 * The seed of a run: the one given, checked for the generator, or a fresh one. numpy's legacy
 * seed is an integer 0 … 2³²−1; seedrandom takes any text (a whole number reads as a number).
 */
export function resolveSeed(rng: RngName, seed: string | undefined): number | string {
  if (seed === undefined) return Math.floor(Math.random() * 2 ** 32); // a seed to report, not a secret
  const n = Number(seed);
  const integer = /^\d+$/.test(seed) && Number.isSafeInteger(n);
  if (rng === "numpy" && (!integer || n > 0xffffffff)) {
    throw new UserError(
      `--seed ${JSON.stringify(seed)}: numpy's np.random.seed takes a whole number from 0 to 4294967295`,
    );
  }
  if (seed === "") throw new UserError("--seed is empty");
  return integer ? n : seed;
}

/** Colour for the pretty report: chalk 5 reads FORCE_COLOR and the terminal, but not NO_COLOR. */
export async function paintFor(color: boolean) {
  const { Chalk, supportsColor } = await import("chalk");
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "";
  const level = !color || noColor || !supportsColor ? 0 : supportsColor.level;
  return new Chalk({ level });
}
