import { attentionByRows } from "../math/attention-rows.js";
import { release } from "../math/kernels/heap.js";
import { Matrix } from "../math/matrix.js";
import { type AttentionTrace, attention } from "./attention.js";
import { type DecoderLayerTrace, type DecoderWeights, decoderLayer } from "./decoder-layer.js";
import type { Computation, Dims } from "./dims.js";
import { type EncoderLayerTrace, type EncoderWeights, encoderLayer } from "./encoder-layer.js";
import type { Inputs } from "./input-slots.js";
import { causalMask } from "./mask.js";
import type { Progress, ProgressPoint } from "./progress.js";
import { rewire, rewireDecoder, type Variant } from "./variants.js";

export interface RunOptions {
  /** keep every intermediate for the report (false: only the output survives, as for --quiet) */
  keep: boolean;
  /** decode: cross-attention to the memory (false: decoder-only, GPT-style) */
  cross?: boolean;
  /** attention: hide key j > i from query i */
  causal?: boolean;
  /** encode, decode, attention: a known mistake to replay instead of the paper's computation */
  variant?: Variant;
  /** told where a layered run has got to */
  progress?: Progress;
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
    if (!keep && !parts) {
      // only Z is kept: a block of query rows at a time, never a (seq, src) matrix
      const z = attentionByRows(g.q!, g.k!, g.v!, Math.sqrt(g.k!.cols), mask);
      return { command, layers: [], output: z };
    }
    const head = attention(g.q!, g.k!, g.v!, { mask, parts });
    return { command, layers: [], attention: keep ? head : undefined, output: head.z };
  }
  const wiring = opts.variant && command === "encode" ? rewire(opts.variant) : undefined;
  const decoderWiring =
    opts.variant && command === "decode" ? rewireDecoder(opts.variant) : undefined;
  const layers: RunTrace["layers"] = [];
  let h = command === "encode" ? g.x! : g.y!; // (seq, emb), the stream each layer refines
  const given = keep ? undefined : new Set(inputMatrices(inputs)); // once: O(layers) of them
  for (const [l, w] of inputs.layers.entries()) {
    const progress = opts.progress && ((at: ProgressPoint) => opts.progress?.({ ...at, layer: l }));
    const layer =
      command === "encode"
        ? encoderLayer(h, w as EncoderWeights, {
            heads: dims.heads,
            keep,
            wiring,
            progress,
          })
        : decoderLayer(h, opts.cross ? g.memory : undefined, w as DecoderWeights, {
            heads: dims.heads,
            keep,
            wiring: decoderWiring,
            progress,
          });
    if (keep) layers.push(layer);
    else dropIntermediates(layer, [h, layer.output], given!);
    h = layer.output;
  }
  return { command, layers, output: h };
}

/**
 * Hands a layer's intermediates back to the shared memory once the next layer no longer needs
 * them (only without `keep`): a synchronous run never gives the garbage collector a turn to do
 * it, and a stack of layers would otherwise hold every layer's. `keepThese`: its input and
 * output; `given`: every input matrix (a set made once, not once per layer of a stack).
 */
function dropIntermediates(layer: object, keepThese: Matrix[], given: Set<Matrix>): void {
  const walk = (v: unknown): void => {
    if (v instanceof Matrix) {
      if (!keepThese.includes(v) && !given.has(v)) release(v.data);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(layer);
}

function inputMatrices(inputs: Inputs): Matrix[] {
  return [inputs.globals, ...inputs.layers].flatMap((group) =>
    Object.values(group).filter((m): m is Matrix => m instanceof Matrix),
  );
}
