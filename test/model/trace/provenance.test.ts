import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import type { Matrix } from "../../../src/math/matrix.js";
import { compute } from "../../../src/model/compute.js";
import type { ModelConfig } from "../../../src/model/dims.js";
import { NO_INPUTS } from "../../../src/model/input-slots.js";
import { type Computed, matrixAt } from "../../../src/model/trace/lookup.js";
import {
  type Explanation,
  explain,
  type Why,
  whyTree,
} from "../../../src/model/trace/provenance.js";
import { TraceTable } from "../../../src/model/trace/table.js";
import { numpyNormals } from "../../../src/rng/normals.js";
import { ROOT } from "../../helpers.js";

const base = { seq: 4, emb: 6, dmodel: 2, heads: 2, layers: 2, ffn: 12, src: 3 };
const CONFIGS: ModelConfig[] = [
  { ...base, computation: "encode", cross: false, causal: false },
  { ...base, computation: "decode", cross: true, causal: false },
  { ...base, heads: 1, layers: 1, computation: "decode", cross: false, causal: false },
  { ...base, src: 4, computation: "attention", cross: false, causal: true },
];

/** The entry recomputed from what the explanation returns, and nothing else. */
function recomputed(why: Why): number {
  switch (why.kind) {
    case "input":
      return Number.NaN;
    case "product": {
      let sum = why.rest.sum;
      for (const t of why.terms) sum += t.a * t.b;
      return why.relu ? Math.max(0, sum) : sum;
    }
    case "scale":
      return why.operand / why.divisor;
    case "causal-mask":
      return why.hidden ? Number.NEGATIVE_INFINITY : 0;
    case "mask":
      return why.operand + why.mask;
    case "softmax":
      return Math.exp(why.x - why.max) / why.sum;
    case "concat":
      return why.operand;
    case "add":
      return why.addends[0] + why.addends[1];
    case "layer-norm":
      return (why.x - why.mean) / Math.sqrt(why.variance + why.eps);
  }
}

/** A name for the case an explanation covers: its kind, and how it came out. */
function variety(e: Explanation): string {
  const w = e.why;
  if (w.kind === "product")
    return w.relu ? `relu ${w.relu.clipped ? "clipped" : "kept"}` : "product";
  if (w.kind === "mask" || w.kind === "softmax" || w.kind === "causal-mask")
    return `${w.kind}${w.hidden ? " hidden" : ""}`;
  return w.kind;
}

function everyEntry(config: ModelConfig): { run: Computed; table: TraceTable; all: Explanation[] } {
  const table = new TraceTable(config);
  const run = compute(config, NO_INPUTS, numpyNormals(7));
  const all: Explanation[] = [];
  for (const s of table.steps) {
    if (s.op.kind === "input" || s.op.kind === "output") continue;
    const [rows, cols] = table.shape(s);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) all.push(explain(table, run, { path: s.path, i, j }));
  }
  return { run, table, all };
}

describe("provenance: every entry of every step, explained from its operands", () => {
  const seen = new Set<string>();

  it.each(CONFIGS.map((c) => [`${c.computation} heads ${c.heads} layers ${c.layers}`, c] as const))(
    "%s: the returned terms recompute the traced value within 1e-12",
    (_, config) => {
      const { run, all } = everyEntry(config);
      const wrong: string[] = [];
      for (const e of all) {
        seen.add(variety(e));
        const where = `${e.at.path}[${e.at.i},${e.at.j}]`;
        const traced = (matrixAt(run, e.at.path) as Matrix).get(e.at.i, e.at.j);
        if (e.value !== traced) wrong.push(`${where}: value ${e.value}, traced ${traced}`);
        const again = recomputed(e.why);
        const close =
          traced === Number.NEGATIVE_INFINITY
            ? again === traced
            : Math.abs(again - traced) <= 1e-12;
        if (!close) wrong.push(`${where}: recomputed ${again}, traced ${traced}`);
        // every entry to follow is where the trace keeps it, with the value it has there
        for (const n of e.next) {
          const there = (matrixAt(run, n.path) as Matrix).get(n.i, n.j);
          if (there !== n.value) wrong.push(`${where} ← ${n.path}[${n.i},${n.j}]: ${n.value}`);
        }
        if (e.next.some((n, k) => k > 0 && n.influence > e.next[k - 1].influence))
          wrong.push(`${where}: next not ordered by influence`);
      }
      expect(all.length).toBeGreaterThan(50);
      expect(wrong).toEqual([]);
    },
  );

  it("covered every kind of step and every way it can come out", () => {
    expect([...seen].sort()).toEqual(
      [
        "add",
        "causal-mask",
        "causal-mask hidden",
        "concat",
        "layer-norm",
        "mask",
        "mask hidden",
        "product",
        "relu clipped",
        "relu kept",
        "scale",
        "softmax",
        "softmax hidden",
      ].sort(),
    );
  });
});

