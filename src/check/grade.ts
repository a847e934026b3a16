import type { Answer } from "../io/answer.js";
import { type DimFlags, resolveDims } from "../io/dims.js";
import { UserError } from "../io/errors.js";
import { traceLeaves } from "../io/trace-paths.js";
import { Matrix } from "../math/matrix.js";
import { type Dims, PAPER, type Variant } from "../model/config.js";
import { drawOrder, getSlot, type Inputs, slotName } from "../model/inputs.js";
import { run } from "../model/run.js";
import { runDocument } from "../render/document.js";
import { completeInputs } from "../rng/draw.js";
import { makeNormals, type RngName } from "../rng/normals.js";
import { type Comparison, compare, type Tolerance } from "./compare.js";
import { MISTAKES } from "./mistakes.js";

export interface GradeOptions {
  tolerance: Tolerance;
  /** dimension flags the user gave */
  flags: DimFlags;
  /** --rng (absent: the one a --json answer states, else numpy, or seedrandom for a text seed) */
  rng?: RngName;
  /** the notebook's seed, for inputs the answer does not hold */
  seed?: number | string;
  /** decode: --no-cross; attention: --causal (when the answer does not state them) */
  cross?: boolean;
  causal?: boolean;
}

export interface Diagnosis {
  id: string;
  message: string;
  fix: string;
}

export interface Grade {
  file: string;
  command: Answer["command"];
  dims: Dims;
  pass: boolean;
  /** every matrix the answer holds, in the order the layer computes them */
  compared: Comparison[];
  /** the first matrix out of tolerance, in that order */
  firstDivergence?: string;
  /** the known mistakes that reproduce the answer's output */
  diagnosis: Diagnosis[];
}

/**
 * Recomputes what the answer should be, from its own inputs and the rest from the seed, then
 * compares every matrix it holds; when the output is wrong, replays each known mistake.
 */
export async function grade(answer: Answer, options: GradeOptions): Promise<Grade> {
  const { file, command } = answer;
  const o = { ...options, ...generatorOf(answer, options) };
  const output = answer.computed.get("output");
  if (!output) throw new UserError(`${file}: has no output to check (name it "output")`);
  const cross = command === "decode" && (answer.stated.cross ?? o.cross) !== false;
  const causal = command === "attention" && (answer.stated.causal ?? o.causal) === true;

  const flags: DimFlags = { ...answer.stated, ...o.flags };
  if (!hasInputs(answer.inputs)) {
    // A bare output: its shape tells seq and emb (dmodel for attention) unless flags do.
    flags.seq ??= output.rows;
    if (command === "attention") flags.dmodel ??= output.cols;
    else flags.emb ??= output.cols;
  }
  const dims = resolveDims(command, answer.inputs, file, flags, cross);
  const inputs = await completeAnswerInputs(answer, dims, cross, o);

  const reference = run(command, inputs, dims, { keep: true, cross, causal });
  const config = { command, ...dims, rng: o.rng, seed: o.seed ?? "", cross, causal };
  const expected = tracePaths(runDocument(config, inputs, reference, false));
  for (const path of answer.computed.keys()) {
    if (!expected.has(path)) {
      throw new UserError(
        `${file}: ${displayName(path, dims)} is not computed by ${command}${command === "encode" && path.includes("masked") ? " (the encoder has no mask)" : ""}`,
      );
    }
  }
  const compared: Comparison[] = [];
  for (const [path, m] of expected) {
    const actual = answer.computed.get(path);
    if (actual) compared.push(compare(displayName(path, dims), actual, m, o.tolerance));
  }
  const pass = compared.every((c) => c.pass);
  const outputOk = compared.at(-1)?.pass === true;
  const diagnosis = outputOk
    ? []
    : diagnose(command, inputs, dims, output, o.tolerance, { cross, causal });
  return {
    file,
    command,
    dims,
    pass,
    compared,
    firstDivergence: compared.find((c) => !c.pass)?.name,
    diagnosis,
  };
}

