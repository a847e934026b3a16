/**
 * The library behind the CLI, for scripts and the benchmark (`bench/bench.mjs` imports the built
 * `dist/lib.js`). Everything here is pure: matrices in, matrices and traces out.
 */
export { relu } from "./math/activations.js";
export { LAYER_NORM_EPS, layerNorm } from "./math/layer-norm.js";
export { matmul, matmulRows, setParallelMatmul } from "./math/matmul.js";
export { enableParallelMatmul, MIN_WORK, parallelProducts } from "./math/matmul-parallel.js";
export { fromRows, Matrix, toRows, transpose } from "./math/matrix.js";
export { softmax } from "./math/softmax.js";
export { attention } from "./model/attention.js";
export { compute, drawInputs } from "./model/compute.js";
export { decoderLayer } from "./model/decoder-layer.js";
export { DEFAULT_DIMS, type Dims } from "./model/dims.js";
export { encoderLayer } from "./model/encoder-layer.js";
export { feedForward } from "./model/feed-forward.js";
export { drawOrder, type Inputs } from "./model/input-slots.js";
export { causalMask } from "./model/mask.js";
export { multiHeadAttention } from "./model/multi-head.js";
export { run } from "./model/run.js";
export { PAPER } from "./model/variants.js";
export { completeInputs } from "./rng/draw.js";
export { numpyNormals, seedrandomNormals } from "./rng/normals.js";
