import { GLOBAL_KEYS, LAYER_KEYS } from "../model/input-slots.js";
import { canonicalKey } from "./read-inputs.js";

/**
 * Names students give the homework's matrices, and the name they are read as. Only answers
 * (check) read these; a name here that means something else in some notebook is read as said
 * in the check report, never silently.
 */
const ANSWER_ALIASES: Record<string, string> = {
  attention: "weights",
  attn_weights: "weights",
  attention_weights: "weights",
  attn: "attn",
  scaled_scores: "scaled",
  scores_scaled: "scaled",
  raw_scores: "scores",
  out: "output",
  result: "output",
  encoder_output: "output",
  ff: "ffn",
  ff_result: "ffn",
  feed_forward: "ffn",
  add_norm1: "norm1",
  layer_norm1: "norm1",
  x_norm1: "norm1",
  add_norm2: "output",
};

/** How one key of an answer is read: as a known name (maybe through an alias), or not at all. */
export type KeyReading =
  | { kind: "known"; key: string; alias?: string }
  | { kind: "seed" }
  | { kind: "unknown" };

/**
 * The reading of one key of an answer, given the names a computation's answer may hold:
 * case-insensitive, `W_q` as `wq`, then the aliases above.
 */
export function readAnswerKey(raw: string, known: ReadonlySet<string>): KeyReading {
  const k = canonicalKey(raw);
  if (k === "seed") return { kind: "seed" };
  if (isKnown(k, known)) return { kind: "known", key: k };
  const compact = canonicalKey(raw.replace(/_/g, ""));
  if (isKnown(compact, known)) return { kind: "known", key: compact, alias: raw };
  const alias = ANSWER_ALIASES[k];
  if (alias && isKnown(alias, known)) return { kind: "known", key: alias, alias: raw };
  return { kind: "unknown" };
}

function isKnown(k: string, known: ReadonlySet<string>): boolean {
  return (
    known.has(k) ||
    k === "layers" ||
    (GLOBAL_KEYS as readonly string[]).includes(k) ||
    (LAYER_KEYS as readonly string[]).includes(k)
  );
}