/** --seed and --rng, else what a `--json` answer's config states; the two disagreeing is an error. */
function generatorOf(answer: Answer, o: GradeOptions): { seed?: number | string; rng: RngName } {
  const stated = answer.stated;
  for (const k of ["seed", "rng"] as const) {
    if (o[k] !== undefined && stated[k] !== undefined && String(o[k]) !== String(stated[k])) {
      throw new UserError(
        `--${k} ${o[k]} disagrees with ${answer.file}, whose config has ${k} ${stated[k]}`,
      );
    }
  }
  const seed = o.seed ?? stated.seed;
  return { seed, rng: o.rng ?? stated.rng ?? (typeof seed === "string" ? "seedrandom" : "numpy") };
}

function hasInputs(i: Inputs): boolean {
  return Object.keys(i.globals).length > 0 || i.layers.some((l) => Object.keys(l).length > 0);
}

async function completeAnswerInputs(
  answer: Answer,
  dims: Dims,
  cross: boolean,
  o: GradeOptions & { rng: RngName },
): Promise<Inputs> {
  if (o.seed === undefined) {
    const missing = drawOrder(answer.command, dims.layers, cross)
      .filter((s) => !getSlot(answer.inputs, s))
      .map((s) => slotName(s, dims.layers));
    if (missing.length > 0) {
      throw new UserError(
        `${answer.file}: lacks ${missing.join(", ")}; put them in the file, or give the notebook's seed (--seed S) to draw them`,
      );
    }
  }
  const normals = await makeNormals(o.rng, o.seed ?? 0);
  return completeInputs(answer.command, dims, cross, answer.inputs, normals, true);
}

/** Every matrix of a trace document by path, in the order computed (the document's order). */
function tracePaths(doc: Record<string, unknown>): Map<string, Matrix> {
  return traceLeaves(doc, (v) => (v instanceof Matrix ? v : undefined));
}

/** A trace path as a student would name it: `scores` for the homework's one layer and head. */
export function displayName(path: string, d: Dims): string {
  let name = path.replace(/^steps\./, "");
  if (d.layers === 1) name = name.replace(/^layers\[0\]\./, "");
  if (d.heads === 1) name = name.replace(/heads\[0\]\./, "");
  return name.replace(/(^|\.)self\./, "$1");
}

/**
 * The known mistakes that reproduce the answer's output: each one alone, and — when none does —
 * each pair that rewires different things (a student who forgot √d_k may also have kept scipy's
 * default softmax axis).
 */
function diagnose(
  command: Answer["command"],
  inputs: Inputs,
  dims: Dims,
  output: Matrix,
  tolerance: Tolerance,
  flags: { cross: boolean; causal: boolean },
): Diagnosis[] {
  const candidates = MISTAKES.filter((m) => m.applies.includes(command));
  const reproduces = (variant: Partial<Variant>): boolean => {
    try {
      const replay = run(command, inputs, dims, {
        keep: false,
        ...flags,
        variant: { ...PAPER, ...variant },
      });
      return compare("output", output, replay.output, tolerance).pass;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e; // a mistake that cannot run on these shapes explains nothing
      return false;
    }
  };
  const single = candidates
    .filter((m) => reproduces(m.variant))
    .map(({ id, message, fix }) => ({ id, message, fix }));
  if (single.length > 0) return single;
  const pairs: Diagnosis[] = [];
  for (const [i, a] of candidates.entries()) {
    for (const b of candidates.slice(i + 1)) {
      const overlap = Object.keys(a.variant).some((k) => k in b.variant);
      if (!overlap && reproduces({ ...a.variant, ...b.variant })) {
        pairs.push({
          id: `${a.id}+${b.id}`,
          message: `${a.message}; and ${b.message}`,
          fix: `${a.fix}; and ${b.fix}`,
        });
      }
    }
  }
  return pairs;
}
