import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromRows } from "../../src/math/matrix.js";
import { compute } from "../../src/model/compute.js";
import { runPage } from "../../src/render/html/page.js";
import { cli, expectMatrixClose, fixture, ROOT } from "../helpers.js";
import { assets, DIR, makePage } from "./html-pages.js";

type Rows = (number | null)[][];

/** The matrices a page holds, read back from its HTML as the client reads them. */
function pageMatrices(html: string): Map<string, Rows> {
  const data = JSON.parse(
    /<script type="application\/json" id="tl-data">(.*?)<\/script>/s.exec(html)![1],
  );
  const out = new Map<string, Rows>();
  for (const [path, ref] of Object.entries(data.matrices) as [
    string,
    { rows: number; cols: number; id: string; bits: number },
  ][]) {
    const b64 = new RegExp(`<script type="text/plain" id="${ref.id}">([^<]*)</script>`).exec(
      html,
    )![1];
    const bytes = Buffer.from(b64, "base64");
    const values = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
    const rows = Array.from({ length: ref.rows }, (_, i) =>
      Array.from(values.subarray(i * ref.cols, (i + 1) * ref.cols), (x) =>
        Number.isFinite(x) ? x : null,
      ),
    );
    out.set(path, rows);
  }
  return out;
}

function at(doc: unknown, path: string): Rows {
  let v = doc as Record<string, unknown>;
  for (const part of path.match(/[^.[\]]+/g) ?? []) v = v[part] as Record<string, unknown>;
  return v as unknown as Rows;
}

