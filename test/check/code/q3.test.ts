import { describe, expect, it } from "vitest";
import { readQ3 } from "../../../src/check/code/q3.js";

const found = (text: string) =>
  readQ3(text)
    .points.filter((p) => p.found)
    .map((p) => p.id);

describe("Q3's points, marked where the answer mentions them", () => {
  it("in Portuguese", () => {
    expect(
      found(
        "No decoder, a primeira subcamada é uma atenção com mascaramento, para não ver as palavras futuras. " +
          "Depois vem a atenção cruzada: as chaves e os valores vêm da saída do encoder. Há uma terceira " +
          "camada de add & norm. No fim, uma camada linear e softmax sobre o vocabulário; a saída é gerada " +
          "uma palavra por vez.",
      ),
    ).toEqual(["masked", "cross", "third-norm", "linear-softmax", "one-at-a-time"]);
  });

  it("in English", () => {
    expect(
      found(
        "The decoder adds masked self-attention, then cross-attention whose keys and values come from the " +
          "encoder output; three Add & Norm steps instead of two; a linear layer followed by a softmax over " +
          "the vocabulary; decoding is autoregressive.",
      ),
    ).toEqual(["masked", "cross", "third-norm", "linear-softmax", "one-at-a-time"]);
  });

  it("finds nothing in an answer that makes none of the points, and says it is not a grade", () => {
    const q3 = readQ3("O decoder é parecido com o encoder, mas é usado na saída.");
    expect(q3.points.filter((p) => p.found)).toEqual([]);
    expect(q3.note).toBe("a reading aid for the grader, not a grade");
    expect(readQ3(null)).toMatchObject({ text: null });
  });

  it("quotes the words that mention a point", () => {
    const masked = readQ3("Usa uma máscara causal.").points.find((p) => p.id === "masked");
    expect(masked).toMatchObject({ found: true, evidence: "máscara" });
  });
});
