import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { add, Matrix } from "../../src/math/matrix.js";
import { attention } from "../../src/model/attention.js";
import { causalMask } from "../../src/model/mask.js";

const finite = fc.double({ min: -50, max: 50, noNaN: true, noDefaultInfinity: true });
describe("causal attention", () => {
  it("gives exactly 0 weight above the diagonal, and rows that sum to 1", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 5 }),
        fc.infiniteStream(finite),
        (seq, dk, s) => {
          const it = s[Symbol.iterator]();
          const m = () =>
            new Matrix(
              seq,
              dk,
              Float64Array.from({ length: seq * dk }, () => it.next().value as number),
            );
          const t = attention(m(), m(), m(), { mask: causalMask(seq) });
          for (let i = 0; i < seq; i++) {
            for (let j = i + 1; j < seq; j++) {
              expect(t.weights.get(i, j)).toBe(0);
              expect(t.masked?.get(i, j)).toBe(Number.NEGATIVE_INFINITY);
            }
            expect(Math.abs(t.weights.row(i).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
          }
          // the first query sees only itself
          expect(t.weights.get(0, 0)).toBe(1);
        },
      ),
    );
  });

  it("masks nothing on or below the diagonal", () => {
    const mask = causalMask(3);
    expect(Array.from(add(mask, new Matrix(3, 3)).data)).toEqual([
      0,
      -Infinity,
      -Infinity,
      0,
      0,
      -Infinity,
      0,
      0,
      0,
    ]);
  });
});
