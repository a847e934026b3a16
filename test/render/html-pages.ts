import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRows } from "../../src/math/matrix.js";
import type { Computation, Dims } from "../../src/model/dims.js";
import { type CheckRow, checkPage } from "../../src/render/html/check-page.js";
import { cli, ROOT } from "../helpers.js";

export const DIR = mkdtempSync(join(tmpdir(), "tl-html-"));

export const assets = () => ({
  script: readFileSync(`${ROOT}dist/html-client.js`, "utf8"),
  style: readFileSync(`${ROOT}dist/html-client.css`, "utf8"),
});

/** A run's page written by the built CLI (`--html`), and its `--json` document when asked for. */
export function makePage(
  name: string,
  command: Computation,
  dims: Partial<Dims> & { seed: number; causal?: boolean; cross?: boolean },
): { file: string; html: string; json: Record<string, unknown> } {
  const { seed, causal, cross, ...sizes } = dims;
  const args = [command, "--rng", "numpy", "--seed", String(seed)];
  for (const [k, v] of Object.entries(sizes)) args.push(`--${k}`, String(v));
  if (causal) args.push("--causal");
  if (cross === false) args.push("--no-cross");
  const file = join(DIR, `${name}.html`);
  const r = cli([...args, "--html", file]);
  if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  return {
    file,
    get html() {
      return readFileSync(file, "utf8");
    },
    get json() {
      return JSON.parse(cli([...args, "--json"]).stdout);
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
    { file: "ana.npy", status: "correct", maxAbs: 1e-16, diagnosis: [] },
    {
      file: "bruno.npy",
      status: "wrong",
      maxAbs: 1.5,
      firstDivergence: "scores",
      diagnosis: [{ id: "no-scale", message: "scores not divided by √d_k", fix: "divide by √d_k" }],
      wrong: { name: "scores", answer, reference, first: [1, 2] },
    },
    { file: "carla.json", status: "unreadable", error: "carla.json: invalid JSON", diagnosis: [] },
  ];
  const file = join(DIR, "check.html");
  writeFileSync(
    file,
    [
      ...checkPage(
        rows,
        { rtol: 1e-5, atol: 1e-8, rng: "numpy", seed: 0 },
        assets(),
        "1 passed, 1 failed, 1 could not be read",
      ),
    ].join(""),
  );
  return file;
}
