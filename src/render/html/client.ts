/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page's script: draws each matrix of the embedded data when it comes near the screen (a grid
// of cells when small, a canvas above DOM_MAX cells), the attention lines, the head tabs, the
// keyboard, and what a hovered or focused cell came from. It computes no step of the layer: every
// matrix is read from the page; the explanation only lists the numbers that made an entry.

import { TraceTable } from "../../model/trace/table.js";
import type { PageData } from "./page.js";
import {
  HIDDEN,
  hexAt,
  inkOn,
  lut,
  lutIndex,
  type Scale,
  signedLimit,
  type Theme,
} from "./palette.js";
import type { PageStep } from "./steps.js";
import { explainCell, type Mark, type Mat, type Why } from "./why.js";
import "./styles.css";

/** Above this many cells a matrix is a canvas; up to NUMBERS_MAX cells show their numbers. */
const DOM_MAX = 4096;
const NUMBERS_MAX = 512;
const NUMBERS_COLS = 16;

const data: PageData = JSON.parse(document.getElementById("tl-data")?.textContent ?? "{}");
const steps = new Map<string, PageStep>(data.steps.map((s) => [s.path, s]));
const decoded = new Map<string, Mat>();
/** A run's trace table, for provenance to explain the page's matrices with (check's has none). */
const traceTable = data.model ? new TraceTable(data.model) : undefined;

function mat(path: string): Mat {
  let m = decoded.get(path);
  if (!m) {
    const { rows, cols, id, bits } = data.matrices[path];
    const bin = atob(document.getElementById(id)?.textContent ?? "");
    const bytes = new Uint8Array(bin.length);
    for (let n = 0; n < bin.length; n++) bytes[n] = bin.charCodeAt(n);
    const values =
      bits === 64
        ? new Float64Array(bytes.buffer)
        : Float64Array.from(new Float32Array(bytes.buffer));
    m = { rows, cols, data: values, exact: bits === 64 };
    decoded.set(path, m);
  }
  return m;
}

const darkQuery = matchMedia("(prefers-color-scheme: dark)");
const theme = (): Theme => (darkQuery.matches ? "dark" : "light");
const luts = new Map<string, Uint8Array>();
function table(scale: Scale): Uint8Array {
  const key = `${theme()}-${scale}`;
  let t = luts.get(key);
  if (!t) luts.set(key, (t = lut(theme(), scale)));
  return t;
}

export function fmt(x: number): string {
  return x === Number.NEGATIVE_INFINITY ? "−∞" : x.toFixed(data.precision);
}

/** A drawn matrix: its cells (DOM) or its canvas and the overlay that carries highlights. */
interface View {
  el: HTMLElement;
  step: PageStep;
  m: Mat;
  limit: number;
  /** masked cells: −∞ here, or −∞ in the scores this softmax was taken of */
  hidden: (n: number) => boolean;
  cells?: HTMLElement[];
  overlay?: HTMLElement;
  active?: [number, number];
}
const views = new Map<string, View>();

function hiddenTest(step: PageStep, m: Mat): (n: number) => boolean {
  const from = step.op.kind === "softmax" ? steps.get(step.operands[0].path) : undefined;
  const masked = from?.op.kind === "mask" ? mat(from.path).data : undefined;
  return (n) => m.data[n] === Number.NEGATIVE_INFINITY || masked?.[n] === Number.NEGATIVE_INFINITY;
}

function view(el: HTMLElement): View {
  const path = el.dataset.path as string;
  let v = views.get(path);
  if (v) return v;
  const step = steps.get(path) as PageStep;
  const m = mat(path);
  const limit = step.kind === "weights" ? 1 : (step.limit ?? signedLimit(m.data));
  v = { el, step, m, limit, hidden: hiddenTest(step, m) };
  views.set(path, v);
  paint(v);
  el.addEventListener("mousemove", (e) => {
    const at = cellAt(v as View, e);
    if (at) activate(v as View, at[0], at[1]);
  });
  el.addEventListener("focus", () => activate(v as View, ...(v?.active ?? [0, 0])));
  el.addEventListener("keydown", (e) => moveWithin(v as View, e));
  return v;
}

