import type { Q3Point, Q3Result } from "./result.js";

/**
 * What a complete answer to Q3 (how a decoder differs) says, and words that mention each point
 * in Portuguese or English. Finding them helps the grader read; it is not a grade.
 */
const POINTS: { id: string; label: string; pattern: RegExp }[] = [
  {
    id: "masked",
    label: "masked self-attention over the outputs so far",
    pattern:
      /mascarad\w*|m[aá]scara|masked|mask(ing)?\b|causal|look-?ahead|(posi[cç][oõ]es|tokens?|palavras?) futur\w*|future (tokens?|positions?|words?)|subsequent/i,
  },
  {
    id: "cross",
    label: "encoder-decoder attention: keys and values from the encoder",
    pattern:
      /encoder[- ]decoder attention|aten[cç][aã]o (encoder[- ]decoder|cruzada)|cross[- ]?attention|(keys?|chaves?|\bK\b)[^.]{0,60}(values?|valores|\bV\b)[^.]{0,80}(encoder|codificador)|(sa[ií]da|output) (do|of the) (encoder|codificador)/i,
  },
  {
    id: "third-norm",
    label: "a third add & norm",
    pattern:
      /(tr[eê]s|three|3|terceir[oa]|third)\s+(\w+\s+){0,3}(add|norm\w*|residua\w*|subcamadas?|sub-?layers?|camadas de normaliza)|add\s*&\s*norm[^.]{0,40}(tr[eê]s|three|third|terceir)/i,
  },
  {
    id: "linear-softmax",
    label: "a final linear layer and softmax over the vocabulary",
    pattern:
      /(linear)[^.]{0,80}softmax|softmax[^.]{0,80}(vocab\w*|vocabul[aá]rio)|(vocab\w*|vocabul[aá]rio)[^.]{0,80}softmax/i,
  },
  {
    id: "one-at-a-time",
    label: "generation one token at a time",
    pattern:
      /(um|uma|one) (token|palavra|word|posi[cç][aã]o|position) (por vez|de cada vez|at a time)|token (a|por) token|palavra (a|por) palavra|word by word|token by token|auto-?regressiv\w*|autorregressiv\w*|sequencialmente|step by step|passo a passo/i,
  },
];

export const Q3_NOTE = "a reading aid for the grader, not a grade";

export function readQ3(text: string | null): Q3Result {
  const points: Q3Point[] = POINTS.map(({ id, label, pattern }) => {
    const m = text?.match(pattern);
    return m ? { id, label, found: true, evidence: m[0] } : { id, label, found: false };
  });
  return { text, points, note: Q3_NOTE };
}
