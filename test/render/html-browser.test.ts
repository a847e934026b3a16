// The HTML page in a real browser: Chromium (Debian's, found by npm test's pretest) driven by
// playwright-core, every page opened from file:// with every network request blocked.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, expectMatrixClose, fixture, ROOT, testEnv } from "../helpers.js";
import { makeCheckPage, makePage } from "./html-pages.js";

type Rows = (number | null)[][];
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** console errors and uncaught exceptions since the last open() */
let errors: string[] = [];
/** every request other than the page itself since the last open() (each was refused) */
let requests: string[] = [];
let current = "";

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: testEnv().chromium,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  // one page for the whole file: each test navigates it to its own file
  context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === current) return route.continue();
    requests.push(u);
    return route.abort();
  });
}, 60_000);
afterAll(async () => browser?.close());

/** Opens a page from file://; returns how long it took to be ready, in ms. */
async function open(file: string, colorScheme: "light" | "dark" = "light"): Promise<number> {
  errors = [];
  requests = [];
  current = pathToFileURL(file).href;
  await page.emulateMedia({ colorScheme });
  const t0 = Date.now();
  await page.goto(current);
  await page.waitForSelector("html[data-ready]");
  return Date.now() - t0;
}

const grid = (path: string) => `.grid[data-path="${path}"]`;

/** The cells of a drawn grid: text shown, exact value, classes. */
function cells(page: Page, path: string) {
  return page.$$eval(`${grid(path)} .cell`, (els) =>
    els.map((e) => ({
      text: e.textContent ?? "",
      value: (e as HTMLElement).dataset.value ?? "",
      cls: e.className,
    })),
  );
}

function at(doc: unknown, path: string): Rows {
  let v = doc as Record<string, unknown>;
  for (const part of path.match(/[^.[\]]+/g) ?? []) v = v[part] as Record<string, unknown>;
  return v as unknown as Rows;
}

/** Row-major indices of the cells carrying a class. */
async function marked(page: Page, path: string, cls: string): Promise<number[]> {
  return (await cells(page, path)).flatMap((c, n) => (c.cls.split(" ").includes(cls) ? [n] : []));
}

