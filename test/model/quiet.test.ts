import { describe, expect, it } from "vitest";
import { compute } from "../../src/model/compute.js";
import { type Computation, resolveDims } from "../../src/model/dims.js";
import { NO_INPUTS } from "../../src/model/input-slots.js";
import { numpyNormals } from "../../src/rng/normals.js";

/** The output of a run with every intermediate kept, and of the same run as --quiet does it. */
function outputs(computation: Computation, flags: Record<string, number>) {
  const cross = computation === "decode";
  const causal = computation === "attention";
  const config = { computation, ...resolveDims({ computation, cross, flags }), cross, causal };
  const [kept, quiet] = [true, false].map(
    (keep) => compute(config, NO_INPUTS, numpyNormals(3), { keep }).trace.output.data,
  );
  return { kept, quiet };
}

describe("--quiet: attention a block of query rows at a time", () => {
  // 300 queries: two blocks of scores, each large enough for the WebAssembly core, as are the
  // unblocked steps, so the outputs must agree to the bit (masked, causal and cross attention too).
  it.each([
    ["encode", { seq: 300, emb: 64, dmodel: 16, heads: 4 }],
    ["decode", { seq: 300, src: 250, emb: 64, dmodel: 16, heads: 4 }],
    ["attention", { seq: 300, src: 300, dmodel: 48 }],
  ] as const)("%s %j gives the very output of the unblocked steps", (computation, flags) => {
    const { kept, quiet } = outputs(computation, flags);
    let differ = 0;
    for (let i = 0; i < kept.length; i++) if (kept[i] !== quiet[i]) differ++;
    expect(kept.length).toBeGreaterThan(0);
    expect(differ).toBe(0);
  });
});
