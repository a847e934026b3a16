import type { Matrix } from "../../math/matrix.js";
import type { ModelConfig } from "../../model/dims.js";
import { type Computed, matrixAt } from "../../model/trace/lookup.js";
import { TraceTable } from "../../model/trace/table.js";
import { configDoc, type RunConfig } from "../document.js";
import { type PageStep, type Place, pageSteps } from "./steps.js";

/** The bundled client (dist/html-client.js and .css), inlined into every page. */
export interface PageAssets {
  script: string;
  style: string;
}

/**
 * Where the client finds a matrix: the id of the element holding its bytes in base64, little-endian
 * float64 — or float32 for an input of more than EXACT_MAX cells (a BERT-size weight), so that such
 * a page stays small enough to open in seconds; `--json` has those to the last digit.
 */
export interface MatrixRef {
  rows: number;
  cols: number;
  id: string;
  bits: 64 | 32;
}

/** What the client reads from the page: the steps and where each matrix is. */
export interface PageData {
  command: string;
  config: Record<string, unknown>;
  /** a run's config as its trace table is built from (the client asks provenance with it) */
  model?: ModelConfig;
  precision: number;
  steps: PageStep[];
  matrices: Record<string, MatrixRef>;
}

/** Inputs above this many cells are embedded as float32 (768×768 is 589,824). */
export const EXACT_MAX = 1 << 18;

/**
 * A run as one self-contained HTML page, the same trace as its `--json` document: the layer's
 * diagram, then every step of the trace table in the order computed, each with its name,
 * formula and shape; the client script draws the matrices from the data embedded in the page.
 */
export function* runPage(
  runConfig: RunConfig,
  run: Computed,
  assets: PageAssets,
  opts: { precision: number },
): Generator<string> {
  const at = (path: string) => matrixAt(run, path) as Matrix;
  const steps = pageSteps(new TraceTable(runConfig), (path) => matrixAt(run, path) !== undefined);
  const matrices: PageData["matrices"] = {};
  steps.forEach((s, n) => {
    const m = at(s.path);
    const bits = s.op.kind === "input" && m.rows * m.cols > EXACT_MAX ? 32 : 64;
    matrices[s.path] = { rows: m.rows, cols: m.cols, id: `m${n}`, bits };
  });
  const config = configDoc(runConfig);
  const command = runConfig.computation;
  const { seq, emb, dmodel, heads, layers, ffn, src, computation, cross, causal } = runConfig;
  const model = { seq, emb, dmodel, heads, layers, ffn, src, computation, cross, causal };
  const data: PageData = { command, config, model, precision: opts.precision, steps, matrices };
  const title = `transformer-lab ${command}`;
  const body = [
    `<header><h1>${title}</h1><p class="config">${esc(configLine(command, config))}</p>`,
    `<p class="help">Hover or focus a cell to see where it came from. Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous step, arrows move within a matrix, <kbd>[</kbd>/<kbd>]</kbd> previous/next head.</p></header>`,
    `<nav class="diagram" aria-label="the layer">${diagram(command, config, steps)}</nav>`,
    `<main>${sections(command, steps)}</main>`,
    `<aside id="why" aria-live="polite" hidden></aside>`,
  ].join("\n");
  yield* pageChunks(title, body, data, at, assets);
}

/**
 * A page in chunks (a BERT-size page is tens of megabytes): the shell around the data, and one
 * element per matrix holding its bytes, which the client decodes when it draws the matrix.
 */
export function* pageChunks(
  title: string,
  body: string,
  data: PageData,
  matrix: (path: string) => Matrix,
  assets: PageAssets,
): Generator<string> {
  const [head, tail] = pageHtml(title, body, data, assets).split(DATA_BLOCKS);
  yield head;
  for (const [path, ref] of Object.entries(data.matrices)) {
    yield `<script type="text/plain" id="${ref.id}">${base64(matrix(path), ref.bits)}</script>\n`;
  }
  yield tail;
}

/** Where runPage puts the matrices' elements. */
const DATA_BLOCKS = "<!--data-->";

