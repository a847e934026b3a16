import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addOutputOptions, addRunOptions } from "./options.js";
import { addWhyOptions } from "./why.js";

export function attentionCommand(): Command {
  const cmd = new Command("attention")
    .summary("scaled dot-product attention alone (the homework's Question 1)")
    .description(
      "The homework's self_attention(X, query, key, value) on its own, " +
        "z = softmax(Q·Kᵀ / √d_k) · V. Q is seq × dmodel; K and V are src × dmodel " +
        "(src defaults to seq).",
    );
  addDimensionOptions(cmd, ["src"]);
  addRunOptions(cmd);
  addOutputOptions(cmd, { pager: true });
  addPictureOptions(cmd, false);
  addWhyOptions(cmd);
  return cmd
    .option("--causal", "hide key j > i from query i (needs seq = src)")
    .addHelpText(
      "after",
      `
Examples:
  # q, k, v of 4×3, drawn
  $ transformer-lab attention
  # the decoder's masked attention; the weights drawn whole, a triangle
  $ transformer-lab attention --causal --seq 20
  # q, k, v = np.random.randn(4, 3) three times
  $ transformer-lab attention --rng numpy --seed 0 --json
  # {"q": [[…]], "k": [[…]], "v": [[…]]}
  $ transformer-lab attention --input qkv.json
  # the weights as an SVG heat map, the masked triangle hatched
  $ transformer-lab attention --causal --seq 12 --svg w.svg
  $ transformer-lab attention --causal --html attention.html
  # z[0,2] from its weights and V
  $ transformer-lab attention --seed 1 --why 'z[0,2]'`,
    )
    .action((opts: ModelOptions) => runModelCommand("attention", opts));
}
