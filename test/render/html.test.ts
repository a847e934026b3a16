import { describe, expect, it } from "vitest";
import { fromRows } from "../../src/math/matrix.js";
import { runPage } from "../../src/render/html/page.js";
import { expectMatrixClose, fixture } from "../helpers.js";
import { assets, makePage } from "./html-pages.js";

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
    const { html, json } = await makePage("homework", "encode", { seed: 0 });
    const numpy = fixture("spec/encode-homework-s0.json");
    const matrices = pageMatrices(html);
    // every matrix of the trace: the inputs, each step of the layer (the final output is the layer's)
    expect(matrices.size).toBe(7 + 7 + 7);
    for (const [path, rows] of matrices) {
      expect(rows, path).toEqual(at(json, path));
      expectMatrixClose(rows, at(numpy, path), 1e-12, path);
    }
  });

  it("keeps the causal mask's −∞ as −∞ (null in --json), and the decoder's cross-attention", async () => {
    const { html } = await makePage("causal", "attention", {
      seed: 1,
      seq: 5,
      dmodel: 4,
      causal: true,
    });
    const numpy = fixture("spec/attention-causal.json");
    const matrices = pageMatrices(html);
    expect(matrices.get("steps.masked")![0]).toEqual([expect.any(Number), null, null, null, null]);
    for (const [path, rows] of matrices) expectMatrixClose(rows, at(numpy, path), 1e-12, path);
    const decoder = pageMatrices((await makePage("decoder", "decode", { seed: 0 })).html);
    const decoderNumpy = fixture("spec/decode-s0.json");
    expect([...decoder.keys()]).toContain("layers[0].cross.heads[0].weights");
    for (const [path, rows] of decoder)
      expectMatrixClose(rows, at(decoderNumpy, path), 1e-12, path);
  });

  it("is self-contained: no external resource, and a file name cannot end the script", async () => {
    const { html } = await makePage("homework", "encode", { seed: 0 });
    expect(html).not.toMatch(/<link|<img|<iframe|\bsrc=|@import|url\((?!#)|https?:\/\//i);
    const doc = {
      command: "attention",
      config: { seq: 1, src: 1, dmodel: 1, rng: "numpy", seed: 0, input: "</script><b>x" },
      inputs: { q: fromRows([[1]]), k: fromRows([[1]]), v: fromRows([[1]]) },
      steps: {
        scores: fromRows([[1]]),
        scaled: fromRows([[1]]),
        weights: fromRows([[1]]),
        z: fromRows([[1]]),
      },
    };
    const page = [...runPage(doc, assets(), { precision: 4 })].join("");
    expect(page).not.toContain("</script><b>");
    expect(page.match(/<\/script>/g)?.length).toBe(2 + 7);
  });
});
