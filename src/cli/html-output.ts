import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { type Command, InvalidArgumentError } from "commander";
import type { Grade } from "../check/grade.js";
import { type Result, statusOf } from "../check/result.js";
import { UserError } from "../errors.js";
import type { ModelConfig } from "../model/dims.js";
import type { Computed } from "../model/trace/lookup.js";
import { TraceTable } from "../model/trace/table.js";
import type { RunConfig } from "../render/document.js";
import type { CheckRow } from "../render/html/check-page.js";
import type { PageAssets } from "../render/html/page.js";
import { findStep, type PageStep, pageSteps, stepNames } from "../render/html/steps.js";

/** --html, --svg and what picks the SVG's matrix (encode, decode, attention). */
export interface PictureOptions {
  html?: string;
  svg?: string;
  step?: string;
  head?: number;
  layer?: number;
}

const index = (flag: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${flag} takes a whole number from 0`);
  return Number(v);
};

export function addPictureOptions(cmd: Command, stacked: boolean): Command {
  cmd
    .option("--html <file>", "write the whole run as one self-contained HTML page")
    .option("--svg <file>", "write one matrix as an SVG heat map (default: the attention weights)")
    .option(
      "--step <name>",
      "the matrix for --svg: weights, scores, q, norm1, wq, … (as in --json)",
    );
  if (!stacked) return cmd;
  // --layer and --head mean the same for --why (issue 14): whichever adds them first, once
  const has = (flag: string) => cmd.options.some((o) => o.long === flag);
  if (!has("--layer")) {
    cmd.option(
      "--layer <l>",
      "the layer for --svg or --why, from 0 (default: 0)",
      index("--layer"),
    );
  }
  if (!has("--head")) {
    cmd.option("--head <h>", "the head for --svg or --why, from 0 (default: 0)", index("--head"));
  }
  return cmd;
}

/** Checks the picture flags against the run, before anything is computed; returns the SVG's step. */
export function pictureStep(
  config: ModelConfig,
  o: PictureOptions & { quiet?: boolean },
): string | undefined {
  if ((o.html || o.svg) && o.quiet) {
    throw new UserError(
      `--${o.html ? "html" : "svg"} shows the intermediates, which --quiet does not keep`,
    );
  }
  if (!o.svg) {
    if (o.step || o.head !== undefined || o.layer !== undefined) {
      throw new UserError("--step, --head and --layer choose the matrix of --svg: give --svg FILE");
    }
    return undefined;
  }
  const steps = pageSteps(new TraceTable(config), () => true);
  const name = o.step ?? "weights";
  if (o.layer !== undefined && o.layer >= config.layers) {
    throw new UserError(
      `--layer ${o.layer}: the run has ${config.layers} layer(s), numbered from 0`,
    );
  }
  if (o.head !== undefined && o.head >= config.heads) {
    throw new UserError(`--head ${o.head}: the run has ${config.heads} head(s), numbered from 0`);
  }
  const step = findStep(steps, name, o);
  if (!step) {
    throw new UserError(
      `--step ${name}: no such matrix in ${config.computation}; one of ${stepNames(steps).join(", ")}`,
    );
  }
  return step.path;
}

/** Writes the page and the SVG the flags ask for. */
export async function writePictures(
  config: RunConfig,
  run: Computed,
  o: PictureOptions & { precision: number },
  svgPath: string | undefined,
): Promise<void> {
  if (o.html) {
    const { runPage } = await import("../render/html/page.js");
    writeFileChunks(o.html, runPage(config, run, pageAssets(), { precision: o.precision }));
  }
  if (o.svg && svgPath) {
    const { stepSvg } = await import("../render/svg.js");
    const steps = pageSteps(new TraceTable(config), () => true);
    const step = steps.find((s) => s.path === svgPath) as PageStep;
    writeFileChunks(o.svg, [stepSvg(config, run, steps, step)]);
  }
}

/** check --html: the report as a page. */
export async function writeCheckPage(
  file: string,
  results: Result[],
  config: Record<string, unknown>,
): Promise<void> {
  const { checkPage } = await import("../render/html/check-page.js");
  const { countLine } = await import("../render/check.js");
  writeFileChunks(file, checkPage(results.map(checkRow), config, pageAssets(), countLine(results)));
}

function checkRow(r: Result): CheckRow {
  if ("error" in r) return { file: r.file, status: statusOf(r), error: r.error, diagnosis: [] };
  const g: Grade = r.grade;
  const output = g.compared.at(-1);
  const first = g.compared.find((c) => !c.pass);
  return {
    file: g.file,
    status: statusOf(r),
    against: g.computation,
    maxAbs: output && Number.isFinite(output.maxAbs) ? output.maxAbs : undefined,
    firstDivergence: g.firstDivergence,
    diagnosis: g.diagnosis,
    wrong:
      g.divergence && first
        ? { name: first.name, ...g.divergence, first: first.first?.index }
        : undefined,
  };
}

/**
 * The page's script and styles, built into dist/ (scripts/build.mjs): beside this module, or one
 * folder up should the bundler put this module in dist/chunks/.
 */
export function pageAssets(): PageAssets {
  const dir = [".", ".."].find((d) => existsSync(new URL(`${d}/html-client.js`, import.meta.url)));
  const read = (ext: string) =>
    readFileSync(new URL(`${dir ?? "."}/html-client.${ext}`, import.meta.url), "utf8");
  return { script: read("js"), style: read("css") };
}

/** Writes a page (or an SVG) chunk by chunk: a BERT-size page is tens of megabytes. */
export function writeFileChunks(file: string, chunks: Iterable<string>): void {
  let fd: number;
  try {
    fd = openSync(file, "w");
  } catch (e) {
    throw new UserError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  try {
    for (const chunk of chunks) writeSync(fd, chunk);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!code) throw e; // not the file's fault: a bug in what made the chunks
    throw new UserError(
      `cannot write ${file}: ${code === "ENOSPC" ? "no space left on device (ENOSPC)" : code}`,
    );
  } finally {
    closeSync(fd);
  }
}
