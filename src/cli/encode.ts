import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addOutputOptions, addRunOptions } from "./options.js";
import { addWhyOptions } from "./why.js";

export function encodeCommand(): Command {
  const cmd = new Command("encode")
    .summary("one encoder layer (or a stack), every step shown")
    .description(
      "Computes a Transformer encoder layer exactly as the homework does (post-norm, no " +
        "biases). Matrices not given with --input are drawn from the seeded generator.",
    );
  addDimensionOptions(cmd, ["emb", "heads", "layers", "ffn"]);
  addRunOptions(cmd);
  addOutputOptions(cmd, { pager: true });
  addPictureOptions(cmd, true);
  addWhyOptions(cmd);
  return cmd
    .addHelpText(
      "after",
      `
Formulas:
  norm1  = layer_norm(X + softmax(Q·Kᵀ/√d_k)·V·Wo)
  output = layer_norm(norm1 + relu(norm1·W1)·W2)

Examples:
  # the homework's cell: seq 4, emb 8, dmodel 3
  $ transformer-lab encode
  # the cell after np.random.seed(0)
  $ transformer-lab encode --rng numpy --seed 0
  # a text seed: the seedrandom generator
  $ transformer-lab encode --seed hello
  $ transformer-lab encode --seq 6 --emb 16 --heads 2 --layers 2
  $ transformer-lab encode --rng numpy --seed 0 --json | jq .output
  # x, wq, … from np.savez("case.npz", x=…, wq=…)
  $ transformer-lab encode --input case.npz
  $ transformer-lab encode --json | transformer-lab encode --input - --quiet
  # the report in a file, UTF-8 (no shell redirection needed)
  $ transformer-lab encode --seed 0 -o report.txt
  # every step as a page; open it in a browser
  $ transformer-lab encode --rng numpy --seed 0 --html layer.html
  # one matrix as an SVG heat map
  $ transformer-lab encode --heads 2 --svg q.svg --step q --head 1
  # how output[2,5] was computed, step by step
  $ transformer-lab encode --seed 0 --why 'output[2,5]' --depth 3`,
    )
    .action((opts: ModelOptions) => runModelCommand("encode", opts));
}
