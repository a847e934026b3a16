import type { Matrix } from "../../math/matrix.js";

/** What made a matrix, as the page's hover explains it. */
export type Op =
  | "input"
  | "matmul"
  | "relu-matmul"
  | "scale"
  | "mask"
  | "softmax"
  | "add"
  | "layernorm"
  | "concat"
  /** check's report: answer − reference */
  | "difference";

/** Where a step sits on the page: its layer section, its block, its head tab. */
export interface Place {
  layer?: number;
  block: "inputs" | "self" | "cross" | "addnorm1" | "addnorm2" | "addnorm3" | "ffn" | "attention";
  head?: number;
}

/** One matrix of the run, as the page shows it. */
export interface PageStep {
  /** its path in the `--json` document: `layers[0].self.heads[0].scores`, `inputs.x` */
  path: string;
  name: string;
  /** empty for inputs */
  formula: string;
  rows: number;
  cols: number;
  /** `(4×3)·(3×4) → 4×4`, or `4×4` */
  shape: string;
  /** attention weights are drawn on a sequential scale from 0 to 1, everything else diverging */
  kind: "signed" | "weights";
  op: Op;
  /** the paths of the matrices it was made from */
  operands: string[];
  /** matmul: B is used transposed (Q·Kᵀ) */
  transposeB?: boolean;
  /** matmul: only B's columns [colOffset, colOffset + cols) are used (one head of Wq) */
  colOffset?: number;
  /** scale: what the operand was divided by */
  divisor?: number;
  place: Place;
  note?: string;
  /** the signed scale's ±limit, when several matrices must share one (check: answer and reference) */
  limit?: number;
  /** an entry outlined for good (check's report: the first wrong one) */
  mark?: [number, number];
}

type Doc = Record<string, unknown>;

const dims = (m: { rows: number; cols: number }) => `${m.rows}×${m.cols}`;

/**
 * The steps of a run's `--json` document in the order the layer computes them, each with the op
 * and operands that made it. Stands in for the trace table of src/model/trace/ until that lands.
 */
export function pageSteps(doc: Doc): PageStep[] {
  const steps: PageStep[] = [];
  const at = (path: string) => resolve(doc, path) as Matrix;
  const push: Push = (path, name, op, operands, formula, place, extra = {}) => {
    const m = at(path);
    steps.push({
      path,
      name,
      formula,
      rows: m.rows,
      cols: m.cols,
      shape: shapeOf(op, operands.map(at), m, extra),
      kind: "signed",
      op,
      operands,
      place,
      ...extra,
    });
  };
  push.at = at;
  const inputs = doc.inputs as Doc;
  for (const key of ["x", "y", "memory", "q", "k", "v"]) {
    if (inputs[key]) push(`inputs.${key}`, INPUT_NAMES[key], "input", [], "", { block: "inputs" });
  }
  if (doc.command === "attention") {
    attentionSteps(push, "steps", ["inputs.q", "inputs.k", "inputs.v"], "Q", "K", "V", {
      block: "attention",
    });
    return steps;
  }
  const layers = doc.layers as Doc[];
  const decoder = doc.command === "decode";
  layers.forEach((layer, l) => {
    const p = `layers[${l}]`;
    const w = `inputs.layers[${l}]`;
    const x = l > 0 ? `layers[${l - 1}].output` : decoder ? "inputs.y" : "inputs.x";
    const xName = l > 0 ? `output of layer ${l}` : decoder ? "Y" : "X";
    multiHeadSteps(push, layer.self as Doc, `${p}.self`, w, "w", x, x, xName, xName, {
      layer: l,
      block: "self",
    });
    const addNorm = (n: number, from: string, fromName: string, sub: string, r: string) => {
      const place: Place = { layer: l, block: `addnorm${n}` as Place["block"] };
      push(`${p}.${r}`, r, "add", [from, sub], `${fromName} + ${lastName(sub)}`, place, {
        note: "the residual connection",
      });
      const norm = n === lastNorm(layer) ? "output" : `norm${n}`;
      push(`${p}.${norm}`, norm, "layernorm", [`${p}.${r}`], `layer_norm(${r})`, place, {
        note: "each row: mean 0, variance 1",
      });
      return `${p}.${norm}`;
    };
    let h = addNorm(1, x, xName, `${p}.self.attn`, "residual1");
    if (layer.cross) {
      multiHeadSteps(
        push,
        layer.cross as Doc,
        `${p}.cross`,
        w,
        "cross_w",
        h,
        "inputs.memory",
        "norm1",
        "memory",
        { layer: l, block: "cross" },
      );
      h = addNorm(2, h, "norm1", `${p}.cross.attn`, "residual2");
    }
    const ffnPlace: Place = { layer: l, block: "ffn" };
    const hName = lastName(h);
    push(`${w}.w1`, "W1", "input", [], "", ffnPlace);
    push(`${p}.hidden`, "hidden", "relu-matmul", [h, `${w}.w1`], `relu(${hName}·W1)`, ffnPlace);
    push(`${w}.w2`, "W2", "input", [], "", ffnPlace);
    push(`${p}.ffn`, "ffn", "matmul", [`${p}.hidden`, `${w}.w2`], "hidden·W2", ffnPlace);
    const n = lastNorm(layer);
    addNorm(n, h, hName, `${p}.ffn`, `residual${n}`);
  });
  return steps;
}

interface Push {
  (
    path: string,
    name: string,
    op: Op,
    operands: string[],
    formula: string,
    place: Place,
    extra?: Partial<PageStep>,
  ): void;
  /** the matrix at a path of the document */
  at(path: string): Matrix;
}

