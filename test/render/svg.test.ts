import { describe, expect, it } from "vitest";
import { fromRows } from "../../src/math/matrix.js";
import { heatMapSvg } from "../../src/render/svg.js";

describe("the SVG heat map", () => {
  it("draws a causal triangle: hidden cells hatched, the others coloured, every cell there", () => {
    const n = 12;
    const mask = fromRows(
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => (j > i ? -Infinity : 0)),
      ),
    );
    const w = fromRows(
      Array.from({ length: n }, (_, i) =>
        Array.from({ length: n }, (_, j) => (j > i ? 0 : 1 / (i + 1))),
      ),
    );
    const svg = heatMapSvg(w, {
      title: "weights",
      subtitle: "12×12",
      scale: "weights",
      mask,
      attention: true,
    });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/fill="url\(#hidden\)"><title>/g)?.length).toBe((n * (n - 1)) / 2);
    expect(svg.match(/<title>\[\d+,\d+\] [\d.e-]+<\/title>/g)?.length).toBe((n * (n + 1)) / 2);
    // a weight of 1 is the scale's darkest colour, 1/12 a light one
    expect(svg).toContain('fill="#0c2c84"><title>[0,0] 1</title>');
  });
});
