import { Command, CommanderError, Option } from "commander";
import { EXIT, ExitError, errorLine, UserError } from "../errors.js";
import { attentionCommand } from "./attention.js";
import { checkCommand } from "./check.js";
import { decodeCommand } from "./decode.js";
import { encodeCommand } from "./encode.js";
import { explainCommand } from "./explain.js";
import { outputFailure, watchStdout, writeHelp } from "./output.js";

/** package.json's version, written in by the build (scripts/build.mjs). */
declare const __VERSION__: string;

/** commander's own usage errors, as one line in our form: `transformer-lab: error: …`. */
function outputError(message: string, write: (s: string) => void): void {
  write(`transformer-lab: ${message.trimEnd().replace(/\n\(Did you mean/, " (did you mean")}\n`);
}

/** The commands, in the order the help lists them. */
const COMMANDS = {
  encode: encodeCommand,
  decode: decodeCommand,
  attention: attentionCommand,
  check: checkCommand,
  explain: explainCommand,
};

/**
 * The program. A run of one command (`encode …`) builds that command alone: the others, their
 * options and help texts, play no part in parsing its arguments (commander dispatches on the
 * first word); anything else — help, --version, a mistyped command — gets all of them.
 */
function program(first: string | undefined): Command {
  const p = new Command("transformer-lab")
    .description(
      "Compute, show and check a Transformer layer by hand: every intermediate matrix with its " +
        "formula and shape, reproducible numpy seeds, and grading of homework answers.",
    )
    .version(__VERSION__, "-v, --version", "print the version")
    .addOption(new Option("-V").hideHelp()) // the other spelling people try
    .on("option:V", () => {
      writeHelp(`${__VERSION__}\n`);
      throw new CommanderError(0, "commander.version", __VERSION__);
    })
    .exitOverride()
    .configureOutput({ outputError, writeOut: writeHelp })
    .showSuggestionAfterError();
  const only = Object.hasOwn(COMMANDS, first ?? "")
    ? [COMMANDS[first as keyof typeof COMMANDS]]
    : Object.values(COMMANDS);
  for (const command of only) p.addCommand(command());
  for (const c of p.commands)
    c.exitOverride().configureOutput({ outputError, writeOut: writeHelp });
  p.addHelpText(
    "after",
    `
Examples:
  # the homework's encoder layer, step by step
  $ transformer-lab encode --seq 4 --emb 8 --dmodel 3
  # the notebook's cell after np.random.seed(0)
  $ transformer-lab encode --rng numpy --seed 0 --json
  # a GPT-style block with the causal mask
  $ transformer-lab decode --no-cross
  # Question 1, masked
  $ transformer-lab attention --causal

Run 'transformer-lab <command> --help' for a command's options and examples.`,
  );
  return p;
}

/** `help nonexist` is a mistake, not a request for the whole help. */
function assertHelpTopic(p: Command, args: string[]): void {
  const [first, topic] = args;
  if (first !== "help" || topic === undefined || p.commands.some((c) => c.name() === topic)) return;
  const names = p.commands.map((c) => c.name()).filter((n) => n !== "help");
  throw new UserError(`help: unknown command '${topic}' (commands: ${names.join(", ")})`);
}

/**
 * The one place that turns outcomes and errors into an exit code; cli.ts sets it as the exit
 * status (the fuzz test runs many argument lists through it in one process).
 */
export async function main(argv: string[]): Promise<number> {
  watchStdout();
  const code = await outcome(argv);
  return outputFailure() === undefined ? code : EXIT.usage; // already reported, in one line
}

async function outcome(argv: string[]): Promise<number> {
  try {
    const p = program(argv[2]);
    assertHelpTopic(p, argv.slice(2));
    await p.parseAsync(argv);
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