describe("the page in Chromium", () => {
  it("encode --rng numpy --seed 0: no errors, no requests, every number shown is the --json trace's", async () => {
    const { file, json } = makePage("homework", "encode", { seed: 0 });
    await open(file);
    const paths = await page.$$eval(".grid", (els) =>
      els.map((e) => (e as HTMLElement).dataset.path as string),
    );
    expect(paths.length).toBe(22);
    for (const path of paths) {
      const shown = await cells(page, path);
      const expected = at(json, path).flat();
      expect(shown.length, path).toBe(expected.length);
      shown.forEach((c, n) => {
        expect(Number(c.value), `${path} cell ${n}`).toBe(expected[n]);
        if (c.text) expect(c.text, `${path} cell ${n}`).toBe((expected[n] as number).toFixed(4));
      });
    }
    // the numbers are numpy's
    const numpy = fixture("spec/encode-homework-s0.json");
    const q = await cells(page, "layers[0].self.heads[0].q");
    expectMatrixClose(
      [q.map((c) => Number(c.value))],
      [at(numpy, "layers[0].self.heads[0].q").flat()],
      1e-12,
    );
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("hovering a cell shows where it came from: scores → rows of Q and K; weights → the softmax row; norm1 → mean and variance", async () => {
    const { file } = makePage("homework", "encode", { seed: 0 });
    await open(file);
    const h = "layers[0].self.heads[0]";
    await page.hover(`${grid(`${h}.scores`)} .cell >> nth=6`); // scores[1,2] of 4×4
    expect(await marked(page, `${h}.q`, "hl")).toEqual([3, 4, 5]); // row 1 of Q (4×3)
    expect(await marked(page, `${h}.k`, "hl")).toEqual([6, 7, 8]); // row 2 of K
    expect(await marked(page, `${h}.scores`, "active")).toEqual([6]);
    const why = await page.textContent("#why");
    expect(why).toContain("scores[1,2] = ");
    expect(why).toContain("Q[1,0]·K[2,0]");
    // the hover asks provenance, the module `--why` prints: the same terms, to the last bit
    const hover = await page.evaluate(() => (window as unknown as { tlWhy: unknown }).tlWhy);
    const args = ["encode", "--rng", "numpy", "--seed", "0", "--json"];
    const said = JSON.parse(cli([...args, "--why", "scores[1,2]", "--depth", "0"]).stdout).why;
    const { why: w, value } = hover as {
      why: { terms: { k: number; a: number; b: number }[] };
      value: number;
    };
    expect(value).toBe(said.value);
    expect(w.terms.map((t) => [t.k, t.a, t.b])).toEqual(
      said.why.terms.map((t: { k: number; a: number; b: number }) => [t.k, t.a, t.b]),
    );
    expect(w.terms).toHaveLength(3);
    for (const t of w.terms) expect(why).toContain(`= ${t.a.toFixed(4)} × ${t.b.toFixed(4)} = `);
    await page.hover(`${grid(`${h}.weights`)} .cell >> nth=13`); // weights[3,1]
    expect(await marked(page, `${h}.scaled`, "hl")).toEqual([12, 13, 14, 15]);
    expect(await marked(page, `${h}.q`, "hl")).toEqual([]);
    expect(await page.textContent("#why")).toContain(
      "softmax".length ? "exp(scaled[3,1] − max)" : "",
    );
    await page.hover(`${grid("layers[0].norm1")} .cell >> nth=10`); // norm1[1,2]
    expect(await marked(page, "layers[0].residual1", "hl")).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    expect(await page.textContent("#why")).toMatch(/mean = -?\d\.\d{4}, var = \d+\.\d{4}/);
    // the keyboard: focus a matrix, move with the arrows; j goes to the next step
    await page.focus(grid(`${h}.scores`));
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("ArrowRight");
    expect(await marked(page, `${h}.scores`, "active")).toEqual([11]); // from [1,2], where the mouse left it
    await page.keyboard.press("j");
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.path)).toBe(
      `${h}.scaled`,
    );
    expect(errors).toEqual([]);
  });

  it("attention --causal --seq 12 and decode: the masked cells are drawn hidden, in scores and weights", async () => {
    const n = 12;
    const { file } = makePage("causal12", "attention", { seed: 3, seq: n, causal: true });
    await open(file);
    const upper = Array.from({ length: n * n }, (_, k) => k).filter(
      (k) => k % n > Math.floor(k / n),
    );
    expect(await marked(page, "steps.masked", "masked")).toEqual(upper);
    expect(await marked(page, "steps.weights", "masked")).toEqual(upper);
    expect(await marked(page, "steps.scaled", "masked")).toEqual([]);
    const decoder = makePage("decoder", "decode", { seed: 0 });
    await open(decoder.file);
    expect(await marked(page, "layers[0].self.heads[0].weights", "masked")).toEqual([
      1, 2, 3, 6, 7, 11,
    ]);
    expect(await marked(page, "layers[0].cross.heads[0].weights", "masked")).toEqual([]);
    expect(await page.$$eval(".diagram a", (as) => as.map((a) => a.textContent))).toEqual([
      "Y",
      "masked self-attention",
      "add & norm",
      "cross-attention",
      "add & norm",
      "feed-forward",
      "add & norm",
      "output",
      "memory",
    ]);
    expect(errors).toEqual([]);
  });

  it("each head tab shows its head", async () => {
    const { file } = makePage("heads2", "encode", {
      seed: 7,
      seq: 5,
      emb: 12,
      dmodel: 4,
      heads: 2,
    });
    const numpy = fixture("spec/encode-heads2.json");
    await open(file);
    const visibleQ = () =>
      page.$$eval(".block.self .head:not([hidden]) .grid", (els) =>
        els.map((e) => (e as HTMLElement).dataset.path).filter((p) => p?.endsWith(".q")),
      );
    expect(await visibleQ()).toEqual(["layers[0].self.heads[0].q"]);
    await page.click("#l0-self-tab1");
    expect(await visibleQ()).toEqual(["layers[0].self.heads[1].q"]);
    const q = await cells(page, "layers[0].self.heads[1].q");
    expectMatrixClose(
      [q.map((c) => Number(c.value))],
      [at(numpy, "layers[0].self.heads[1].q").flat()],
      1e-12,
    );
    await page.keyboard.press("ArrowLeft"); // within the tab list: back to head 0
    expect(await visibleQ()).toEqual(["layers[0].self.heads[0].q"]);
    expect(errors).toEqual([]);
  });

  it("check's report: the class at a glance, the wrong answer as answer, reference and difference", async () => {
    await open(makeCheckPage());
    expect(await page.$$eval(".glance a", (as) => as.map((a) => a.className))).toEqual([
      "square pass",
      "square fail",
      "square error",
    ]);
    expect(await page.$$eval("table.results tbody tr", (trs) => trs.length)).toBe(3);
    for (const part of ["answer", "reference", "difference"]) {
      expect(await marked(page, `r1.${part}`, "first")).toEqual([5]);
    }
    const diff = await cells(page, "r1.difference");
    expect(diff.map((c) => Number(c.value))).toEqual([0, 0, 0, 0, 0, 1.5]);
    await page.hover(`${grid("r1.difference")} .cell >> nth=5`);
    expect(await page.textContent("#why")).toContain("answer − reference = 7.5000 − 6.0000");
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("a BERT-base layer (seq 128, emb 768, 12 heads) loads in a few seconds and its canvases answer hovers", async () => {
    const { file } = makePage("bert", "encode", {
      seed: 0,
      seq: 128,
      emb: 768,
      dmodel: 64,
      heads: 12,
      ffn: 3072,
    });
    const loadMs = await open(file);
    // about 5 s on an idle 2-core machine (61 MB of page); the bound leaves room for a busy one
    expect(loadMs).toBeLessThan(20_000);
    // only what is near the screen is drawn: the rest waits until it scrolls into view
    const [drawn, grids, hiddenDrawn] = await page.evaluate(() => [
      document.querySelectorAll(".grid canvas").length,
      document.querySelectorAll(".grid").length,
      document.querySelectorAll(".head[hidden] .grid canvas").length,
    ]);
    expect(grids).toBe(7 + 12 * 7 + 8); // X and six weights; each head's q … z; concat … output
    expect(drawn).toBeLessThan(30);
    expect(hiddenDrawn).toBe(0); // heads 1 … 11 wait for their tab
    const h = "layers[0].self.heads[0]";
    await page.locator(grid(`${h}.scores`)).scrollIntoViewIfNeeded();
    const canvas = page.locator(`${grid(`${h}.scores`)} canvas`);
    const box = (await canvas.boundingBox())!;
    // scores[64, 32]: the middle of row 64, column 32
    await page.mouse.move(box.x + (32.5 * box.width) / 128, box.y + (64.5 * box.height) / 128);
    expect(await page.textContent("#why")).toContain("scores[64,32]");
    const bands = await page.$$eval(".band.hl", (els) =>
      els.map((e) => [
        (e.closest(".grid") as HTMLElement).dataset.path,
        (e as HTMLElement).dataset.rows,
      ]),
    );
    expect(bands).toEqual([
      [`${h}.q`, "64:65"],
      [`${h}.k`, "32:33"],
    ]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
  }, 60_000);

  it("the homework's page looks as it did (docs/encode-seed0.png), on light and dark", async () => {
    const { file } = makePage("homework", "encode", { seed: 0 });
    await open(file);
    const png = await page.screenshot({ fullPage: true });
    const committed = `${ROOT}docs/encode-seed0.png`;
    if (process.env.UPDATE_SCREENSHOTS || !existsSync(committed)) {
      mkdirSync(`${ROOT}docs`, { recursive: true });
      writeFileSync(committed, png);
    }
    // compared in the browser: the share of pixels that differ noticeably
    const differing = await page.evaluate(
      async ([a, b]) => {
        const load = async (b64: string) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement("canvas");
          [c.width, c.height] = [img.width, img.height];
          const ctx = c.getContext("2d") as CanvasRenderingContext2D;
          ctx.drawImage(img, 0, 0);
          return ctx.getImageData(0, 0, img.width, img.height);
        };
        const [x, y] = [await load(a), await load(b)];
        if (x.width !== y.width || Math.abs(x.height - y.height) > 40) return 1;
        let diff = 0;
        const n = Math.min(x.data.length, y.data.length);
        for (let k = 0; k < n; k += 4) {
          const d =
            Math.abs(x.data[k] - y.data[k]) +
            Math.abs(x.data[k + 1] - y.data[k + 1]) +
            Math.abs(x.data[k + 2] - y.data[k + 2]);
          if (d > 48) diff++;
        }
        return diff / (n / 4);
      },
      [png.toString("base64"), readFileSync(committed).toString("base64")],
    );
    expect(differing).toBeLessThan(0.01);
    await open(file, "dark");
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe("rgb(20, 20, 22)");
    // a weight of 1 is the brightest colour on dark, the darkest on light
    const one = await page.$eval(
      `${grid("layers[0].self.heads[0].weights")} .cell`,
      (e) => (e as HTMLElement).style.background,
    );
    expect(one).toBe("rgb(252, 253, 191)");
  });
});
