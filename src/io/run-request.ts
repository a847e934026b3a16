import {
  assertCausalSquare,
  type Computation,
  type ModelConfig,
  resolveDims,
} from "../model/dims.js";
import { type GlobalKey, type Inputs, NO_INPUTS } from "../model/input-slots.js";
import type { RngName } from "../rng/normals.js";
import { chooseSeed } from "../rng/seed.js";
import { isDocument, type RunFlags, statedConfig, withStated } from "./document-config.js";
import type { Loaded } from "./read.js";
import { inputsFromDocument } from "./read-inputs.js";

/** What a run of encode, decode or attention computes, checked: everything but the draws. */
export interface RunRequest {
  config: ModelConfig;
  /** the matrices supplied (the rest are drawn) */
  supplied: Inputs;
  rng: RngName;
  seed: number | string;
  /** no seed was given, by a flag or a document: this one was picked */
  seedPicked: boolean;
  /** where the supplied matrices came from, as the JSON's `config.input` says */
  input?: string;
}

/** What a lone matrix given as input is. */
const SINGLE: Record<Computation, GlobalKey | undefined> = {
  encode: "x",
  decode: "y",
  attention: undefined,
};

/**
 * A run from the flags given and the matrices read (`--input`, piped stdin, or the library's
 * `inputs`). A `--json` document read back is the same run: its config fills in what the flags
 * leave out, a flag that contradicts it is an error naming both, and it keeps its own record of
 * where its matrices came from.
 */
export function runRequest(
  computation: Computation,
  loaded: Loaded | undefined,
  given: RunFlags,
): RunRequest {
  const file = loaded?.file;
  const stated =
    loaded && isDocument(loaded.value) ? statedConfig(loaded.value, loaded.file) : undefined;
  const flags = stated && loaded ? withStated(given, stated, computation, loaded.file) : given;
  const cross = computation === "decode" && flags.cross !== false;
  const causal = computation === "attention" && flags.causal === true;
  const supplied = loaded
    ? inputsFromDocument(loaded.value, loaded.file, undefined, SINGLE[computation]).inputs
    : NO_INPUTS;
  const dims = resolveDims({ computation, cross, supplied, file, flags: flags.dims });
  if (causal) assertCausalSquare(dims);
  const { rng, seed } = chooseSeed(flags.rng, flags.seed);
  return {
    config: { computation, ...dims, cross, causal },
    supplied,
    rng,
    seed,
    seedPicked: flags.seed === undefined,
    input: stated ? stated.input : file,
  };
}
