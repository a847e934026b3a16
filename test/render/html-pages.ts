import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRows } from "../../src/math/matrix.js";
import { DEFAULT_DIMS, type Dims } from "../../src/model/config.js";
import type { Command } from "../../src/model/inputs.js";
import { run } from "../../src/model/run.js";
import { runDocument } from "../../src/render/document.js";
import { type CheckRow, checkPage } from "../../src/render/html/check-page.js";
import { runPage } from "../../src/render/html/page.js";
import { jsonText } from "../../src/render/json.js";
import { completeInputs } from "../../src/rng/draw.js";
import { makeNormals } from "../../src/rng/normals.js";
import { ROOT } from "../helpers.js";

export const DIR = mkdtempSync(join(tmpdir(), "tl-html-"));

export const assets = () => ({
  script: readFileSync(`${ROOT}dist/html-client.js`, "utf8"),
  style: readFileSync(`${ROOT}dist/html-client.css`, "utf8"),
});

/** A run's page written to a file, and its `--json` document parsed. */
export async function makePage(
  name: string,
  command: Command,
  dims: Partial<Dims> & { seed: number; causal?: boolean; cross?: boolean },
): Promise<{ file: string; html: string; json: Record<string, unknown> }> {
  const d: Dims = { ...DEFAULT_DIMS, ffn: 4 * (dims.emb ?? DEFAULT_DIMS.emb), ...dims };
  d.src = dims.src ?? d.seq;
  const cross = command === "decode" && dims.cross !== false;
  const normals = await makeNormals("numpy", dims.seed);
  const inputs = completeInputs(command, d, cross, { globals: {}, layers: [] }, normals);
  const trace = run(command, inputs, d, { keep: true, cross, causal: dims.causal });
  const config = { command, ...d, rng: "numpy", seed: dims.seed, cross, causal: dims.causal };
  const doc = runDocument(config, inputs, trace, false);
  const html = [...runPage(doc, assets(), { precision: 4 })].join("");
  const file = join(DIR, `${name}.html`);
  writeFileSync(file, html);
  return {
    file,
    html,
    get json() {
      return JSON.parse(jsonText(doc)); // slow for a large run: only when asked
    },
  };
}

/** A check report of three answers: correct, wrong at [1, 2] of scores, unreadable. */
export function makeCheckPage(): string {
  const reference = fromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const answer = fromRows([
    [1, 2, 3],
    [4, 5, 7.5],
  ]);
  const rows: CheckRow[] = [
    { file: "ana.npy", pass: true, maxAbs: 1e-16, diagnosis: [] },
    {
      file: "bruno.npy",
      pass: false,
      maxAbs: 1.5,
      firstDivergence: "scores",
      diagnosis: [{ id: "no-scale", message: "scores not divided by √d_k", fix: "divide by √d_k" }],
      wrong: { name: "scores", answer, reference, first: [1, 2] },
    },
    { file: "carla.json", pass: false, error: "carla.json: invalid JSON", diagnosis: [] },
  ];
  const file = join(DIR, "check.html");
  writeFileSync(
    file,
    [...checkPage(rows, { rtol: 1e-5, atol: 1e-8, rng: "numpy", seed: 0 }, assets())].join(""),
  );
  return file;
}
