import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SubmissionKind } from "../check/code/recorded.js";

export interface CodeSubmission {
  /** as the report names it: the path given, or found inside a folder given */
  file: string;
  kind: SubmissionKind;
}

const KIND: Record<string, SubmissionKind> = { ".ipynb": "notebook", ".py": "script" };

export function codeKind(path: string): SubmissionKind | undefined {
  return KIND[path.slice(path.lastIndexOf(".")).toLowerCase()];
}

/** Entries a class folder holds that are nobody's submission: .ipynb_checkpoints, __pycache__, dotfiles. */
const skipped = (name: string) => name.startsWith(".") || name === "__pycache__";

/** Every notebook and script under a folder, depth first, sorted by path. */
function walk(dir: string): CodeSubmission[] {
  const out: CodeSubmission[] = [];
  const names = readdirSync(dir)
    .filter((n) => !skipped(n))
    .sort();
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) out.push(...walk(path));
    else {
      const kind = codeKind(name);
      if (kind && stat?.isFile()) out.push({ file: path, kind });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Splits `check`'s arguments: notebooks and scripts (a folder gives every one inside, sorted),
 * and today's answer files (.json, .npy, .npz, -), in the order given.
 */
export function splitSubmissions(args: string[]): { code: CodeSubmission[]; answers: string[] } {
  const code: CodeSubmission[] = [];
  const answers: string[] = [];
  for (const arg of args) {
    const stat = arg === "-" ? undefined : statSync(arg, { throwIfNoEntry: false });
    const kind = codeKind(arg);
    if (stat?.isDirectory()) code.push(...walk(arg));
    else if (kind) code.push({ file: arg, kind });
    else answers.push(arg);
  }
  return { code, answers };
}
