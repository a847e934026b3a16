import { Command, CommanderError } from "commander";
import { EXIT, ExitError, errorLine, UserError } from "../errors.js";
import { enableParallelMatmul } from "../math/matmul-parallel.js";
import { attentionCommand } from "./attention.js";
import { checkCommand } from "./check.js";
import { decodeCommand } from "./decode.js";
import { encodeCommand } from "./encode.js";
import { explainCommand } from "./explain.js";
import { outputFailure, watchStdout } from "./output.js";

/** package.json's version, written in by the build (scripts/build.mjs). */
declare const __VERSION__: string;

/** commander's own usage errors, as one line in our form: `transformer-lab: error: …`. */
function outputError(message: string, write: (s: string) => void): void {
  write(`transformer-lab: ${message.trimEnd().replace(/\n\(Did you mean/, " (did you mean")}\n`);
}

function program(): Command {
  const p = new Command("transformer-lab")
    .description(
      "Compute, show and check a Transformer layer by hand: every intermediate matrix with its\n" +
        "formula and shape, reproducible numpy seeds, and grading of homework answers.",
    )
    .version(__VERSION__)
    .exitOverride()
    .configureOutput({ outputError })
    .showSuggestionAfterError();
  p.addCommand(encodeCommand())
    .addCommand(decodeCommand())
    .addCommand(attentionCommand())
    .addCommand(checkCommand())
    .addCommand(explainCommand());
  for (const c of p.commands) c.exitOverride().configureOutput({ outputError });
  p.addHelpText(
    "after",
    `
Examples:
  $ transformer-lab encode --seq 4 --emb 8 --dmodel 3       the homework's encoder layer, step by step
  $ transformer-lab encode --rng numpy --seed 0 --json      the notebook's cell after np.random.seed(0)
  $ transformer-lab decode --no-cross                       a GPT-style block with the causal mask
  $ transformer-lab attention --causal                      Question 1, masked

Run 'transformer-lab <command> --help' for a command's options and examples.`,
  );
  return p;
}

/** The one place that turns outcomes and errors into an exit code. */
async function main(argv: string[]): Promise<number> {
  watchStdout();
  const code = await outcome(argv);
  return outputFailure() === undefined ? code : EXIT.usage; // already reported, in one line
}

async function outcome(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ExitError) return e.code;
    if (outputFailure() !== undefined) return EXIT.usage;
    if (e instanceof UserError) {
      process.stderr.write(errorLine(e.message));
      return EXIT.usage;
    }
    if (e instanceof CommanderError) {
      // commander has printed its message (or the help); --help and --version succeed.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(
      `transformer-lab: internal error (a bug; please report it with the command you ran):\n${(e as Error)?.stack ?? e}\n`,
    );
    return EXIT.internal;
  }
}

// Large products may use a second core; the worker file sits beside this bundle.
enableParallelMatmul(new URL("./matmul-worker.js", import.meta.url));
process.exitCode = await main(process.argv);
