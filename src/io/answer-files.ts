import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

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
