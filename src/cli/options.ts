import { type Command, InvalidArgumentError, Option } from "commander";
import type { DimFlags } from "../model/dims.js";
import { RNG_NAMES, type RngName } from "../rng/normals.js";
import { addColorOptions, type ColorWhen } from "./color.js";

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
  /** absent: numpy, or seedrandom for a text seed (rng/seed.ts) */
  rng?: RngName;
  input?: string;
  json?: boolean;
  quiet?: boolean;
  /** --allow-long: run even when the work estimate is beyond about a minute (memory-guard.ts) */
  allowLong?: boolean;
  precision: number;
  full?: boolean;
  color: ColorWhen | false;
  output?: string;
  pager?: boolean;
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
      new Option(
        "--rng <name>",
        "generator (default: numpy, = np.random.seed(s) + np.random.randn; a seed that is not a whole number, as --seed hello, selects seedrandom)",
      ).choices(RNG_NAMES),
    )
    .option(
      "-i, --input <file>",
      "matrices from a JSON, .npy or .npz file, or a --json document (its config too); - for stdin, which is also read when piped in without --input; the rest are drawn",
    )
    .option("--json", "one JSON document on stdout (for scripts)")
    .option("-q, --quiet", "only the output (pretty or JSON); no intermediates are kept")
    .option("--precision <n>", "digits after the decimal point", (v) => precision(v), 4)
    .option("--full", "print every row and column of large matrices")
    .option("--allow-long", "run even when it is estimated to take more than about a minute");
}

/** -o, --pager and --color, which every command takes (--no-pager only those with long reports). */
export function addOutputOptions(cmd: Command, { pager }: { pager: boolean }): Command {
  cmd.option("-o, --output <file>", "write to this file (UTF-8, whole or not at all), not stdout");
  if (pager)
    cmd.option(
      "--no-pager",
      "print straight to the terminal (by default a long report on a terminal goes through $PAGER, or less -R)",
    );
  return addColorOptions(cmd);
}

function precision(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 17)
    throw new InvalidArgumentError("--precision takes a whole number from 0 to 17");
  return n;
}
