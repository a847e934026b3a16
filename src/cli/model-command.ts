import { resolveDims } from "../io/dims.js";
import { UserError } from "../io/errors.js";
import { inputsFromDocument } from "../io/inputs.js";
import { readInput } from "../io/read.js";
import type { GlobalKey, Inputs, Command as ModelCommand } from "../model/inputs.js";
import { run } from "../model/run.js";
import { type RunConfig, runDocument } from "../render/document.js";
import { jsonChunks } from "../render/json.js";
import { completeInputs } from "../rng/draw.js";
import { makeNormals } from "../rng/normals.js";
import { chooseSeed } from "../rng/seed.js";
import { type CommonOptions, dimFlags, paintFor } from "./options.js";
import { writeOut } from "./output.js";

export interface ModelOptions extends CommonOptions {
  /** decode: --no-cross sets it false */
  cross?: boolean;
  /** attention */
  causal?: boolean;
}

/**
 * encode, decode and attention: read and check every input, draw what is missing, run the
 * model, then print. Everything that can fail on bad input fails before anything is printed.
 */
export async function runModelCommand(command: ModelCommand, o: ModelOptions): Promise<void> {
  const cross = command === "decode" ? o.cross !== false : false;
  const supplied: Inputs = o.input
    ? inputsFromDocument(
        (await readInput(o.input)).value,
        fileName(o.input),
        undefined,
        SINGLE[command],
      ).inputs
    : { globals: {}, layers: [] };
  const flags = dimFlags(o);
  const dims = resolveDims(command, supplied, o.input ? fileName(o.input) : "", flags, cross);
  if (command === "attention" && o.causal && dims.seq !== dims.src) {
    throw new UserError(
      `--causal needs square attention: ${dims.seq} queries but ${dims.src} keys (query i may see keys 0…i)`,
    );
  }
  const { rng, seed } = chooseSeed(o.rng, o.seed);
  const inputs = completeInputs(command, dims, cross, supplied, await makeNormals(rng, seed));
  const quiet = o.quiet === true;
  const trace = run(command, inputs, dims, { keep: !quiet, cross, causal: o.causal });
  const config: RunConfig = {
    command,
    ...dims,
    rng,
    seed,
    cross: command === "decode" ? cross : undefined,
    causal: command === "attention" ? o.causal === true : undefined,
    input: o.input ? fileName(o.input) : undefined,
  };
  if (o.json) {
    await writeOut(withNewline(jsonChunks(runDocument(config, inputs, trace, quiet))));
    return;
  }
  const { prettyChunks } = await import("../render/pretty.js");
  const paint = await paintFor(o.color);
  await writeOut(
    prettyChunks(config, inputs, trace, {
      precision: o.precision,
      full: o.full === true,
      paint,
      quiet,
    }),
  );
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield "\n";
}

/** What a lone matrix given to --input is. */
const SINGLE: Record<ModelCommand, GlobalKey | undefined> = {
  encode: "x",
  decode: "y",
  attention: undefined,
};

function fileName(input: string): string {
  return input === "-" ? "<stdin>" : input;
}