function paint(v: View): void {
  const { el, m, step } = v;
  el.replaceChildren();
  const scale = step.kind;
  const t = table(scale);
  if (m.rows * m.cols <= DOM_MAX) {
    el.className = "grid dom";
    el.style.gridTemplateColumns = `auto repeat(${m.cols}, auto)`;
    const numbers = m.cols <= NUMBERS_COLS && m.rows * m.cols <= NUMBERS_MAX;
    const frag = document.createDocumentFragment();
    const idx = (text: string | number) => {
      const d = document.createElement("span");
      d.className = "idx";
      d.textContent = String(text);
      frag.append(d);
    };
    idx("");
    for (let j = 0; j < m.cols; j++) idx(j);
    v.cells = [];
    for (let i = 0; i < m.rows; i++) {
      idx(i);
      for (let j = 0; j < m.cols; j++) {
        const n = i * m.cols + j;
        const c = document.createElement("span");
        c.className = "cell";
        const x = m.data[n];
        if (v.hidden(n)) {
          c.classList.add("masked");
          c.title = `[${i},${j}] hidden (masked)`;
          if (numbers) c.textContent = x === Number.NEGATIVE_INFINITY ? "−∞" : "";
        } else {
          const k = lutIndex(x, scale, v.limit);
          c.style.background = hexAt(t, k);
          c.style.color = inkOn(t, k);
          if (numbers) c.textContent = fmt(x);
        }
        if (!numbers) c.classList.add("blank");
        c.dataset.value = String(x);
        v.cells.push(c);
        frag.append(c);
      }
    }
    el.append(frag);
  } else {
    el.className = "grid canvas";
    const canvas = document.createElement("canvas");
    canvas.width = m.cols;
    canvas.height = m.rows;
    const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
    const img = ctx.createImageData(m.cols, m.rows);
    const [h0, h1] = HIDDEN[theme()].map((hex) => Number.parseInt(hex.slice(1), 16));
    for (let n = 0; n < m.data.length; n++) {
      const p = n * 4;
      if (v.hidden(n)) {
        const c = ((n % m.cols) + Math.floor(n / m.cols)) % 2 ? h1 : h0;
        img.data[p] = c >> 16;
        img.data[p + 1] = (c >> 8) & 255;
        img.data[p + 2] = c & 255;
      } else {
        const k = lutIndex(m.data[n], scale, v.limit) * 3;
        img.data[p] = t[k];
        img.data[p + 1] = t[k + 1];
        img.data[p + 2] = t[k + 2];
      }
      img.data[p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
    const room = Math.max(200, (el.closest("main")?.clientWidth ?? 800) - 8);
    const px = Math.max(1, Math.min(8, Math.floor(room / m.cols)));
    const width = Math.min(m.cols * px, room);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${(m.rows * width) / m.cols}px`;
    v.overlay = document.createElement("div");
    v.overlay.className = "overlay";
    el.append(canvas, v.overlay);
  }
  (el.closest("figure") ?? el).append(legend(v));
  if (step.mark) highlight({ path: step.path, cell: step.mark }, "first", true);
}

/** The colour bar under a matrix, with its ends and middle labelled. */
function legend(v: View): HTMLElement {
  v.el.closest("figure")?.querySelector(".legend")?.remove();
  const t = table(v.step.kind);
  const stops = Array.from({ length: 9 }, (_, n) => hexAt(t, Math.round((n * 255) / 8))).join(",");
  const d = document.createElement("div");
  d.className = "legend";
  const ends =
    v.step.kind === "weights"
      ? ["0", "0.5", "1"]
      : [`−${v.limit.toPrecision(3)}`, "0", `+${v.limit.toPrecision(3)}`];
  d.innerHTML = `<span class="bar" style="background:linear-gradient(to right,${stops})"></span>${ends.map((e) => `<span>${e}</span>`).join("")}`;
  const { op, operands } = v.step;
  const from = operands[0] && steps.get(operands[0].path);
  const masking = op.kind === "mask" || op.kind === "causal-mask";
  if (masking || (op.kind === "softmax" && from && from.op.kind === "mask")) {
    d.insertAdjacentHTML("beforeend", `<span class="masked-key">hidden (masked)</span>`);
  }
  return d;
}

function cellAt(v: View, e: MouseEvent): [number, number] | undefined {
  const target = e.target as HTMLElement;
  if (v.cells) {
    const n = v.cells.indexOf(target);
    return n < 0 ? undefined : [Math.floor(n / v.m.cols), n % v.m.cols];
  }
  const r = (v.el.querySelector("canvas") as HTMLCanvasElement).getBoundingClientRect();
  const i = Math.floor(((e.clientY - r.top) / r.height) * v.m.rows);
  const j = Math.floor(((e.clientX - r.left) / r.width) * v.m.cols);
  return i >= 0 && j >= 0 && i < v.m.rows && j < v.m.cols ? [i, j] : undefined;
}

function moveWithin(v: View, e: KeyboardEvent): void {
  const moves: Record<string, [number, number]> = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };
  const d = moves[e.key];
  if (!d) return;
  e.preventDefault();
  const [i, j] = v.active ?? [0, 0];
  activate(
    v,
    Math.max(0, Math.min(v.m.rows - 1, i + d[0])),
    Math.max(0, Math.min(v.m.cols - 1, j + d[1])),
  );
}

/** Everything highlighted now, to undo on the next activation. */
let lit: (() => void)[] = [];

/** Outlines part of a matrix until the next activation (or for good: check's first wrong entry). */
function highlight(mark: Mark, cls: string, permanent = false): void {
  const el = document.querySelector<HTMLElement>(`.grid[data-path="${CSS.escape(mark.path)}"]`);
  if (!el) return;
  const v = view(el);
  const { rows, cols } = v.m;
  const [r0, r1, c0, c1] = mark.cell
    ? [mark.cell[0], mark.cell[0] + 1, mark.cell[1], mark.cell[1] + 1]
    : mark.row !== undefined
      ? [mark.row, mark.row + 1, 0, cols]
      : [0, rows, mark.col as number, (mark.col as number) + 1];
  if (v.cells) {
    const cells = v.cells;
    for (let i = r0; i < r1; i++) {
      for (let j = c0; j < c1; j++) {
        const c = cells[i * cols + j];
        c.classList.add(cls);
        if (!permanent) lit.push(() => c.classList.remove(cls));
      }
    }
  } else if (v.overlay) {
    const band = document.createElement("div");
    band.className = `band ${cls}`;
    band.dataset.rows = `${r0}:${r1}`;
    band.dataset.cols = `${c0}:${c1}`;
    Object.assign(band.style, {
      top: `${(100 * r0) / rows}%`,
      height: `${(100 * (r1 - r0)) / rows}%`,
      left: `${(100 * c0) / cols}%`,
      width: `${(100 * (c1 - c0)) / cols}%`,
    });
    v.overlay.append(band);
    if (!permanent) lit.push(() => band.remove());
  }
}

const why = document.getElementById("why") as HTMLElement;
/** The last explanation shown (the browser tests compare its numbers with `--why`'s). */
let shown: Why | undefined;
Object.defineProperty(window, "tlWhy", { get: () => shown?.explanation });

function activate(v: View, i: number, j: number): void {
  for (const undo of lit) undo();
  lit = [];
  v.active = [i, j];
  const w = explainCell(v.step, i, j, { mat, step: (p) => steps.get(p), fmt, table: traceTable });
  shown = w;
  highlight({ path: v.step.path, cell: [i, j] }, "active");
  for (const mark of w.marks) highlight(mark, "hl");
  why.hidden = false;
  why.replaceChildren();
  const h = document.createElement("h4");
  h.textContent = w.title;
  const list = document.createElement("ul");
  for (const line of w.lines) {
    const li = document.createElement("li");
    li.textContent = line;
    list.append(li);
  }
  why.append(h, list);
}

/** bertviz's picture: a line from each query (left) to each key (right), thicker for more weight. */
function drawLines(el: HTMLElement, focusRow = -1): void {
  const m = mat(el.dataset.path as string);
  const step = steps.get(el.dataset.path as string) as PageStep;
  const hidden = hiddenTest(step, m);
  const n = Math.max(m.rows, m.cols);
  const rowH = Math.max(3, Math.min(20, Math.floor(640 / n)));
  const labels = rowH >= 12;
  const W = 240;
  const H = n * rowH + 8;
  let canvas = el.querySelector("canvas");
  if (!canvas) {
    canvas = document.createElement("canvas");
    el.append(canvas);
    canvas.addEventListener("mousemove", (e) => {
      const r = (canvas as HTMLCanvasElement).getBoundingClientRect();
      const row = Math.floor((e.clientY - r.top - 4) / rowH);
      drawLines(el, row >= 0 && row < m.rows ? row : -1);
    });
    canvas.addEventListener("mouseleave", () => drawLines(el));
  }
  const dpr = window.devicePixelRatio || 1;
  canvas.width = W * dpr;
  canvas.height = H * dpr;
  canvas.style.width = `${W}px`;
  canvas.style.height = `${H}px`;
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.scale(dpr, dpr);
  const style = getComputedStyle(el);
  const ink = style.getPropertyValue("--line").trim() || "#225ea8";
  const text = style.color;
  const x0 = labels ? 36 : 6;
  const x1 = W - (labels ? 36 : 6);
  const y = (k: number) => 4 + k * rowH + rowH / 2;
  ctx.font = `${Math.min(12, rowH - 2)}px system-ui, sans-serif`;
  ctx.fillStyle = text;
  if (labels) {
    ctx.textAlign = "right";
    for (let i = 0; i < m.rows; i++) ctx.fillText(`q${i}`, x0 - 6, y(i) + 4);
    ctx.textAlign = "left";
    for (let j = 0; j < m.cols; j++) ctx.fillText(`k${j}`, x1 + 6, y(j) + 4);
  }
  ctx.strokeStyle = ink;
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.cols; j++) {
      const w = m.data[i * m.cols + j];
      if (hidden(i * m.cols + j) || w <= 0) continue;
      ctx.globalAlpha = focusRow < 0 || focusRow === i ? Math.min(1, 0.1 + w) : 0.04;
      ctx.lineWidth = Math.max(0.5, w * Math.min(8, rowH * 0.8));
      ctx.beginPath();
      ctx.moveTo(x0, y(i));
      ctx.lineTo(x1, y(j));
      ctx.stroke();
    }
  }
}

function draw(el: HTMLElement): void {
  if (el.classList.contains("lines")) drawLines(el);
  else view(el);
}

const lazy = new IntersectionObserver(
  (entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      lazy.unobserve(e.target);
      draw(e.target as HTMLElement);
    }
  },
  { rootMargin: "600px 0px" },
);
// A small page is drawn at once (so it prints and screenshots whole); a large one as it scrolls.
const EAGER_CELLS = 100_000;
const total = Object.values(data.matrices).reduce((t, m) => t + m.rows * m.cols, 0);
for (const el of document.querySelectorAll<HTMLElement>(".grid, .lines")) {
  if (total <= EAGER_CELLS) draw(el);
  else lazy.observe(el);
}

darkQuery.addEventListener("change", () => {
  for (const v of views.values()) paint(v);
  for (const el of document.querySelectorAll<HTMLElement>(".lines")) {
    if (el.querySelector("canvas")) drawLines(el);
  }
});
addEventListener("beforeprint", () => {
  for (const el of document.querySelectorAll<HTMLElement>(".grid, .lines")) draw(el);
});

// Heads as tabs (the WAI-ARIA tabs pattern: click, or arrows within the tab list).
function selectTab(tab: HTMLElement): void {
  const list = tab.parentElement as HTMLElement;
  for (const t of list.querySelectorAll<HTMLElement>("[role=tab]")) {
    const on = t === tab;
    t.setAttribute("aria-selected", String(on));
    t.tabIndex = on ? 0 : -1;
    (document.getElementById(t.getAttribute("aria-controls") as string) as HTMLElement).hidden =
      !on;
  }
}
function stepTab(list: Element, by: number): void {
  const tabs = [...list.querySelectorAll<HTMLElement>("[role=tab]")];
  const now = tabs.findIndex((t) => t.getAttribute("aria-selected") === "true");
  const next = tabs[(now + by + tabs.length) % tabs.length];
  selectTab(next);
  next.focus();
}
for (const list of document.querySelectorAll("[role=tablist]")) {
  list.addEventListener("click", (e) => {
    const tab = (e.target as HTMLElement).closest<HTMLElement>("[role=tab]");
    if (tab) selectTab(tab);
  });
  list.addEventListener("keydown", (e) => {
    const k = (e as KeyboardEvent).key;
    if (k === "ArrowRight" || k === "ArrowLeft") stepTab(list, k === "ArrowRight" ? 1 : -1);
  });
}

// j / k: the next or previous step on screen; [ / ]: the previous or next head of this block.
function visibleSteps(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>("figure.step")].filter(
    (f) => f.offsetParent !== null,
  );
}
function currentStep(all: HTMLElement[]): number {
  const focused = document.activeElement?.closest("figure.step");
  if (focused) return all.indexOf(focused as HTMLElement);
  return all.findIndex((f) => f.getBoundingClientRect().bottom > 0) - 1;
}
document.addEventListener("keydown", (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const all = visibleSteps();
  if (e.key === "j" || e.key === "k") {
    const now = currentStep(all);
    const next = all[Math.max(0, Math.min(all.length - 1, now + (e.key === "j" ? 1 : -1)))];
    const grid = next?.querySelector<HTMLElement>(".grid");
    if (!grid) return;
    next.scrollIntoView({ block: "center" });
    grid.focus({ preventScroll: true });
  } else if (e.key === "[" || e.key === "]") {
    const here = all[Math.max(0, currentStep(all))];
    const list = here?.closest(".heads")?.querySelector("[role=tablist]");
    if (list) stepTab(list, e.key === "]" ? 1 : -1);
  } else if (e.key === "Escape") {
    why.hidden = true;
  }
});

document.documentElement.dataset.ready = "1";