describe("provenance: what each explanation says", () => {
  const config: ModelConfig = { ...base, computation: "encode", cross: false, causal: false };
  const table = new TraceTable(config);
  const run = compute(config, NO_INPUTS, numpyNormals(0));

  it("a product lists its largest terms first and sums the rest", () => {
    const e = explain(table, run, { path: "layers[0].ffn", i: 2, j: 5 }, { terms: 4 });
    if (e.why.kind !== "product") throw new Error(e.why.kind);
    expect(e.why.terms).toHaveLength(4);
    expect(e.why.rest.count).toBe(8);
    const sizes = e.why.terms.map((t) => Math.abs(t.product));
    expect(sizes).toEqual([...sizes].sort((p, q) => q - p));
    // the factors: hidden[2,k] and W2[k,5]
    const t = e.why.terms[0];
    expect(t.aAt).toEqual({ path: "layers[0].hidden", i: 2, j: t.k });
    expect(t.bAt).toEqual({ path: "inputs.layers[0].w2", i: t.k, j: 5 });
  });

  it("Kᵀ and a head's block of columns map back to where the trace keeps the entry", () => {
    const scores = explain(table, run, { path: "layers[1].self.heads[1].scores", i: 1, j: 3 });
    if (scores.why.kind !== "product") throw new Error(scores.why.kind);
    const t = scores.why.terms.find((x) => x.k === 1);
    expect(t?.bAt).toEqual({ path: "layers[1].self.heads[1].k", i: 3, j: 1 });
    const q = explain(table, run, { path: "layers[1].self.heads[1].q", i: 0, j: 1 });
    if (q.why.kind !== "product") throw new Error(q.why.kind);
    expect(q.why.terms.find((x) => x.k === 4)?.bAt).toEqual({
      path: "inputs.layers[1].wq",
      i: 4,
      j: 3,
    });
  });

  it("concat names the head and its column", () => {
    const e = explain(table, run, { path: "layers[0].self.concat", i: 1, j: 3 });
    expect(e.why).toMatchObject({ kind: "concat", head: 1, column: 1 });
    expect(e.next[0]).toMatchObject({ path: "layers[0].self.heads[1].z", i: 1, j: 1 });
  });

  it("output is the step it copies", () => {
    const e = explain(table, run, { path: "output", i: 2, j: 5 });
    expect(e.step.path).toBe("layers[1].output");
    expect(e.why.kind).toBe("layer-norm");
  });

  it("whyTree follows the most influential computed entries, depth steps back", () => {
    const tree = whyTree(table, run, { path: "output", i: 2, j: 5 }, { depth: 2 });
    expect(tree.from.map((n) => n.explanation.at.path)).toEqual(["layers[1].residual2"]);
    const sum = tree.from[0];
    expect(sum.from).toHaveLength(2);
    expect(sum.from.map((n) => n.explanation.at.path).sort()).toEqual([
      "layers[1].ffn",
      "layers[1].norm1",
    ]);
    expect(sum.from.every((n) => n.from.length === 0)).toBe(true);
    const addends = sum.explanation.why.kind === "add" ? sum.explanation.why.addends : [];
    expect(Math.abs(sum.from[0].explanation.value)).toBe(Math.max(...addends.map(Math.abs)));
  });

  it("an index outside the matrix is a RangeError naming the shape", () => {
    expect(() => explain(table, run, { path: "layers[0].norm1", i: 4, j: 0 })).toThrow(
      "outside layers[0].norm1 (4×6)",
    );
  });
});

it("provenance bundles for the browser (the HTML page's hover reads it): no node imports", async () => {
  const r = await build({
    entryPoints: [`${ROOT}src/model/trace/provenance.ts`],
    bundle: true,
    platform: "browser",
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  expect(r.outputFiles[0].text).toContain("function explain(");
  expect(r.outputFiles[0].text).not.toMatch(/from "node:|require\(/);
});
