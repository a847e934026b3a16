import { describe, expect, it } from "vitest";
import { resolveDims } from "../../src/io/dims.js";
import type { Command } from "../../src/model/inputs.js";
import { run } from "../../src/model/run.js";
import { type RunConfig, runDocument } from "../../src/render/document.js";
import { jsonText } from "../../src/render/json.js";
import { completeInputs } from "../../src/rng/draw.js";
import { numpyNormals } from "../../src/rng/normals.js";
import { expectMatrixClose, expectTreeClose, fixture } from "../helpers.js";

const TOL = 1e-9;

/** A run through the library, as `<command> --rng numpy --seed S --json` does it. */
function document(command: Command, c: Record<string, number | boolean>, quiet = false) {
  const cross = c.cross !== false;
  const dims = resolveDims(
    command,
    { globals: {}, layers: [] },
    "",
    {
      seq: c.seq as number,
      emb: c.emb as number,
      dmodel: c.dmodel as number,
      heads: c.heads as number,
      layers: c.layers as number,
      ffn: c.ffn as number,
      src: c.src as number,
    },
    command === "decode" && cross,
  );
  const seed = c.seed as number;
  const inputs = completeInputs(
    command,
    dims,
    command === "decode" && cross,
    { globals: {}, layers: [] },
    numpyNormals(seed),
  );
  const trace = run(command, inputs, dims, {
    keep: !quiet,
    cross: command === "decode" && cross,
    causal: c.causal === true,
  });
  const config: RunConfig = {
    computation: command,
    ...dims,
    rng: "numpy",
    seed,
    cross: command === "decode" && cross,
    causal: command === "attention" && c.causal === true,
  };
  return JSON.parse(jsonText(runDocument(config, { inputs, trace }, quiet)));
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
      command: Command;
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
