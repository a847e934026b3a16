/**
 * The library (`import { encode } from "transformer-lab"`): the CLI's commands as functions
 * (src/api.ts), and the building blocks they are made of, which `bench/bench.mjs` uses too.
 * The building blocks are pure: matrices in, matrices and traces out.
 */
export {
  type AttentionOptions,
  attention,
  type CheckOptions,
  type CheckReport,
  type CheckResult,
  check,
  type DecodeOptions,
  decode,
  type EncodeOptions,
  encode,
  type Grade,
  type RngName,
  type Rows,
  type Run,
  type RunConfig,
  type RunDocument,
  type RunOptions,
  type RunTrace,
} from "./api.js";
export { UserError } from "./io/errors.js";
export { relu } from "./math/activations.js";
export { LAYER_NORM_EPS, layerNorm } from "./math/layer-norm.js";
export { matmul, matmulRows, setParallelMatmul } from "./math/matmul.js";
export { enableParallelMatmul, MIN_WORK, parallelProducts } from "./math/matmul-parallel.js";
export { fromRows, Matrix, toRows, transpose } from "./math/matrix.js";
export { softmax } from "./math/softmax.js";
export { type AttentionTrace, attention as attentionHead } from "./model/attention.js";
export { DEFAULT_DIMS, type Dims, PAPER } from "./model/config.js";
export { type DecoderLayerTrace, decoderLayer } from "./model/decoder-layer.js";
export { type EncoderLayerTrace, encoderLayer } from "./model/encoder-layer.js";
export { feedForward } from "./model/feed-forward.js";
export { drawOrder, type Inputs } from "./model/inputs.js";
export { causalMask } from "./model/mask.js";
export { type MultiHeadTrace, multiHeadAttention } from "./model/multi-head.js";
export { run } from "./model/run.js";
export { completeInputs } from "./rng/draw.js";
export { numpyNormals, seedrandomNormals } from "./rng/normals.js";
