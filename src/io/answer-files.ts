import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { UserError } from "../errors.js";

const ANSWER = /\.(json|npy|npz)$/i;

/** Entries a class folder holds that are nobody's answer: dotfiles, checkpoints, __pycache__. */
const skipped = (name: string) => name.startsWith(".") || name === "__pycache__";

/** Every answer file (.json, .npy, .npz) under a folder, depth first, sorted by path. */
export function answerFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !skipped(name))
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) return answerFilesIn(path);
      return stat?.isFile() && ANSWER.test(name) ? [path] : [];
    });
}

const ANSWER_EXT = new Set([".npy", ".npz", ".json"]);

/** One file to grade, and the student it belongs to (files of one student are one row). */
export interface AnswerFile {
  path: string;
  student: string;
}

/**
 * The answer files of the arguments: a file as it is (one that does not exist too: it is a row
 * of the report); a folder's answers (.npy, .npz, .json), each direct subfolder being one
 * student's with every answer under it at any depth, the files directly inside grouped by stem
 * (ana.npy and ana.npz are ana's).
 */
export function answerFiles(args: string[]): AnswerFile[] {
  return args.flatMap((arg) => {
    if (arg === "-" || !isDirectory(arg)) return [{ path: arg, student: studentOf(arg) }];
    return readdirSync(arg, { withFileTypes: true })
      .filter((e) => !skipped(e.name))
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => {
        const path = join(arg, e.name);
        if (e.isDirectory()) return answerFilesIn(path).map((f) => ({ path: f, student: path }));
        return ANSWER_EXT.has(extname(e.name).toLowerCase())
          ? [{ path, student: studentOf(path) }]
          : [];
      });
  });
}

export function studentOf(path: string): string {
  return join(dirname(path), basename(path, extname(path)));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

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
    seeds.set(file, Number(seed));
  }
  return seeds;
}

/** The seed a seeds file gives a file: by path, by name, or by stem. */
export function seedOf(seeds: Map<string, number>, file: string): number | undefined {
  const name = basename(file);
  return seeds.get(file) ?? seeds.get(name) ?? seeds.get(basename(file, extname(file)));
}