/** The HTML shell: styles, body, the data as JSON, then the script. */
function pageHtml(title: string, body: string, data: unknown, assets: PageAssets): string {
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title>
<style>${assets.style.replace(/<\/style/gi, "<\\/style")}</style>
</head>
<body>
${body}
<script type="application/json" id="tl-data">${json}</script>
${DATA_BLOCKS}
<script>${assets.script.replace(/<\/script/gi, "<\\/script")}</script>
</body>
</html>
`;
}

/** A matrix's numbers as little-endian floats in base64; float64 keeps every bit (and −∞). */
export function base64(m: Matrix, bits: 64 | 32): string {
  const a = bits === 64 ? m.data : Float32Array.from(m.data);
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

export function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

function configLine(command: string, c: Record<string, unknown>): string {
  const keys =
    command === "attention"
      ? ["seq", "src", "dmodel", "causal"]
      : [
          "seq",
          "emb",
          "dmodel",
          "heads",
          "layers",
          "ffn",
          ...(command === "decode" ? ["src", "cross"] : []),
        ];
  const dims = keys.map((k) => `${k} ${c[k]}`).join(" · ");
  const input = c.input ? ` · input ${c.input}` : "";
  return `${dims} · rng ${c.rng} · seed ${c.seed}${input}`;
}

const BLOCK_TITLES: Record<Place["block"], string> = {
  inputs: "Inputs",
  self: "Multi-head self-attention",
  cross: "Cross-attention: queries from norm1, keys and values from memory",
  addnorm1: "Add & norm",
  addnorm2: "Add & norm",
  addnorm3: "Add & norm",
  ffn: "Feed-forward",
  attention: "Scaled dot-product attention",
};

/** The anchor of a block: `l0-self`, `inputs`. */
export function blockId(p: Place): string {
  return p.layer === undefined ? p.block : `l${p.layer}-${p.block}`;
}

/** Layers as sections, blocks within them, heads as tabs within a block. */
function sections(command: string, steps: PageStep[]): string {
  const out: string[] = [];
  const layers = new Set(steps.map((s) => s.place.layer).filter((l) => l !== undefined)).size;
  let layer: number | undefined = -1;
  let block = "";
  let heads: string[][] = [];
  const flushHeads = () => {
    if (heads.length === 0) return;
    out.push(headTabs(block, heads));
    heads = [];
  };
  steps.forEach((s, n) => {
    const id = blockId(s.place);
    if (id !== block) {
      flushHeads();
      if (block) out.push("</section>");
      if (s.place.layer !== layer) {
        if (layer !== -1 && layer !== undefined) out.push("</section>");
        layer = s.place.layer;
        if (layer !== undefined) {
          const kind = command === "decode" ? "Decoder" : "Encoder";
          out.push(
            `<section class="layer" id="layer-${layer}"><h2>${kind} layer ${layer}${layers > 1 ? ` (of ${layers}, from 0)` : ""}</h2>`,
          );
        }
      }
      block = id;
      const title =
        s.place.block === "self" && command === "decode"
          ? "Masked multi-head self-attention"
          : BLOCK_TITLES[s.place.block];
      out.push(
        `<section class="block ${s.place.block.replace(/\d$/, "")}" id="${id}"><h3>${title}</h3>`,
      );
    }
    if (s.place.head === undefined) {
      flushHeads();
      out.push(stepHtml(s, n));
    } else {
      (heads[s.place.head] ??= []).push(stepHtml(s, n));
    }
  });
  flushHeads();
  out.push("</section>");
  if (layer !== undefined && layer !== -1) out.push("</section>");
  const last = steps.length - 1;
  out.push(
    `<section class="block output" id="output"><h2>Output</h2><p>output = <a href="#s${last}">${esc(steps[last].label)}</a> of the last step, ${steps[last].rows}×${steps[last].cols}.</p></section>`,
  );
  return out.join("\n");
}

function headTabs(block: string, heads: string[][]): string {
  const tabs = heads
    .map(
      (_, h) =>
        `<button role="tab" id="${block}-tab${h}" aria-controls="${block}-head${h}" aria-selected="${h === 0}" tabindex="${h === 0 ? 0 : -1}">head ${h}</button>`,
    )
    .join("");
  const panels = heads
    .map(
      (steps, h) =>
        `<div role="tabpanel" class="head" id="${block}-head${h}" aria-labelledby="${block}-tab${h}" data-head="${h}"${h === 0 ? "" : " hidden"}>${steps.join("\n")}</div>`,
    )
    .join("\n");
  const list =
    heads.length > 1 ? `<div role="tablist" class="tabs" aria-label="heads">${tabs}</div>` : "";
  return `<div class="heads">${list}${panels}</div>`;
}

function stepHtml(s: PageStep, n: number): string {
  const where = [
    s.place.layer !== undefined ? `layer ${s.place.layer}` : "",
    s.place.head !== undefined ? `head ${s.place.head}` : "",
  ]
    .filter(Boolean)
    .join(" · ");
  const formula = s.formula ? ` = <span class="formula">${esc(s.formula)}</span>` : "";
  const note = s.note ? `<p class="note">${esc(s.note)}</p>` : "";
  const lines =
    s.op.kind === "softmax"
      ? `<div class="lines" data-path="${esc(s.path)}" aria-label="attention from each query (left) to the keys (right), thickness by weight"></div>`
      : "";
  return `<figure class="step ${s.op.kind}" id="s${n}" data-path="${esc(s.path)}">
<figcaption><b class="name">${esc(s.label)}</b>${formula} <span class="shape">${esc(s.shape)}</span>${where ? ` <span class="where">${where}</span>` : ""}</figcaption>${note}
<div class="matrix"><div class="grid" tabindex="0" data-path="${esc(s.path)}" aria-label="${esc(s.label)}, ${s.rows}×${s.cols}"></div>${lines}</div>
</figure>`;
}

/** The layer as boxes in the order it computes, each a link to its block; residuals as arcs. */
function diagram(command: string, config: Record<string, unknown>, steps: PageStep[]): string {
  const step = (name: string) => `#s${steps.findIndex((s) => s.name === name)}`;
  type Box = { label: string; href: string; kind: string };
  let boxes: Box[];
  let residuals: [number, number][] = [];
  let below: { label: string; href: string; under: number } | undefined;
  if (command === "attention") {
    boxes = [
      { label: "Q, K, V", href: "#inputs", kind: "io" },
      { label: "Q·Kᵀ", href: step("scores"), kind: "attn" },
      { label: "÷ √d_k", href: step("scaled"), kind: "attn" },
      ...(config.causal ? [{ label: "+ causal mask", href: step("masked"), kind: "mask" }] : []),
      { label: "softmax", href: step("weights"), kind: "attn" },
      { label: "· V", href: step("z"), kind: "attn" },
      { label: "z", href: "#output", kind: "io" },
    ];
  } else if (command === "decode") {
    const cross = config.cross === true;
    boxes = [
      { label: "Y", href: "#inputs", kind: "io" },
      { label: "masked self-attention", href: "#l0-self", kind: "attn" },
      { label: "add & norm", href: "#l0-addnorm1", kind: "norm" },
      ...(cross
        ? [
            { label: "cross-attention", href: "#l0-cross", kind: "attn" },
            { label: "add & norm", href: "#l0-addnorm2", kind: "norm" },
          ]
        : []),
      { label: "feed-forward", href: "#l0-ffn", kind: "ffn" },
      { label: "add & norm", href: cross ? "#l0-addnorm3" : "#l0-addnorm2", kind: "norm" },
      { label: "output", href: "#output", kind: "io" },
    ];
    residuals = cross
      ? [
          [0, 2],
          [2, 4],
          [4, 6],
        ]
      : [
          [0, 2],
          [2, 4],
        ];
    if (cross) below = { label: "memory", href: "#inputs", under: 3 };
  } else {
    boxes = [
      { label: "X", href: "#inputs", kind: "io" },
      { label: "self-attention", href: "#l0-self", kind: "attn" },
      { label: "add & norm", href: "#l0-addnorm1", kind: "norm" },
      { label: "feed-forward", href: "#l0-ffn", kind: "ffn" },
      { label: "add & norm", href: "#l0-addnorm2", kind: "norm" },
      { label: "output", href: "#output", kind: "io" },
    ];
    residuals = [
      [0, 2],
      [2, 4],
    ];
  }
  const W = 150;
  const GAP = 32;
  const Y = 44;
  const H = 44;
  const x = (i: number) => 8 + i * (W + GAP);
  const width = x(boxes.length) - GAP + 8;
  const height = below ? 160 : 100;
  const parts: string[] = [
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>`,
  ];
  boxes.forEach((b, i) => {
    parts.push(
      `<a href="${b.href}"><rect x="${x(i)}" y="${Y}" width="${W}" height="${H}" rx="8" class="box ${b.kind}"/><text x="${x(i) + W / 2}" y="${Y + H / 2}" dominant-baseline="middle" text-anchor="middle">${esc(b.label)}</text></a>`,
    );
    if (i > 0) {
      parts.push(
        `<line x1="${x(i) - GAP}" y1="${Y + H / 2}" x2="${x(i) - 2}" y2="${Y + H / 2}" class="flow" marker-end="url(#arrow)"/>`,
      );
    }
  });
  for (const [a, b] of residuals) {
    const x1 = x(a) + W - 20;
    const x2 = x(b) + W / 2;
    parts.push(
      `<path d="M${x1},${Y} C${x1},${Y - 36} ${x2},${Y - 36} ${x2},${Y - 2}" class="residual" marker-end="url(#arrow)"><title>residual: added back before the norm</title></path>`,
    );
  }
  if (below) {
    const bx = x(below.under);
    parts.push(
      `<a href="${below.href}"><rect x="${bx}" y="${Y + H + 26}" width="${W}" height="${H - 8}" rx="8" class="box io"/><text x="${bx + W / 2}" y="${Y + H + 26 + (H - 8) / 2}" dominant-baseline="middle" text-anchor="middle">${esc(below.label)}</text></a>`,
      `<line x1="${bx + W / 2}" y1="${Y + H + 26}" x2="${bx + W / 2}" y2="${Y + H + 2}" class="flow" marker-end="url(#arrow)"/>`,
    );
  }
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="the layer, step by step"><title>the layer, step by step</title>${parts.join("")}</svg>`;
}
