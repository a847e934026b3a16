import { type Command, InvalidArgumentError } from "commander";
import { UserError } from "../errors.js";
import type { At } from "../model/trace/provenance.js";
import type { Step } from "../model/trace/steps.js";
import type { TraceTable } from "../model/trace/table.js";

export interface WhyOptions {
  /** NAME[i,j] or a full path: output[2,5], weights[1,2], layers[1].self.heads[0].weights[2,3] */
  why?: string;
  depth: number;
  layer?: number;
  head?: number;
}

const wholeNumber = (flag: string) => (v: string) => {
  if (!/^\s*\d+\s*$/.test(v)) throw new InvalidArgumentError(`${flag} takes a whole number`);
  return Number(v);
};

/** --why and --depth; --layer and --head, which --svg has too, come with the picture options. */
export function addWhyOptions(cmd: Command): Command {
  return cmd
    .option(
      "--why <entry>",
      "trace one number back to the numbers that made it: NAME[i,j] (output[2,5], weights[1,2]) or a path (layers[1].self.heads[0].weights[2,3])",
    )
    .option("--depth <n>", "how many steps back --why follows", wholeNumber("--depth"), 2);
}

/**
 * The entry --why names. NAME is a path of the trace (`layers[0].norm1`, `steps.weights`,
 * `inputs.x`) or its short name (`norm1`, `weights`, `cross.q`, `w2`, `x`), which means the
 * --layer and --head given (0 unless given). Indices count from 0, as numpy's do.
 */
export function whyEntry(table: TraceTable, text: string, o: WhyOptions): At {
  const m = /^\s*([A-Za-z_][\w.[\]]*?)\s*\[\s*(\d+)\s*(?:,|\]\s*\[)\s*(\d+)\s*\]\s*$/.exec(text);
  if (!m) {
    throw new UserError(
      `--why ${JSON.stringify(text)}: expected NAME[i,j] with i, j from 0, e.g. output[2,5] or weights[1,2]`,
    );
  }
  const [, name, i, j] = m;
  const step = findStep(table, name, o, text);
  const [rows, cols] = table.shape(step);
  const [r, c] = [Number(i), Number(j)];
  if (r >= rows || c >= cols) {
    throw new UserError(
      `--why ${text}: ${name} is ${rows}×${cols}, so i is 0…${rows - 1} and j is 0…${cols - 1}`,
    );
  }
  return { path: step.path, i: r, j: c };
}

/** `layers[0].self.heads[1].q` → `q`; `inputs.layers[0].w2` → `w2`; `layers[0].cross.heads[0].q` → `cross.q`. */
function shortName(path: string): string {
  return path
    .replace(/^(steps|inputs)\./, "")
    .replace(/(layers|heads)\[\d+\]\./g, "")
    .replace(/^self\./, "");
}

function findStep(table: TraceTable, name: string, o: WhyOptions, text: string): Step {
  const { layers, heads } = table.config;
  if (o.layer !== undefined && o.layer >= layers) {
    throw new UserError(`--layer ${o.layer}: the run has ${layers} layer(s), 0…${layers - 1}`);
  }
  if (o.head !== undefined && o.head >= heads) {
    throw new UserError(`--head ${o.head}: the run has ${heads} head(s), 0…${heads - 1}`);
  }
  const byPath = [name, `steps.${name}`, `inputs.${name}`].find((p) => table.has(p));
  const short = o.layer === undefined && o.head === undefined;
  if (byPath && (short || name.includes("["))) return table.step(byPath);
  const wanted = name.toLowerCase();
  const found = table.steps.find(
    (s) =>
      shortName(s.path).toLowerCase() === wanted &&
      (s.layer === undefined || s.layer === (o.layer ?? 0)) &&
      (s.head === undefined || s.head === (o.head ?? 0)) &&
      !(s.path === "output" && o.layer !== undefined),
  );
  if (found) return found;
  const names = [...new Set(table.steps.map((s) => shortName(s.path)))].join(", ");
  throw new UserError(
    `--why ${text}: ${table.config.computation} has no matrix ${name}; names: ${names} (or a path such as ${examplePath(table)})`,
  );
}

function examplePath(table: TraceTable): string {
  const s = table.steps.find((x) => x.name === "weights") as Step;
  return `${s.path.replace(/^steps\./, "")}[0,0]`;
}
