import { Argument, Command } from "commander";
import { resolveDims } from "../model/dims.js";
import { explainText, TOPICS, type Topic } from "../render/explain.js";
import { addDimensionOptions, type CommonOptions, dimFlags, paintFor } from "./options.js";
import { writeOut } from "./output.js";

export function explainCommand(): Command {
  const cmd = new Command("explain")
    .summary("walk through the encoder, the decoder (Question 3) or attention, with shapes")
    .description(
      "Explains each step: its formula, the shape it has for the dimensions given, and why.\n" +
        "'explain decoder' answers the homework's Question 3: how a decoder differs.",
    )
    .addArgument(new Argument("[topic]", "what to explain").choices(TOPICS).default("encoder"));
  addDimensionOptions(cmd, ["src", "emb", "heads", "ffn"]);
  return cmd
    .option("--no-color", "no colour (also: NO_COLOR=1)")
    .addHelpText(
      "after",
      `
Examples:
  $ transformer-lab explain                                 the encoder layer, homework sizes
  $ transformer-lab explain decoder                         Question 3
  $ transformer-lab explain attention --seq 5 --dmodel 4
  $ transformer-lab explain encoder --emb 512 --dmodel 64 --heads 8`,
    )
    .action(async (topic: Topic, o: CommonOptions) => {
      const computation =
        topic === "decoder" ? "decode" : topic === "attention" ? "attention" : "encode";
      const cross = computation === "decode";
      const dims = resolveDims({ computation, cross, flags: dimFlags(o) });
      // explain shows shapes and allocates no matrix: any dimension resolveDims takes will do
      await writeOut([explainText(topic, dims, await paintFor(o.color))]);
    });
}
