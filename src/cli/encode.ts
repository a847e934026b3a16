import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addRunOptions } from "./options.js";

export function encodeCommand(): Command {
  const cmd = new Command("encode")
    .summary("one encoder layer (or a stack), every step shown")
    .description(
      "Computes a Transformer encoder layer exactly as the homework does (post-norm, no biases):\n" +
        "  norm1  = layer_norm(X + softmax(Q·Kᵀ/√d_k)·V·Wo)\n" +
        "  output = layer_norm(norm1 + relu(norm1·W1)·W2)\n" +
        "Matrices not given with --input are drawn from the seeded generator.",
    );
  addDimensionOptions(cmd, ["emb", "heads", "layers", "ffn"]);
  addRunOptions(cmd);
  addPictureOptions(cmd, true);
  return cmd
    .addHelpText(
      "after",
      `
Examples:
  $ transformer-lab encode                                  the homework's cell: seq 4, emb 8, dmodel 3
  $ transformer-lab encode --rng numpy --seed 0             the cell after np.random.seed(0)
  $ transformer-lab encode --seq 6 --emb 16 --heads 2 --layers 2
  $ transformer-lab encode --rng numpy --seed 0 --json | jq .output
  $ transformer-lab encode --input case.npz                 x, wq, … from np.savez("case.npz", x=…, wq=…)
  $ transformer-lab encode --json | transformer-lab encode --input - --quiet
  $ transformer-lab encode --rng numpy --seed 0 --html layer.html   every step as a page; open it in a browser
  $ transformer-lab encode --heads 2 --svg q.svg --step q --head 1  one matrix as an SVG heat map`,
    )
    .action((opts: ModelOptions) => runModelCommand("encode", opts));
}
