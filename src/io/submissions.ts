import type { SubmissionKind } from "../check/code/recorded.js";
import { isAnswerFile } from "./answer-files.js";
import { filesIn, isDirectory } from "./folder-walk.js";

export interface CodeSubmission {
  /** as the report names it: the path given, or found inside a folder given */
  file: string;
  kind: SubmissionKind;
}

const KIND: Record<string, SubmissionKind> = { ".ipynb": "notebook", ".py": "script" };

export function codeKind(path: string): SubmissionKind | undefined {
  return KIND[path.slice(path.lastIndexOf(".")).toLowerCase()];
}

/**
 * Splits `check`'s arguments: notebooks and scripts, and answer files (.json, .npy, .npz, -), in
 * the order given; a folder gives every one of each inside it, in the walk's order (folder-walk.ts).
 */
export function splitSubmissions(args: string[]): { code: CodeSubmission[]; answers: string[] } {
  const code: CodeSubmission[] = [];
  const answers: string[] = [];
  for (const arg of args) {
    const kind = codeKind(arg);
    if (arg !== "-" && isDirectory(arg)) {
      for (const file of filesIn(arg)) {
        const k = codeKind(file);
        if (k) code.push({ file, kind: k });
        else if (isAnswerFile(file)) answers.push(file);
      }
    } else if (kind) code.push({ file: arg, kind });
    else answers.push(arg);
  }
  return { code, answers };
}
