import { UserError } from "../errors.js";
import { readInput } from "../io/read.js";
import { inputsFromDocument } from "../io/read-inputs.js";
import { compute } from "../model/compute.js";
import {
  assertCausalSquare,
  type Computation,
  type ModelConfig,
  resolveDims,
} from "../model/dims.js";
import { firstNonFinite } from "../model/finite.js";
import { type GlobalKey, type Inputs, NO_INPUTS } from "../model/input-slots.js";
import type { Computed } from "../model/trace/lookup.js";
import { type RunConfig, runDocument } from "../render/document.js";
import { jsonChunks } from "../render/json.js";
import { makeNormals } from "../rng/normals.js";
import { assertFits } from "./memory-guard.js";
import { type CommonOptions, dimFlags, paintFor, resolveSeed } from "./options.js";
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
export async function runModelCommand(computation: Computation, o: ModelOptions): Promise<void> {
  const cross = computation === "decode" && o.cross !== false;
  const causal = computation === "attention" && o.causal === true;
  if (o.input === "") throw new UserError("--input is empty; give a file, or - for stdin");
  const file = o.input !== undefined ? fileName(o.input) : undefined;
  const supplied: Inputs = o.input
    ? inputsFromDocument(
        (await readInput(o.input)).value,
        file as string,
        undefined,
        SINGLE[computation],
      ).inputs
    : NO_INPUTS;
  const dims = resolveDims({ computation, cross, supplied, file, flags: dimFlags(o) });
  const config = { computation, ...dims, cross, causal };
  assertFits(config);
  if (causal) assertCausalSquare(dims);
  const seed = resolveSeed(o.rng, o.seed);
  const quiet = o.quiet === true;
  const run = compute(config, supplied, await makeNormals(o.rng, seed), { keep: !quiet });
  assertFinite(config, run, quiet);
  const runConfig: RunConfig = { ...config, rng: o.rng, seed, input: file };
  if (o.json) {
    await writeOut(withNewline(jsonChunks(runDocument(runConfig, run, quiet))));
    return;
  }
  const { prettyChunks } = await import("../render/pretty.js");
  const paint = await paintFor(o.color);
  await writeOut(
    prettyChunks(runConfig, run, { precision: o.precision, full: o.full === true, paint, quiet }),
  );
}

/** Finite inputs can still overflow float64 on the way: that is an error naming the step. */
function assertFinite(config: ModelConfig, run: Computed, quiet: boolean): void {
  const o = firstNonFinite(config, run);
  if (!o) return;
  throw new UserError(
    `${o.step}${o.formula ? ` = ${o.formula}` : ""} is not finite (row ${o.row}, column ${o.col} is ${o.value}): the inputs are too large for float64${quiet ? "; run without --quiet to see the first step that overflowed" : ""}`,
  );
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield "\n";
}

/** What a lone matrix given to --input is. */
const SINGLE: Record<Computation, GlobalKey | undefined> = {
  encode: "x",
  decode: "y",
  attention: undefined,
};

function fileName(input: string): string {
  return input === "-" ? "<stdin>" : input;
}
