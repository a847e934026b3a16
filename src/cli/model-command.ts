import { UserError } from "../errors.js";
import { type Loaded, readInput, readPipedStdin, stdinRedirected } from "../io/read.js";
import { runRequest } from "../io/run-request.js";
import { startParallelMatmul } from "../math/matmul-parallel.js";
import { compute } from "../model/compute.js";
import type { ModelConfig } from "../model/dims.js";
import { type Computation, largestProduct } from "../model/dims.js";
import { firstNonFinite } from "../model/finite.js";
import type { Computed } from "../model/trace/lookup.js";
import { whyTree } from "../model/trace/provenance.js";
import { TraceTable } from "../model/trace/table.js";
import { configDoc, type RunConfig, runDocument, SCHEMA } from "../render/document.js";
import { jsonChunks } from "../render/json.js";
import { makeNormals } from "../rng/normals.js";
import { paintFor } from "./color.js";
import { type PictureOptions, pictureStep, writePictures } from "./html-output.js";
import { assertFits, assertLayersFit, assertWorkFits, dimsOrigin } from "./memory-guard.js";
import { type CommonOptions, dimFlags } from "./options.js";
import { emit, outputWidth } from "./output.js";
import { progressLine } from "./progress.js";
import { type WhyOptions, whyEntry } from "./why.js";

export interface ModelOptions extends CommonOptions, PictureOptions, WhyOptions {
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
  assertLayersFit(dimFlags(o).layers);
  const loaded = await loadInput(o.input);
  const request = runRequest(computation, loaded, {
    dims: dimFlags(o),
    rng: o.rng,
    seed: o.seed,
    cross: o.cross === false ? false : undefined,
    causal: o.causal === true ? true : undefined,
  });
  const { config, supplied, rng, seed } = request;
  // a refusal names the flags given, and the file (and its shapes) that gave the rest
  const origin = dimsOrigin(dimFlags(o), loaded ? request.input : undefined, supplied);
  assertFits(config, !(o.quiet === true && o.why === undefined), origin); // --why keeps the trace
  assertWorkFits(config, o.allowLong === true, origin);
  const table = new TraceTable(config);
  const entry = o.why === undefined ? undefined : whyEntry(table, o.why, o);
  if (entry && (o.html || o.svg)) {
    throw new UserError(`--why prints a calculation; run --${o.html ? "html" : "svg"} without it`);
  }
  const svgStep = entry ? undefined : pictureStep(config, o); // --layer, --head: --why's entry
  startParallelMatmul(largestProduct(config)); // the second thread boots while this one draws
  const quiet = o.quiet === true && !entry;
  const line = progressLine({ json: o.json === true, ...config });
  const normals = await makeNormals(rng, seed);
  const run = compute(config, supplied, normals, { keep: !quiet, progress: line.progress });
  line.done();
  assertFinite(config, run, quiet);
  // said once the run has succeeded, so that a refusal stays the one line on stderr
  if (request.seedPicked && quiet) {
    process.stderr.write(
      `transformer-lab: seed ${seed} (picked; --seed ${seed} repeats this run)\n`,
    );
  }
  const runConfig: RunConfig = { ...config, rng, seed, input: request.input };
  if (entry) {
    const tree = whyTree(table, run, entry, { depth: o.depth });
    const { whyDocument, whyText } = await import("../render/why.js");
    if (o.json) {
      const doc = { schema: SCHEMA, command: computation, config: configDoc(runConfig) };
      const json = withNewline(jsonChunks({ ...doc, why: whyDocument(table, tree) }));
      await emit(json, o, { pretty: false });
    } else {
      const text = [whyHeader(runConfig, o.why as string), whyText(table, tree, o.precision)];
      await emit(text, o, { pretty: true });
    }
    return;
  }
  await writePictures(runConfig, run, o, svgStep);
  if ((o.html || o.svg) && !o.json) return; // the pictures are the result
  if (o.json) {
    await emit(withNewline(jsonChunks(runDocument(runConfig, run, quiet))), o, { pretty: false });
    return;
  }
  const { prettyChunks } = await import("../render/pretty.js");
  const paint = await paintFor(o.color, o);
  const format = { precision: o.precision, full: o.full === true, paint, width: outputWidth(o) };
  await emit(prettyChunks(runConfig, run, { ...format, quiet }), o, { pretty: true });
}

/** Finite inputs can still overflow float64 on the way: that is an error naming the step. */
function assertFinite(config: ModelConfig, run: Computed, quiet: boolean): void {
  const o = firstNonFinite(config, run);
  if (!o) return;
  throw new UserError(
    `${o.step}${o.formula ? ` = ${o.formula}` : ""} is not finite (row ${o.row}, column ${o.col} is ${o.value}): the inputs are too large for float64${quiet ? "; run without --quiet to see the first step that overflowed" : ""}`,
  );
}

/** The line above a --why calculation: what was run, so it can be run again. */
function whyHeader(c: RunConfig, why: string): string {
  const source = c.input ? ` · input ${c.input}` : "";
  return `why ${why.trim()} · ${c.computation} · rng ${c.rng} · seed ${c.seed}${source}\n\n`;
}

function* withNewline(chunks: Iterable<string>): Generator<string> {
  yield* chunks;
  yield "\n";
}

/** `--input FILE`; without it, what was piped into stdin (as `--input -`), if anything. */
async function loadInput(input: string | undefined): Promise<Loaded | undefined> {
  if (input !== undefined) return readInput(input);
  return stdinRedirected() ? readPipedStdin() : undefined;
}
