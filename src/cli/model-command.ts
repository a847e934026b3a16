import { resolveDims } from "../io/dims.js";
import { isDocument, type RunFlags, statedConfig, withStated } from "../io/document-config.js";
import { UserError } from "../io/errors.js";
import { inputsFromDocument } from "../io/inputs.js";
import { type Loaded, readInput, readPipedStdin, stdinRedirected } from "../io/read.js";
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
  const loaded = await loadInput(o.input);
  const file = loaded?.file ?? "";
  const stated =
    loaded && isDocument(loaded.value) ? statedConfig(loaded.value, loaded.file) : undefined;
  const given: RunFlags = {
    dims: dimFlags(o),
    rng: o.rng,
    seed: o.seed,
    cross: o.cross === false ? false : undefined,
    causal: o.causal === true ? true : undefined,
  };
  const flags = stated ? withStated(given, stated, command, file) : given;
  const cross = command === "decode" && flags.cross !== false;
  const causal = command === "attention" && flags.causal === true;
  const supplied: Inputs = loaded
    ? inputsFromDocument(loaded.value, file, undefined, SINGLE[command]).inputs
    : { globals: {}, layers: [] };
  const dims = resolveDims(command, supplied, file, flags.dims, cross);
  if (causal && dims.seq !== dims.src) {
    throw new UserError(
      `--causal needs square attention: ${dims.seq} queries but ${dims.src} keys (query i may see keys 0…i)`,
    );
  }
  const { rng, seed } = chooseSeed(flags.rng, flags.seed);
  const quiet = o.quiet === true;
  if (flags.seed === undefined && quiet) {
    process.stderr.write(
      `transformer-lab: seed ${seed} (picked; --seed ${seed} repeats this run)\n`,
    );
  }
  const inputs = completeInputs(command, dims, cross, supplied, await makeNormals(rng, seed));
  const trace = run(command, inputs, dims, { keep: !quiet, cross, causal });
  const config: RunConfig = {
    command,
    ...dims,
    rng,
    seed,
    cross: command === "decode" ? cross : undefined,
    causal: command === "attention" ? causal : undefined,
    // a document read back is the same run: it keeps its own record of where its matrices came from
    input: stated ? stated.input : loaded?.file,
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

/** `--input FILE`; without it, what was piped into stdin (as `--input -`), if anything. */
async function loadInput(input: string | undefined): Promise<Loaded | undefined> {
  if (input !== undefined) return readInput(input);
  return stdinRedirected() ? readPipedStdin() : undefined;
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
