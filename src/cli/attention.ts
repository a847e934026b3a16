import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addRunOptions } from "./options.js";

export function attentionCommand(): Command {
  const cmd = new Command("attention")
    .summary("scaled dot-product attention alone (the homework's Question 1)")
    .description(
      "The homework's self_attention(X, query, key, value) on its own:\n" +
        "  z = softmax(Q·Kᵀ / √d_k) · V\n" +
        "Q is seq × dmodel; K and V are src × dmodel (src defaults to seq).",
    );
  addDimensionOptions(cmd, ["src"]);
  addRunOptions(cmd);
  addPictureOptions(cmd, false);
  return cmd
    .option("--causal", "hide key j > i from query i (needs seq = src)")
    .addHelpText(
      "after",
      `
Examples:
  $ transformer-lab attention                               q, k, v of 4×3, drawn
  $ transformer-lab attention --causal --seq 5              the decoder's masked attention
  $ transformer-lab attention --rng numpy --seed 0 --json   q, k, v = np.random.randn(4, 3) ×3
  $ transformer-lab attention --input qkv.json              {"q": [[…]], "k": [[…]], "v": [[…]]}
  $ transformer-lab attention --causal --seq 12 --svg w.svg the weights as a heat map, the triangle hatched
  $ transformer-lab attention --causal --html attention.html`,
    )
    .action((opts: ModelOptions) => runModelCommand("attention", opts));
}
