import { describe, expect, it } from "vitest";
import { relu } from "../../../src/math/activations.js";
import { layerNorm } from "../../../src/math/layer-norm.js";
import { matmul } from "../../../src/math/matmul.js";
import { add, concatCols, divide, Matrix, sliceCols, transpose } from "../../../src/math/matrix.js";
import { softmax } from "../../../src/math/softmax.js";
import { compute } from "../../../src/model/compute.js";
import type { ModelConfig } from "../../../src/model/dims.js";
import { drawOrder, NO_INPUTS, slotName } from "../../../src/model/input-slots.js";
import { causalMask } from "../../../src/model/mask.js";
import { type Computed, matrixAt } from "../../../src/model/trace/lookup.js";
import type { Step } from "../../../src/model/trace/steps.js";
import { displayName, shortNames, TraceTable } from "../../../src/model/trace/table.js";
import { numpyNormals } from "../../../src/rng/normals.js";

const base = { seq: 4, emb: 6, dmodel: 2, heads: 1, layers: 1, ffn: 5, src: 3 };
const CONFIGS: ModelConfig[] = [
  { ...base, computation: "encode", cross: false, causal: false },
  { ...base, heads: 3, layers: 2, computation: "encode", cross: false, causal: false },
  { ...base, computation: "decode", cross: true, causal: false },
  { ...base, heads: 2, layers: 2, computation: "decode", cross: true, causal: false },
  { ...base, layers: 2, computation: "decode", cross: false, causal: false },
  { ...base, computation: "attention", cross: false, causal: false },
  { ...base, src: 4, computation: "attention", cross: false, causal: true },
];
const name = (c: ModelConfig) =>
  `${c.computation} heads ${c.heads} layers ${c.layers}${c.cross ? " cross" : ""}${c.causal ? " causal" : ""}`;

function computed(c: ModelConfig): Computed {
  return compute(c, NO_INPUTS, numpyNormals(3));
}

/** Every matrix the model's trace objects hold, by path, but the inputs it hands back (attention's q, k, v). */
function traceMatrices({ inputs, trace }: Computed): string[] {
  const given = new Set<unknown>(Object.values(inputs.globals));
  const out: string[] = [];
  const walk = (v: unknown, path: string): void => {
    if (v instanceof Matrix) {
      if (!given.has(v)) out.push(path);
    } else if (Array.isArray(v)) for (const [i, item] of v.entries()) walk(item, `${path}[${i}]`);
    else if (v && typeof v === "object")
      for (const [k, item] of Object.entries(v)) walk(item, path ? `${path}.${k}` : k);
  };
  walk({ layers: trace.layers, steps: trace.attention, output: trace.output }, "");
  return out;
}

/** A step recomputed from its operands, as its op says. */
function recompute(t: TraceTable, s: Step, c: Computed): Matrix {
  const operand = (i: number) => {
    const o = s.operands[i];
    let m = matrixAt(c, o.path) as Matrix;
    if (o.cols) m = sliceCols(m, o.cols[0], o.cols[1]);
    return o.transposed ? transpose(m) : m;
  };
  switch (s.op.kind) {
    case "product":
      return s.op.relu ? relu(matmul(operand(0), operand(1))) : matmul(operand(0), operand(1));
    case "scale":
      return divide(operand(0), s.op.divisor);
    case "causal-mask":
      return causalMask(...t.shape(s));
    case "mask":
    case "add":
      return add(operand(0), operand(1));
    case "softmax":
      return softmax(operand(0));
    case "concat":
      return concatCols(s.operands.map((_, i) => operand(i)));
    case "layer-norm":
      return layerNorm(operand(0));
    case "output":
      return operand(0);
    case "input":
      throw new Error("inputs are not computed");
  }
}

describe("the trace table", () => {
  it.each(CONFIGS.map((c) => [name(c), c] as const))(
    "%s: names every matrix the model keeps, with its shape, in order",
    (_, config) => {
      const t = new TraceTable(config);
      const c = computed(config);
      const kept = traceMatrices(c);
      const listed = t.steps.filter((s) => s.op.kind !== "input").map((s) => s.path);
      expect(new Set(listed)).toEqual(new Set(kept));
      for (const s of t.steps) {
        const m = matrixAt(c, s.path) as Matrix;
        expect(m, s.path).toBeInstanceOf(Matrix);
        expect([m.rows, m.cols], s.path).toEqual(t.shape(s));
      }
    },
  );

  it.each(CONFIGS.map((c) => [name(c), c] as const))(
    "%s: each step is its op applied to its operands, which come before it",
    (_, config) => {
      const t = new TraceTable(config);
      const c = computed(config);
      const seen = new Set<string>();
      for (const s of t.steps) {
        for (const o of s.operands) expect(seen.has(o.path), `${s.path} ← ${o.path}`).toBe(true);
        seen.add(s.path);
        if (s.op.kind === "input") continue;
        if (s.op.kind === "product") {
          const [a, b] = s.operands.map((o) => t.operandShape(o));
          expect([a[0], b[1]], s.path).toEqual(t.shape(s));
          expect(a[1], s.path).toBe(b[0]);
        }
        const expected = recompute(t, s, c);
        const actual = matrixAt(c, s.path) as Matrix;
        expect(
          [...actual.data].every(
            (x, i) => Math.abs(x - expected.data[i]) <= 1e-12 || x === expected.data[i],
          ),
          s.path,
        ).toBe(true);
      }
    },
  );

  it.each(CONFIGS.map((c) => [name(c), c] as const))(
    "%s: lists the inputs in draw order (SPEC section 2)",
    (_, config) => {
      const t = new TraceTable(config);
      const slots = drawOrder(config.computation, config.layers, config.cross);
      expect(
        t
          .inputs()
          .map((s) =>
            displayName(s.path.replace(/^inputs\./, ""), { layers: config.layers, heads: 1 }),
          ),
      ).toEqual(slots.map((s) => slotName(s, config.layers)));
    },
  );

  it("gives the short names an answer may use, for the first layer and head", () => {
    expect(Object.fromEntries(shortNames("encode"))).toMatchObject({
      q: "layers[0].self.heads[0].q",
      masked: "layers[0].self.heads[0].masked",
      concat: "layers[0].self.concat",
      norm2: "layers[0].norm2",
      hidden: "layers[0].hidden",
      output: "output",
    });
    expect([...shortNames("attention")]).toEqual([
      ["scores", "steps.scores"],
      ["scaled", "steps.scaled"],
      ["masked", "steps.masked"],
      ["weights", "steps.weights"],
      ["z", "steps.z"],
      ["output", "output"],
    ]);
  });
});
