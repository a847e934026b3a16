import type { Matrix } from "../math/matrix.js";
import type { Normals } from "../model/compute.js";
import type { ModelConfig } from "../model/dims.js";
import type { Answer } from "./answer.js";
import { singlePrecision, type Tolerance } from "./compare.js";
import { type Grade, grade, gradeShape, missingInputs } from "./grade.js";
import type { NumpyGenerator } from "./seed-draws.js";
import { lacksMessage, noSeedMessage, searchedHint } from "./seed-hints.js";
import { type SeedFound, searchSeed, unsearchable } from "./seed-search.js";
import { fileSlip } from "./slips.js";

export interface SeedChoice {
  /** the seed for this answer: its own `seed` entry, its student's other file's, the --seeds file's row, or --seed */
  seed?: number | string;
  /** where it came from, for the report */
  from?: "the answer's seed entry" | `the seed entry of ${string}` | "the seeds file" | "--seed";
  /** its draws */
  normals: Normals;
}

export interface SearchTools {
  /** numpy's generator (only when the generator is numpy: the search replays it) */
  numpy?: NumpyGenerator;
}

/** An answer read but not graded: no seed was given and none reproduces it, or it lacks inputs. */
export interface Ungraded {
  error: string;
  /** why, in a few words, for the verdict column */
  reason: "no seed";
}

/**
 * Grades an answer at its seed; a bare output that no seed is given for, or that is wrong with
 * no known mistake at the seed given, is searched for (seed-search.ts) and, if found, graded at
 * the seed and draw order that reproduce it. A bare output whose shape no seed can make right (a
 * file slip, or not the layer's shape) is graded without one.
 */
export function gradeAnswer(
  answer: Answer,
  config: ModelConfig,
  choice: SeedChoice,
  tolerance: Tolerance,
  tools: SearchTools,
): Grade | Ungraded {
  const bare = isBare(answer);
  const given = typeof choice.seed === "number" ? choice.seed : undefined;
  const precision = answer.single ? singlePrecision(tolerance) : tolerance;
  // why an output is not searched, if it is not: the search replays numpy's generator
  // (--rng seedrandom has no notebook to match), for cells of a bounded size
  const skippedFor = (output: Matrix) =>
    tools.numpy
      ? unsearchable(config, output)
      : "the search replays numpy's generator, not --rng seedrandom";
  const search = (output: Matrix) =>
    bare && tools.numpy && !skippedFor(output)
      ? searchSeed(output, config, tools.numpy, precision, given)
      : undefined;
  const from = choice.from ? ` (from ${choice.from})` : "";
  if (choice.seed === undefined && bare) {
    const slip = fileSlip(answer, config);
    if (slip && !slip.output) return gradeShape(answer, config, tolerance, slip);
    const output = slip?.output ?? answer.computed.get("output")!;
    const layerShape = output.rows === config.seq && output.cols === config.emb;
    if (!layerShape && config.computation !== "attention") {
      return gradeShape(answer, config, tolerance);
    }
    const found = search(output);
    if (!found) {
      return { reason: "no seed", error: noSeedMessage(answer.file, output, skippedFor(output)) };
    }
    return gradeFound(answer, found, tolerance, "no seed given: ");
  }
  if (choice.seed === undefined && !fileSlip(answer, config)) {
    const missing = missingInputs(answer, config);
    if (missing.length > 0) {
      return {
        reason: "no seed",
        error: lacksMessage(answer.file, missing),
      };
    }
  }
  const g = grade(answer, config, {
    tolerance,
    seed: choice.seed,
    normals: choice.normals,
    seedNote: choice.seed === undefined ? undefined : `seed ${choice.seed}${from}`,
  });
  if (g.pass || g.diagnosis.length > 0 || g.slip || !bare) return g;
  const output = answer.computed.get("output")!;
  const found = search(output);
  if (found) return gradeFound(answer, found, tolerance, `wrong at seed ${choice.seed}${from}; `);
  const skipped = skippedFor(output);
  return {
    ...g,
    hints: [...g.hints, skipped ? `no other seed searched: ${skipped}` : searchedHint(output)],
  };
}

function gradeFound(answer: Answer, f: SeedFound, tolerance: Tolerance, lead: string): Grade {
  const what =
    f.order.id === "homework"
      ? `this output is the correct layer for np.random.seed(${f.seed})`
      : `correct for np.random.seed(${f.seed}), but ${f.order.note}`;
  const withInputs = { ...answer, inputs: f.inputs };
  const none: Normals = { fill: () => undefined };
  const g = grade(withInputs, f.config, { tolerance, normals: none });
  return { ...g, seed: f.seed, seedNote: lead + what, drawOrder: f.order.id };
}

function isBare(a: Answer): boolean {
  const noInputs =
    Object.keys(a.inputs.globals).length === 0 &&
    a.inputs.layers.every((l) => Object.keys(l).length === 0);
  return noInputs && a.computed.size === 1 && a.computed.has("output");
}
