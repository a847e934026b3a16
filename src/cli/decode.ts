import { Command } from "commander";
import { addPictureOptions } from "./html-output.js";
import { type ModelOptions, runModelCommand } from "./model-command.js";
import { addDimensionOptions, addRunOptions } from "./options.js";

export function decodeCommand(): Command {
  const cmd = new Command("decode")
    .summary("one decoder layer: causal self-attention, cross-attention, feed-forward")
    .description(
      "Computes a Transformer decoder layer (post-norm, no biases):\n" +
        "  norm1  = layer_norm(Y + MaskedAttention(Y, Y))        position i sees only 0…i\n" +
        "  norm2  = layer_norm(norm1 + Attention(norm1, memory)) K and V from the encoder output\n" +
        "  output = layer_norm(norm2 + relu(norm2·W1)·W2)\n" +
        "--no-cross leaves out the middle sublayer (a decoder-only, GPT-style block).",
    );
  addDimensionOptions(cmd, ["src", "emb", "heads", "layers", "ffn"]);
  addRunOptions(cmd);
  addPictureOptions(cmd, true);
  return cmd
    .option(
      "--no-cross",
      "no cross-attention: a decoder-only (GPT-style) block; no memory is drawn",
    )
    .addHelpText(
      "after",
      `
Examples:
  $ transformer-lab decode                                  seq 4, memory of 4 rows, emb 8, dmodel 3
  $ transformer-lab decode --src 6 --heads 2                the memory (encoder output) has 6 rows
  $ transformer-lab decode --no-cross --layers 2            a small GPT-style stack
  $ transformer-lab decode --rng numpy --seed 0 --json | jq '.layers[0].self.heads[0].weights'
  $ transformer-lab decode --input case.json                y, memory, wq, cross_wq, … from a file
  $ transformer-lab decode --html decoder.html              the mask and cross-attention, as a page
  $ transformer-lab decode --svg cross.svg --step cross.weights`,
    )
    .action((opts: ModelOptions) => runModelCommand("decode", opts));
}
