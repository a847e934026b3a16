import { availableParallelism } from "node:os";
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_TOLERANCE } from "../check/compare.js";
import type { Computation } from "../model/dims.js";
import { RNG_NAMES } from "../rng/normals.js";
import {
  addDimensionOptions,
  addOutputOptions,
  type CommonOptions,
  positiveInt,
} from "./options.js";

export interface CheckOptions extends CommonOptions {
  /** also write the report as a page */
  html?: string;
  rtol: number;
  atol: number;
  against?: Computation;
  cross: boolean;
  causal?: boolean;
  seeds?: string;
  /** notebooks and scripts: the Python, the limits of each run, how many at once, the gradebook */
  python: string;
  timeout: number;
  memory: number;
  jobs: number;
  csv?: string;
}

function positive(flag: string) {
  return (v: string) => {
    const x = Number(v);
    if (v.trim() === "" || !Number.isFinite(x) || x <= 0)
      throw new InvalidArgumentError(`${flag} takes a number > 0`);
    return x;
  };
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
      "Compares each answer with the reference computation, as np.allclose does: " +
        "|answer − reference| ≤ atol + rtol·|reference|. An answer is a JSON object or .npz with " +
        "the inputs it used, its output and any intermediates (q, scores, weights, norm1, …), or " +
        "a bare matrix (.npy, or a JSON list of rows): an output whose inputs come from --seed. " +
        "With --seed, the generator runs through the notebook's whole draw sequence, so matrices " +
        "the answer lacks (the feed-forward's W1, W2) are the ones the notebook drew.",
    )
    .argument(
      "<answers...>",
      "answer files (.json, .npy, .npz; - for stdin), notebooks (.ipynb), scripts (.py), or folders of them, searched recursively (a subfolder of answer files is one student's)",
    );
  addDimensionOptions(cmd, ["src", "emb", "heads", "layers", "ffn"]);
  cmd
    .option(
      "--seed <s>",
      "the seed the notebook used, for inputs the answer does not hold (default for every answer)",
    )
    .option(
      "--seeds <file>",
      "a CSV of file,seed: each student's seed (an answer's own `seed` entry comes first)",
    )
    .addOption(
      new Option(
        "--rng <name>",
        "generator of that seed (default: numpy; a text seed selects seedrandom)",
      ).choices(RNG_NAMES),
    )
    .addOption(
      new Option(
        "--against <command>",
        "what the answers compute (default: told by their keys, else encode)",
      ).choices(["encode", "decode", "attention"]),
    )
    .option("--rtol <x>", "relative tolerance", tolerance("--rtol"), DEFAULT_TOLERANCE.rtol)
    .option("--atol <x>", "absolute tolerance", tolerance("--atol"), DEFAULT_TOLERANCE.atol)
    .option("--no-cross", "decode answers without cross-attention")
    .option("--causal", "attention answers with the causal mask")
    .option("--python <path>", "the Python that runs notebooks and scripts", "python3")
    .option("--timeout <s>", "seconds each notebook or script may run", positive("--timeout"), 30)
    .option("--memory <mb>", "memory cap of each run, in MB", positive("--memory"), 2048)
    .option(
      "--jobs <n>",
      "notebooks run at once (the core count)",
      (v: string) => positiveInt(v, "--jobs"),
      availableParallelism(),
    )
    .option("--csv <file>", "also write a gradebook of the notebooks and scripts: one CSV row each")
    .option("--json", "one JSON document on stdout")
    .option(
      "--html <file>",
      "also write the report as a page: the class at a glance, each wrong matrix",
    );
  addOutputOptions(cmd, { pager: true });
  return cmd
    .addHelpText(
      "after",
      `
Notebooks (.ipynb) and scripts (.py) are run in Python (python3, or --python)
through a harness, each in its own process with --timeout, --memory, a fresh
temporary directory and no stdin: Q1's self_attention and Q2's encoder_layer
are graded on several cases, Q3's text is shown with the points a complete
answer makes. It is not a sandbox: run only code you would run yourself.

Each file is a row: correct, wrong, unreadable (cannot be read as an answer)
or ungraded (read, but no seed reproduces it, or it lacks what grading needs).
Exit status: 0 all correct; 1 some file wrong, unreadable, ungraded or not
runnable (one file or many; a missing path too); 2 the command could not run
(a bad flag, an unreadable --seeds file, nothing to grade, no Python for code).

Examples:
  # np.save("output.npy", output) after np.random.seed(0)
  $ transformer-lab check --seed 0 output.npy
  # np.savez("answer.npz", x=…, wq=…, w1=…, scores=…, output=…)
  $ transformer-lab check --seed 0 answer.npz
  # a folder at once: a table and a count
  $ transformer-lab check --seed 0 answers/
  # each student's seed (lines: ana.npy,42)
  $ transformer-lab check --seeds seeds.csv answers/
  # no seed: searched (0–9999, the usual ones, draw-order slips)
  $ transformer-lab check output.npy
  $ transformer-lab check --seed 0 --json answers/* | jq .failed
  # {"q": …, "k": …, "v": …, "output": …}
  $ transformer-lab check --against attention qkv.json
  $ transformer-lab check --seed 0 --html report.html answers/*
  # a notebook: Q1, Q2 and Q3, step by step
  $ transformer-lab check lista8.ipynb
  # a folder of notebooks: a table and a gradebook
  $ transformer-lab check --csv grades.csv turma/
  $ transformer-lab check --timeout 10 --jobs 4 turma/*.ipynb`,
    )
    .action(async (files: string[], o: CheckOptions) => {
      // the grader is loaded when it runs: the other commands' start-up never parses it
      const { runCheck } = await import("./check-run.js");
      await runCheck(files, o);
    });
}
