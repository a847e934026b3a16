import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_TOLERANCE } from "../check/compare.js";
import type { Computation } from "../model/dims.js";
import { RNG_NAMES } from "../rng/normals.js";
import { runCheck } from "./check-run.js";
import { addDimensionOptions, type CommonOptions } from "./options.js";

export interface CheckOptions extends CommonOptions {
  rtol: number;
  atol: number;
  against?: Computation;
  cross: boolean;
  causal?: boolean;
}

function tolerance(flag: string) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x < 0)
      throw new InvalidArgumentError(`${flag} takes a number ≥ 0`);
    return x;
  };
}

export function checkCommand(): Command {
  const cmd = new Command("check")
    .summary(
      "grade homework answers: compare with the reference, name the first wrong step and the likely mistake",
    )
    .description(
      "Compares each answer with the reference computation, as np.allclose does:\n" +
        "|answer − reference| ≤ atol + rtol·|reference|. An answer is a JSON object or .npz with\n" +
        "the inputs it used, its output and any intermediates (q, scores, weights, norm1, …), or\n" +
        "a bare matrix (.npy, or a JSON list of rows): an output whose inputs come from --seed.\n" +
        "With --seed, the generator runs through the notebook's whole draw sequence, so matrices the\n" +
        "answer lacks (the feed-forward's W1, W2) are the ones the notebook drew.",
    )
    .argument("<answers...>", "answer files (.json, .npy, .npz); - for stdin");
  addDimensionOptions(cmd, ["src", "emb", "heads", "layers", "ffn"]);
  return cmd
    .option("--seed <s>", "the seed the notebook used, for inputs the answer does not hold")
    .addOption(
      new Option("--rng <name>", "generator of that seed").choices(RNG_NAMES).default("numpy"),
    )
    .addOption(
      new Option(
        "--against <command>",
        "what the answers compute (default: told by their keys, else encode)",
      ).choices(["encode", "decode", "attention"]),
    )
    .option(
      "--rtol <x>",
      "relative tolerance (default: 1e-5)",
      tolerance("--rtol"),
      DEFAULT_TOLERANCE.rtol,
    )
    .option(
      "--atol <x>",
      "absolute tolerance (default: 1e-8)",
      tolerance("--atol"),
      DEFAULT_TOLERANCE.atol,
    )
    .option("--no-cross", "decode answers without cross-attention")
    .option("--causal", "attention answers with the causal mask")
    .option("--json", "one JSON document on stdout")
    .option("--no-color", "no colour (also: NO_COLOR=1)")
    .addHelpText(
      "after",
      `
Exit status: 0 all correct, 1 some answer wrong, 2 a file could not be read or used.

Examples:
  $ transformer-lab check --seed 0 output.npy               np.save("output.npy", output) after np.random.seed(0)
  $ transformer-lab check answer.npz                        np.savez("answer.npz", x=…, wq=…, w1=…, scores=…, output=…)
  $ transformer-lab check --seed 0 answers/*.npy            a folder at once: a table and a count
  $ transformer-lab check --seed 0 --json answers/* | jq .failed
  $ transformer-lab check --against attention qkv.json      {"q": …, "k": …, "v": …, "output": …}`,
    )
    .action(async (files: string[], o: CheckOptions) => {
      await runCheck(files, o);
    });
}