const INPUT_NAMES: Record<string, string> = {
  x: "X",
  y: "Y",
  memory: "memory",
  q: "Q",
  k: "K",
  v: "V",
};

/** The number of the layer's last add & norm: 3 with cross-attention, else 2. */
function lastNorm(layer: Doc): number {
  return layer.cross ? 3 : 2;
}

function lastName(path: string): string {
  return path.slice(path.lastIndexOf(".") + 1);
}

function multiHeadSteps(
  push: Push,
  t: Doc,
  p: string,
  w: string,
  prefix: string,
  xq: string,
  xkv: string,
  xqName: string,
  xkvName: string,
  place: Place,
): void {
  const heads = t.heads as Doc[];
  const W = prefix === "w" ? "W" : "cross W";
  for (const k of ["q", "k", "v"]) push(`${w}.${prefix}${k}`, `${W}${k}`, "input", [], "", place);
  heads.forEach((_, h) => {
    const hp = `${p}.heads[${h}]`;
    const dk = (heads[h].q as Matrix).cols;
    const cols = heads.length > 1 ? `[:, ${h * dk}:${(h + 1) * dk}]` : "";
    const headPlace = { ...place, head: h };
    const proj = (k: string, x: string, xName: string) =>
      push(
        `${hp}.${k}`,
        k.toUpperCase(),
        "matmul",
        [x, `${w}.${prefix}${k}`],
        `${xName}·${W}${k}${cols}`,
        headPlace,
        {
          colOffset: h * dk,
        },
      );
    proj("q", xq, xqName);
    proj("k", xkv, xkvName);
    proj("v", xkv, xkvName);
    attentionSteps(push, hp, [`${hp}.q`, `${hp}.k`, `${hp}.v`], "Q", "K", "V", headPlace);
  });
  push(`${w}.${prefix}o`, `${W}o`, "input", [], "", place);
  if (heads.length > 1) {
    const zs = heads.map((_, h) => `${p}.heads[${h}].z`);
    const names = heads.map((_, h) => `z${h}`).join(" | ");
    push(`${p}.concat`, "concat", "concat", zs, `[${names}]`, place);
  }
  const z = heads.length > 1 ? `${p}.concat` : `${p}.heads[0].z`;
  push(
    `${p}.attn`,
    "attn",
    "matmul",
    [z, `${w}.${prefix}o`],
    `${heads.length > 1 ? "concat" : "z"}·${W}o`,
    place,
  );
}

function attentionSteps(
  push: Push,
  p: string,
  [q, k, v]: string[],
  qName: string,
  kName: string,
  vName: string,
  place: Place,
): void {
  push(`${p}.scores`, "scores", "matmul", [q, k], `${qName}·${kName}ᵀ`, place, {
    transposeB: true,
  });
  const dk = push.at(k).cols;
  push(`${p}.scaled`, "scaled", "scale", [`${p}.scores`], `scores / √${dk}`, place, {
    divisor: Math.sqrt(dk),
    note: `√d_k = ${Math.sqrt(dk)}`,
  });
  const masked = push.at(`${p}.masked`) !== undefined;
  if (masked) {
    push(`${p}.masked`, "masked", "mask", [`${p}.scaled`], "scaled + mask", place, {
      note: "the causal mask: query i sees key j only when j ≤ i; a hidden score is −∞",
    });
  }
  const s = masked ? `${p}.masked` : `${p}.scaled`;
  push(`${p}.weights`, "weights", "softmax", [s], `softmax(${lastName(s)})`, place, {
    kind: "weights",
    note: "each row sums to 1: row i is how much query i attends to each key",
  });
  push(`${p}.z`, "z", "matmul", [`${p}.weights`, v], `weights·${vName}`, place);
}

/**
 * The step a user names (`weights`, `q`, `norm1`, `wq`, `cross.weights`) in the given layer and head
 * (each 0 by default, numbered as in the trace's paths); the first in computing order.
 */
export function findStep(
  steps: PageStep[],
  name: string,
  where: { layer?: number; head?: number } = {},
): PageStep | undefined {
  const want = name.toLowerCase();
  const layer = where.layer ?? 0;
  const head = where.head ?? 0;
  return steps.find(
    (s) =>
      (s.path.toLowerCase() === want || s.path.toLowerCase().endsWith(`.${want}`)) &&
      (s.place.layer === undefined || s.place.layer === layer || !s.path.startsWith("layers")) &&
      (s.place.head === undefined || s.place.head === head) &&
      (!s.path.startsWith("inputs.layers") || s.path.startsWith(`inputs.layers[${layer}]`)),
  );
}

/** The names findStep knows, for an error message: `x, wq, …, q, k, …, output`. */
export function stepNames(steps: PageStep[]): string[] {
  return [...new Set(steps.map((s) => s.path.slice(s.path.lastIndexOf(".") + 1)))];
}

/** A path of the document (`layers[0].self.heads[1].q`) to its value. */
export function resolve(doc: Doc, path: string): unknown {
  let v: unknown = doc;
  for (const part of path.match(/[^.[\]]+/g) ?? []) {
    v = (v as Record<string, unknown> | undefined)?.[part];
  }
  return v;
}

function shapeOf(op: Op, operands: Matrix[], m: Matrix, extra: Partial<PageStep>): string {
  if (op !== "matmul" && op !== "relu-matmul") return dims(m);
  const [a, b] = operands;
  const bShape = extra.transposeB
    ? `${b.cols}×${b.rows}`
    : extra.colOffset !== undefined
      ? `${b.rows}×${m.cols}`
      : dims(b);
  return `(${dims(a)})·(${bShape}) → ${dims(m)}`;
}
