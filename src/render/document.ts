import type { ModelConfig } from "../model/dims.js";
import { type Computed, matrixAt, pathParts } from "../model/trace/lookup.js";
import { TraceTable } from "../model/trace/table.js";

/** What a run was asked to do: the `config` of the JSON and the report's header. */
export interface RunConfig extends ModelConfig {
  rng: string;
  seed: number | string;
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
  if (c.computation === "decode") Object.assign(doc, { src: c.src, cross: c.cross });
  if (c.computation === "attention") {
    Object.assign(doc, { src: c.src, causal: c.causal });
    for (const k of ["emb", "heads", "layers", "ffn"]) delete doc[k];
  }
  if (c.input) doc.input = c.input;
  return doc;
}

/** The whole `--json` document (SPEC section 3); with `quiet`, only config, output and shape. */
export function runDocument(
  config: RunConfig,
  run: Computed,
  quiet: boolean,
): Record<string, unknown> {
  const { inputs, trace } = run;
  const head = { schema: SCHEMA, command: config.computation, config: configDoc(config) };
  const tail = { output: trace.output, shape: [trace.output.rows, trace.output.cols] };
  if (quiet) return { ...head, ...tail };
  const inputsDoc: Record<string, unknown> = { ...inputs.globals };
  if (config.computation !== "attention") inputsDoc.layers = inputs.layers;
  const steps: Record<string, unknown> = {};
  for (const step of new TraceTable(config).documentSteps()) {
    if (step.op.kind !== "output") setAt(steps, step.path, matrixAt(run, step.path));
  }
  return { ...head, inputs: inputsDoc, ...steps, ...tail };
}

/** Puts a value at a path (`layers[0].self.heads[1].q`), making the lists and objects on the way. */
function setAt(doc: Record<string, unknown>, path: string, value: unknown): void {
  const parts = pathParts(path);
  let at = doc as Record<string | number, unknown>;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) at[part] = value;
    else at = (at[part] ??= typeof parts[i + 1] === "number" ? [] : {}) as typeof at;
  });
}