describe("the HTML page", () => {
  it("holds every matrix of the --json trace, bit for bit, and they are numpy's", async () => {
    const { html, json } = makePage("homework", "encode", { seed: 0 });
    const numpy = fixture("spec/encode-homework-s0.json");
    const matrices = pageMatrices(html);
    // every matrix of the trace: the inputs, each step of the layer (the final output is the layer's)
    expect(matrices.size).toBe(22);
    for (const [path, rows] of matrices) {
      expect(rows, path).toEqual(at(json, path));
      expectMatrixClose(rows, at(numpy, path), 1e-12, path);
    }
  });

  it("keeps the causal mask's −∞ as −∞ (null in --json), and the decoder's cross-attention", async () => {
    const { html } = makePage("causal", "attention", {
      seed: 1,
      seq: 5,
      dmodel: 4,
      causal: true,
    });
    const numpy = fixture("spec/attention-causal.json");
    const matrices = pageMatrices(html);
    expect(matrices.get("steps.masked")![0]).toEqual([expect.any(Number), null, null, null, null]);
    const causal = (n: number) =>
      Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j > i ? null : 0)));
    for (const [path, rows] of matrices) {
      // the mask is not in --json: it is the causal pattern
      if (path.endsWith(".mask")) expect(rows).toEqual(causal(5));
      else expectMatrixClose(rows, at(numpy, path), 1e-12, path);
    }
    const decoder = pageMatrices(makePage("decoder", "decode", { seed: 0 }).html);
    const decoderNumpy = fixture("spec/decode-s0.json");
    expect([...decoder.keys()]).toContain("layers[0].cross.heads[0].weights");
    for (const [path, rows] of decoder) {
      if (path.endsWith(".mask")) expect(rows).toEqual(causal(4));
      else expectMatrixClose(rows, at(decoderNumpy, path), 1e-12, path);
    }
  });

  it("is self-contained: no external resource, and a file name cannot end the script", async () => {
    const { html } = makePage("homework", "encode", { seed: 0 });
    expect(html).not.toMatch(/<link|<img|<iframe|\bsrc=|@import|url\((?!#)|https?:\/\//i);
    const one = () => fromRows([[1]]);
    const config = {
      computation: "attention" as const,
      ...{ seq: 1, src: 1, dmodel: 1, emb: 1, heads: 1, layers: 1, ffn: 4 },
      cross: false,
      causal: false,
    };
    const supplied = { globals: { q: one(), k: one(), v: one() }, layers: [] };
    const run = compute(config, supplied, { fill: () => {} });
    const runConfig = { ...config, rng: "numpy", seed: 0, input: "</script><b>x" };
    const page = [...runPage(runConfig, run, assets(), { precision: 4 })].join("");
    expect(page).not.toContain("</script><b>");
    expect(page.match(/<\/script>/g)?.length).toBe(2 + 7);
  });
});

describe("--html, --svg and check --html on the command line", () => {
  it("attention --causal --seq 12 --svg: the triangle hatched; nothing on stdout", () => {
    const file = join(DIR, "w.svg");
    const r = cli(["attention", "--causal", "--seq", "12", "--seed", "3", "--svg", file]);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, "", ""]);
    const svg = readFileSync(file, "utf8");
    expect(svg).toContain("weights = softmax(masked)");
    expect(svg.match(/fill="url\(#hidden\)"><title>/g)?.length).toBe(66);
  });

  it("--step, --layer and --head pick the matrix; a wrong one is one line naming the choices", () => {
    const file = join(DIR, "q.svg");
    expect(cli(["encode", "--heads", "2", "--svg", file, "--step", "q", "--head", "1"]).code).toBe(
      0,
    );
    expect(readFileSync(file, "utf8")).toContain("Q2 = X·Wq[:, 3:6]");
    expect(cli(["decode", "--svg", file, "--step", "cross.weights"]).code).toBe(0);
    expect(readFileSync(file, "utf8")).toContain("layer 0 · head 0");
    const bad = cli(["encode", "--svg", file, "--step", "nope"]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe("");
    expect(bad.stderr).toMatch(
      /^transformer-lab: error: --step nope: no such matrix in encode; one of x, wq, .*, output\n$/,
    );
    const quiet = cli(["encode", "--quiet", "--html", join(DIR, "q.html")]);
    expect([quiet.code, quiet.stderr]).toEqual([
      2,
      "transformer-lab: error: --html shows the intermediates, which --quiet does not keep\n",
    ]);
    const head = cli(["encode", "--svg", file, "--head", "1"]);
    expect(head.stderr).toBe(
      "transformer-lab: error: --head 1: the run has 1 head(s), numbered from 0\n",
    );
  });

  it("check --html: one square and one row per answer; each wrong one's first diverging matrix", () => {
    const dir = `${ROOT}fixtures/answers/homework/seed0`;
    const answers = ["correct.json", "no-scale.json", "no-ffn.json"].map((f) => `${dir}/${f}`);
    const file = join(DIR, "report.html");
    const r = cli(["check", "--seed", "0", "--html", file, ...answers]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("1 passed, 2 failed");
    const html = readFileSync(file, "utf8");
    expect(html.match(/class="square (pass|fail|error)"/g)).toEqual([
      'class="square pass"',
      'class="square fail"',
      'class="square fail"',
    ]);
    const matrices = pageMatrices(html);
    expect([...matrices.keys()].filter((p) => p.startsWith("r1."))).toEqual([
      "r1.answer",
      "r1.reference",
      "r1.difference",
    ]);
    expect(html).toContain("<b>no-scale</b>");
  });

  it("check --html: each row's status as the table says it (unreadable, ungraded, wrong)", () => {
    const dir = `${ROOT}fixtures/answers`;
    const noOutput = join(DIR, "no-output.json");
    writeFileSync(noOutput, JSON.stringify({ x: [[1, 2]] }));
    const answers = [
      `${dir}/homework/seed0/correct.json`,
      `${dir}/homework/seed0/no-scale.json`,
      `${dir}/submissions/slip-savetxt.npy`, // np.savetxt into a .npy: unreadable
      noOutput, // read, but nothing to grade: ungraded
    ];
    const file = join(DIR, "statuses.html");
    const r = cli(["check", "--seed", "0", "--html", file, ...answers]);
    expect(r.code).toBe(1);
    const html = readFileSync(file, "utf8");
    const verdicts = [...html.matchAll(/<td class="verdict">([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(verdicts).toEqual(["✓ correct", "✗ wrong", "✗ unreadable", "✗ ungraded"]);
    const titles = [...html.matchAll(/class="square \w+" title="[^"]*: (\w+)"/g)].map((m) => m[1]);
    expect(titles).toEqual(["correct", "wrong", "unreadable", "ungraded"]);
    expect(html).not.toMatch(/>✗ error</);
    // the count is the text report's closing line
    expect(html).toContain("1 passed, 1 failed, 1 could not be read, 1 ungraded");
    expect(r.stdout).toContain("1 passed, 1 failed, 1 could not be read, 1 ungraded");
  });
});
