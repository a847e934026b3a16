import type { AttentionTrace } from "../model/attention.js";
import type { Dims } from "../model/dims.js";
import type { Command, Inputs } from "../model/inputs.js";
import type { MultiHeadTrace } from "../model/multi-head.js";
import type { RunTrace } from "../model/run.js";

/** What a run was asked to do: the `config` of the JSON and the report's header. */
export interface RunConfig extends Dims {
  command: Command;
  rng: string;
  seed: number | string;
  /** decode only */
  cross?: boolean;
  /** attention only */
  causal?: boolean;
  /** where supplied matrices came from, if anywhere */
  input?: string;
}

export const SCHEMA = 1;

/** The `config` object of SPEC section 3: the dimensions, then what the command adds. */
export function configDoc(c: RunConfig): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    seq: c.seq,
    emb: c.emb,
    dmodel: c.dmodel,
    heads: c.heads,
    layers: c.layers,
    ffn: c.ffn,
    rng: c.rng,
    seed: c.seed,
  };
  if (c.command === "decode") Object.assign(doc, { src: c.src, cross: c.cross });
  if (c.command === "attention") {
    Object.assign(doc, { src: c.src, causal: c.causal });
    for (const k of ["emb", "heads", "layers", "ffn"]) delete doc[k];
  }
  if (c.input) doc.input = c.input;
  return doc;
}

/** The whole `--json` document (SPEC section 3); with `quiet`, only config, output and shape. */
export function runDocument(
  config: RunConfig,
  inputs: Inputs,
  trace: RunTrace,
  quiet: boolean,
): Record<string, unknown> {
  const head = { schema: SCHEMA, command: config.command, config: configDoc(config) };
  const tail = { output: trace.output, shape: [trace.output.rows, trace.output.cols] };
  if (quiet) return { ...head, ...tail };
  const inputsDoc: Record<string, unknown> = { ...inputs.globals };
  if (config.command !== "attention") inputsDoc.layers = inputs.layers;
  if (config.command === "attention") {
    const { scores, scaled, masked, weights, z } = trace.attention as AttentionTrace;
    return { ...head, inputs: inputsDoc, steps: { scores, scaled, masked, weights, z }, ...tail };
  }
  const layers = trace.layers.map((layer) => ({
    ...layer,
    self: multiHeadDoc(layer.self),
    cross: "cross" in layer && layer.cross ? multiHeadDoc(layer.cross) : undefined,
  }));
  return { ...head, inputs: inputsDoc, layers, ...tail };
}

function multiHeadDoc(t: MultiHeadTrace): Record<string, unknown> {
  const heads = t.heads.map(({ q, k, v, scores, scaled, masked, weights, z }) => ({
    q,
    k,
    v,
    scores,
    scaled,
    masked,
    weights,
    z,
  }));
  return { heads, concat: t.concat, attn: t.attn };
}
