import { describe, expect, it } from "vitest";
import { compute } from "../../src/model/compute.js";
import { type Computation, resolveDims } from "../../src/model/dims.js";
import { NO_INPUTS } from "../../src/model/input-slots.js";
import { type RunConfig, runDocument } from "../../src/render/document.js";
import { jsonText } from "../../src/render/json.js";
import { numpyNormals } from "../../src/rng/normals.js";
import { expectMatrixClose, expectTreeClose, fixture } from "../helpers.js";

const TOL = 1e-9;

/** A run through the library, as `<command> --rng numpy --seed S --json` does it. */
function document(computation: Computation, c: Record<string, number | boolean>, quiet = false) {
  const cross = computation === "decode" && c.cross !== false;
  const causal = computation === "attention" && c.causal === true;
  const flags = {
    seq: c.seq as number,
    emb: c.emb as number,
    dmodel: c.dmodel as number,
    heads: c.heads as number,
    layers: c.layers as number,
    ffn: c.ffn as number,
    src: cross || computation === "attention" ? (c.src as number) : undefined, // --no-cross has no src
  };
  const config = { computation, ...resolveDims({ computation, cross, flags }), cross, causal };
  const seed = c.seed as number;
  const run = compute(config, NO_INPUTS, numpyNormals(seed), { keep: !quiet });
  const runConfig: RunConfig = { ...config, rng: "numpy", seed };
  return JSON.parse(jsonText(runDocument(runConfig, run, quiet)));
}

describe("the homework's cell (../shared/reference/homework.py)", () => {
  const cells =
    fixture<{ seed: number; seq: number; emb: number; dmodel: number; output: number[][] }[]>(
      "homework/cells.json",
    );
  it.each(cells.map((c) => [`seed ${c.seed}, seq ${c.seq}, emb ${c.emb}, dmodel ${c.dmodel}`, c]))(
    "%s",
    (_, c) => {
      const doc = document(
        "encode",
        { seq: c.seq, emb: c.emb, dmodel: c.dmodel, seed: c.seed },
        true,
      );
      expect(doc.shape).toEqual([c.seq, c.emb]);
      expectMatrixClose(doc.output, c.output, TOL);
    },
  );
});

describe("every intermediate against a numpy implementation of SPEC section 1", () => {
  const names = [
    "encode-homework-s0",
    "encode-heads2",
    "encode-heads3-layers2",
    "encode-layers3",
    "decode-s0",
    "decode-src6-heads2",
    "decode-layers2",
    "decode-no-cross",
    "attention-s0",
    "attention-causal",
    "attention-src7",
  ];
  it.each(names)("%s", (name) => {
    const expected = fixture<{
      command: Computation;
      config: Record<string, number | boolean>;
      [k: string]: unknown;
    }>(`spec/${name}.json`);
    const doc = document(expected.command, expected.config);
    expect(doc.schema).toBe(1);
    expect(doc.config).toEqual(expected.config);
    for (const key of ["inputs", "layers", "steps", "output"]) {
      if (key in expected) expectTreeClose(doc[key], expected[key], TOL, key);
    }
  });
});
