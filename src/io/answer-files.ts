import { readFileSync } from "node:fs";
import { basename, dirname, extname, join, relative, sep } from "node:path";
import { UserError } from "../errors.js";
import { filesIn, isDirectory } from "./folder-walk.js";

/** Whether a file found in a folder is an answer file: .json, .npy or .npz. */
export const isAnswerFile = (path: string) => /\.(json|npy|npz)$/i.test(path);

/** Every answer file under a folder, in the walk's order (folder-walk.ts). */
function answerFilesIn(dir: string): string[] {
  return filesIn(dir).filter(isAnswerFile);
}

/** One file to grade, and the student it belongs to (files of one student are one row). */
export interface AnswerFile {
  /** the path to read, `-` for stdin */
  path: string;
  /** as the report names it: the path, or `<stdin>` (as every message names stdin) */
  name: string;
  student: string;
}

/** stdin, as a command line gives it and as the report names it. */
const STDIN = { arg: "-", name: "<stdin>" };

/**
 * The answer files of the arguments: a file as it is (one that does not exist too: it is a row
 * of the report), `-` for stdin (once: it can be read once); a folder's answers (.npy, .npz, .json), each direct subfolder being one
 * student's with every answer under it at any depth, the files directly inside grouped by stem
 * (ana.npy and ana.npz are ana's).
 */
export function answerFiles(args: string[]): AnswerFile[] {
  if (args.filter((a) => a === STDIN.arg).length > 1) {
    throw new UserError(`"-" (stdin) is given more than once: stdin can be read once`);
  }
  return args.flatMap((arg) => {
    if (arg === STDIN.arg) return [{ path: arg, name: STDIN.name, student: STDIN.name }];
    if (!isDirectory(arg)) return [{ path: arg, name: arg, student: studentOf(arg) }];
    return answerFilesIn(arg).map((path) => {
      const [first, ...below] = relative(arg, path).split(sep);
      return { path, name: path, student: below.length > 0 ? join(arg, first) : studentOf(path) };
    });
  });
}

export function studentOf(path: string): string {
  return join(dirname(path), basename(path, extname(path)));
}

/** np.random.seed's largest seed (MT19937 takes a 32-bit seed). */
const MAX_SEED = 2 ** 32 - 1;

/**
 * A seeds file: one `file,seed` per line (a header line and blank lines are skipped), the file
 * given as a path, a name or a stem. Returns the seed by each of those.
 */
export function readSeedsFile(path: string): Map<string, number> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UserError(`--seeds ${path}: cannot read it`);
  }
  const seeds = new Map<string, number>();
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    const [file, seed] = line.split(/[,;\t]/).map((s) => s.trim());
    if (!/^\d+$/.test(seed ?? "")) {
      if (i === 0) continue; // a header
      throw new UserError(`--seeds ${path}: line ${i + 1} is not "file,seed": ${line}`);
    }
    if (Number(seed) > MAX_SEED) {
      throw new UserError(
        `--seeds ${path}: line ${i + 1}: seed ${seed} is above numpy's largest, 2³²−1 = ${MAX_SEED}`,
      );
    }
    seeds.set(file, Number(seed));
  }
  return seeds;
}

/** The seed a seeds file gives a file: by path, by name, or by stem. */
export function seedOf(seeds: Map<string, number>, file: string): number | undefined {
  const name = basename(file);
  return seeds.get(file) ?? seeds.get(name) ?? seeds.get(basename(file, extname(file)));
}
