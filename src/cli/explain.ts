import { Argument, Command } from "commander";
import { resolveDims } from "../model/dims.js";
import { explainText, TOPICS, type Topic } from "../render/explain.js";
import { paintFor } from "./color.js";
import { addDimensionOptions, addOutputOptions, type CommonOptions, dimFlags } from "./options.js";
import { emit } from "./output.js";

export function explainCommand(): Command {
  const cmd = new Command("explain")
    .summary("walk through the encoder, the decoder (Question 3) or attention, with shapes")
    .description(
      "Explains each step: its formula, the shape it has for the dimensions given, and why. " +
        "'explain decoder' answers the homework's Question 3: how a decoder differs.",
    )
    .addArgument(new Argument("[topic]", "what to explain").choices(TOPICS).default("encoder"));
  addDimensionOptions(cmd, ["src", "emb", "heads", "ffn"]);
  addOutputOptions(cmd, { pager: true });
  return cmd
    .addHelpText(
      "after",
      `
Examples:
  # the encoder layer, homework sizes
  $ transformer-lab explain
  # Question 3
  $ transformer-lab explain decoder
  $ transformer-lab explain attention --seq 5 --dmodel 4
  $ transformer-lab explain encoder --emb 512 --dmodel 64 --heads 8`,
    )
    .action(async (topic: Topic, o: CommonOptions) => {
      const computation =
        topic === "decoder" ? "decode" : topic === "attention" ? "attention" : "encode";
      const cross = computation === "decode";
      const dims = resolveDims({ computation, cross, flags: dimFlags(o) });
      // explain shows shapes and allocates no matrix: any dimension resolveDims takes will do
      await emit([explainText(topic, dims, await paintFor(o.color, o))], o, { pretty: true });
    });
}
