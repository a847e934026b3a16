import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { SubmissionKind } from "../check/code/recorded.js";
import { answerFilesIn } from "./answer-files.js";

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

/** Answer files a folder may hold beside notebooks and scripts. */
const ANSWER = /\.(json|npy|npz)$/i;

/** Every notebook and script under a folder, depth first, sorted by path; answer files too. */
function walk(dir: string, answers: string[] = []): CodeSubmission[] {
  const out: CodeSubmission[] = [];
  const names = readdirSync(dir)
    .filter((n) => !skipped(n))
    .sort();
  for (const name of names) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) out.push(...walk(path, answers));
    else {
      const kind = codeKind(name);
      if (kind && stat?.isFile()) out.push({ file: path, kind });
      else if (ANSWER.test(name) && stat?.isFile()) answers.push(path);
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Splits `check`'s arguments: notebooks and scripts, and answer files (.json, .npy, .npz, -), in
 * the order given; a folder gives every one of each inside it, sorted.
 */
export function splitSubmissions(args: string[]): { code: CodeSubmission[]; answers: string[] } {
  const code: CodeSubmission[] = [];
  const answers: string[] = [];
  for (const arg of args) {
    const stat = arg === "-" ? undefined : statSync(arg, { throwIfNoEntry: false });
    const kind = codeKind(arg);
    if (stat?.isDirectory()) {
      code.push(...walk(arg));
      answers.push(...answerFilesIn(arg));
    } else if (kind) code.push({ file: arg, kind });
    else answers.push(arg);
  }
  return { code, answers };
}
