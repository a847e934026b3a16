import { readInput } from "../io/read.js";
import { inputsFromDocument } from "../io/read-inputs.js";
import { startParallelMatmul } from "../math/matmul-parallel.js";
import { compute } from "../model/compute.js";
import {
  assertCausalSquare,
  type Computation,
  largestProduct,
  resolveDims,
} from "../model/dims.js";
import { type GlobalKey, type Inputs, NO_INPUTS } from "../model/input-slots.js";
import { type RunConfig, runDocument } from "../render/document.js";
import { jsonChunks } from "../render/json.js";
import { makeNormals } from "../rng/normals.js";
import { type PictureOptions, pictureStep, writePictures } from "./html-output.js";
import { assertFits } from "./memory-guard.js";
import { type CommonOptions, dimFlags, paintFor, resolveSeed } from "./options.js";
import { writeOut } from "./output.js";

export interface ModelOptions extends CommonOptions, PictureOptions {
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
  const file = o.input ? fileName(o.input) : undefined;
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
  const svgStep = pictureStep(config, o);
  const seed = resolveSeed(o.rng, o.seed);
  startParallelMatmul(largestProduct(config)); // the second thread boots while this one draws
  const quiet = o.quiet === true;
  const run = compute(config, supplied, await makeNormals(o.rng, seed), { keep: !quiet });
  const runConfig: RunConfig = { ...config, rng: o.rng, seed, input: file };
  await writePictures(runConfig, run, o, svgStep);
  if ((o.html || o.svg) && !o.json) return; // the pictures are the result
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
