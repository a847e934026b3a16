import { describe, it } from "vitest";
import { drawInputs } from "../../src/model/compute.js";
import { resolveDims } from "../../src/model/dims.js";
import { NO_INPUTS } from "../../src/model/input-slots.js";
import { run } from "../../src/model/run.js";
import { PAPER } from "../../src/model/variants.js";
import { numpyNormals } from "../../src/rng/normals.js";
import { expectMatrixClose, fixture } from "../helpers.js";

interface SpecCase {
  config: Record<string, number | boolean>;
  output: number[][];
}

/**
 * Every decoder replay starts from the paper's decoder as variants.ts rewires it: it must be the
 * numpy decoder of fixtures/spec (make_fixtures.py) beyond the homework's size — two heads, two
 * layers, a memory of another length, no memory at all.
 */
describe("the rewired paper decoder is numpy's", () => {
  it.each(["decode-s0", "decode-src6-heads2", "decode-layers2", "decode-no-cross"])(
    "%s",
    (name) => {
      const { config: c, output } = fixture<SpecCase>(`spec/${name}.json`);
      const cross = c.cross !== false;
      const flags = {
        seq: c.seq as number,
        emb: c.emb as number,
        dmodel: c.dmodel as number,
        heads: c.heads as number,
        layers: c.layers as number,
        ffn: c.ffn as number,
        src: cross ? (c.src as number) : undefined,
      };
      const dims = resolveDims({ computation: "decode", cross, flags });
      const config = { computation: "decode" as const, ...dims, cross, causal: false };
      const inputs = drawInputs(config, NO_INPUTS, numpyNormals(c.seed as number));
      const replay = run("decode", inputs, config, { keep: false, cross, variant: PAPER });
      expectMatrixClose(
        [...Array(replay.output.rows)].map((_, i) => [...replay.output.row(i)]),
        output,
        1e-9,
      );
    },
  );
});
