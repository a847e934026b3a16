import { isatty } from "node:tty";
import type { Progress, ProgressPoint } from "../model/progress.js";

/**
 * A progress line on stderr for a run that takes more than about a second (layer, head, step),
 * redrawn in place. Only when stderr is a terminal and the output is not JSON: pipes and
 * scripts never see it. TRANSFORMER_LAB_PROGRESS_DELAY (ms, default 1000) is for the tests.
 */
export function progressLine(
  { json, layers, heads }: { json: boolean; layers: number; heads: number },
  given?: NodeJS.WriteStream,
): { progress?: Progress; done(): void } {
  // process.stderr only when it is a terminal: making the stream loads a dozen built-in modules
  const stderr = json ? undefined : (given ?? (isatty(2) ? process.stderr : undefined));
  if (!stderr?.isTTY) return { done() {} };
  const delay = Number(process.env.TRANSFORMER_LAB_PROGRESS_DELAY ?? 1000);
  const start = Date.now();
  let shown = false;
  const progress = (at: ProgressPoint) => {
    if (Date.now() - start < delay) return;
    shown = true;
    stderr.write(`\r\x1b[K${progressText(at, layers, heads)}`);
  };
  return {
    progress,
    done() {
      if (shown) stderr.write("\r\x1b[K");
    },
  };
}

/** `layer 2 of 4 · self-attention head 3 of 8`, heads counted from 1 as people do. */
export function progressText(at: ProgressPoint, layers: number, heads: number): string {
  const layer = at.layer === undefined ? [] : [`layer ${at.layer + 1} of ${layers}`];
  const head = at.head === undefined ? "" : ` head ${at.head + 1} of ${heads}`;
  return [...layer, `${at.step}${head}`].join(" · ");
}
