import type { Matrix } from "../math/matrix.js";
import { type AttentionTrace, attention } from "./attention.js";
import { type DecoderLayerTrace, type DecoderWeights, decoderLayer } from "./decoder-layer.js";
import type { Computation, Dims } from "./dims.js";
import { type EncoderLayerTrace, type EncoderWeights, encoderLayer } from "./encoder-layer.js";
import type { Inputs } from "./input-slots.js";
import { causalMask } from "./mask.js";
import { rewire, type Variant } from "./variants.js";

export interface RunOptions {
  /** keep every intermediate for the report (false: only the output survives, as for --quiet) */
  keep: boolean;
  /** decode: cross-attention to the memory (false: decoder-only, GPT-style) */
  cross?: boolean;
  /** attention: hide key j > i from query i */
  causal?: boolean;
  /** encode, attention: a known mistake to replay instead of the paper's computation */
  variant?: Variant;
}

export interface RunTrace {
  command: Computation;
  /** each layer's intermediates (encode, decode); empty unless kept */
  layers: (EncoderLayerTrace | DecoderLayerTrace)[];
  /** the one head of `attention`; absent unless kept */
  attention?: AttentionTrace;
  output: Matrix;
}

/** Runs a command on complete inputs (every matrix supplied or drawn). */
export function run(command: Computation, inputs: Inputs, dims: Dims, opts: RunOptions): RunTrace {
  const { keep } = opts;
  const g = inputs.globals;
  if (command === "attention") {
    const mask = opts.causal ? causalMask(dims.seq, dims.src) : undefined;
    const parts = opts.variant ? rewire(opts.variant).attention : undefined;
    const head = attention(g.q!, g.k!, g.v!, { mask, parts });
    return { command, layers: [], attention: keep ? head : undefined, output: head.z };
  }
  const wiring = opts.variant ? rewire(opts.variant) : undefined;
  const layers: RunTrace["layers"] = [];
  let h = command === "encode" ? g.x! : g.y!; // (seq, emb), the stream each layer refines
  for (const w of inputs.layers) {
    const layer =
      command === "encode"
        ? encoderLayer(h, w as EncoderWeights, {
            heads: dims.heads,
            keep,
            wiring,
          })
        : decoderLayer(h, opts.cross ? g.memory : undefined, w as DecoderWeights, {
            heads: dims.heads,
            keep,
          });
    if (keep) layers.push(layer);
    h = layer.output;
  }
  return { command, layers, output: h };
}
