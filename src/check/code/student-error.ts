import type { StudentError } from "./recorded.js";

/** `<cell 3>` → `cell 3`; `<script>` → `the script`. */
function place(file: string | undefined): string {
  const cell = file?.match(/^<cell (\d+)>$/);
  return cell ? `cell ${cell[1]}` : file === "<script>" ? "the script" : (file ?? "");
}

/**
 * An exception as a grader reads it: `ValueError: shapes (4,3) and (8,3) not aligned, at cell 2
 * line 4 (in self_attention): scores = matmul(query, key)`.
 */
export function describeError(e: StudentError): string {
  if (e.type === "Timeout") return `still running at its share of --timeout: stopped`;
  let text = e.message ? `${e.type}: ${e.message}` : e.type;
  if (e.type === "SystemExit") text = e.message;
  const where = e.inner ?? (e.file ? { file: e.file, line: e.line, text: e.text } : undefined);
  if (where?.file) {
    const fn = e.inner && e.inner.function !== "<module>" ? ` (in ${e.inner.function})` : "";
    text += `, at ${place(where.file)} line ${where.line}${fn}`;
    if (where.text) text += `: ${where.text}`;
  }
  return text;
}

/** Where a cell's error happened, for notes: `cell 6 raised NameError: … at line 11`. */
export function cellNote(cell: number | null, e: StudentError): string {
  if (e.type === "Timeout") {
    return `${cell === null ? "the script" : `cell ${cell}`} was still running at its share of --timeout: stopped, and the rest ran`;
  }
  const what = cell === null ? "the script" : `cell ${cell}`;
  return `${what} raised ${describeError(e)}`;
}
