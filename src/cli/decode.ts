import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addOutputOptions, addRunOptions } from "./options.js";
import { addWhyOptions } from "./why.js";

export function decodeCommand(): Command {
  const cmd = new Command("decode")
    .summary("one decoder layer: causal self-attention, cross-attention, feed-forward")
    .description(
      "Computes a Transformer decoder layer (post-norm, no biases). --no-cross leaves out the " +
        "middle sublayer (a decoder-only, GPT-style block).",
    );
  addDimensionOptions(cmd, ["src", "emb", "heads", "layers", "ffn"]);
  addRunOptions(cmd);
  addOutputOptions(cmd, { pager: true });
  addPictureOptions(cmd, true);
  addWhyOptions(cmd);
  return cmd
    .option(
      "--no-cross",
      "no cross-attention: a decoder-only (GPT-style) block; no memory is drawn",
    )
    .addHelpText(
      "after",
      `
Formulas:
  norm1  = layer_norm(Y + MaskedAttention(Y, Y))         position i sees 0…i
  norm2  = layer_norm(norm1 + Attention(norm1, memory))  K, V from the memory
  output = layer_norm(norm2 + relu(norm2·W1)·W2)

Examples:
  # seq 4, memory of 4 rows, emb 8, dmodel 3
  $ transformer-lab decode
  # the memory (encoder output) has 6 rows
  $ transformer-lab decode --src 6 --heads 2
  # a small GPT-style stack
  $ transformer-lab decode --no-cross --layers 2
  $ transformer-lab decode --rng numpy --seed 0 --json |
      jq '.layers[0].self.heads[0].weights'
  # y, memory, wq, cross_wq, … from a file
  $ transformer-lab decode --input case.json
  # the mask and cross-attention, as a page
  $ transformer-lab decode --html decoder.html
  $ transformer-lab decode --svg cross.svg --step cross.weights
  # why that weight is 0 (masked)
  $ transformer-lab decode --seed 0 --why 'weights[1,2]'`,
    )
    .action((opts: ModelOptions) => runModelCommand("decode", opts));
}
