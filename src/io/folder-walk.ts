import { readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";

/** Entries a class folder holds that are nobody's work: dotfiles, checkpoints, __pycache__. */
const skipped = (name: string) => name.startsWith(".") || name === "__pycache__";

/** Names in code-unit order: the same order on every machine, whatever its locale. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Every file under a folder, depth first, each folder's names in code-unit order. Symbolic links
 * are followed (a TA may link submissions in), but each real folder is walked once: a link back
 * up the tree, or a second link to a folder already walked, adds nothing. An entry that cannot
 * be examined (a dangling or looping link) is listed as a file: reading it says what is wrong.
 */
export function filesIn(dir: string, walked = new Set<string>()): string[] {
  const real = realpathSync(dir);
  if (walked.has(real)) return [];
  walked.add(real);
  return readdirSync(dir)
    .filter((name) => !skipped(name))
    .sort(byName)
    .flatMap((name) => {
      const path = join(dir, name);
      return isDirectory(path) ? filesIn(path, walked) : [path];
    });
}

/** Whether a path is a folder, following links; false when it cannot be examined. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
