import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, fixture } from "../helpers.js";

/** numpy's account of encode --rng numpy --seed 0's output[2,5] (fixtures/make_why.py). */
interface TermFixture {
  k: number;
  a: number;
  b: number;
  product: number;
}
const numpy = fixture<{
  output: { value: number; x: number; mean: number; variance: number };
  residual2: { addends: [number, number] };
  ffn: { value: number; terms: TermFixture[] };
  hidden: { k: number; value: number; terms: TermFixture[] }[];
  norm1: { value: number; x: number; mean: number; variance: number };
  residual1: { addends: [number, number] };
}>("why/encode-s0-output-2-5.json");

const HOMEWORK = [
  "encode",
  "--rng",
  "numpy",
  "--seed",
  "0",
  "--why",
  "output[2,5]",
  "--depth",
  "3",
];

const close = (a: number, e: number) => Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e));

/** The numbers of a printed line, − read as a minus; `1e-8` (no decimal point) is not one. */
function numbers(line: string): number[] {
  return [...line.replaceAll("−", "-").matchAll(/-?\d+\.\d+(?:e-?\d+)?/g)].map((m) => Number(m[0]));
}

/** The lines of the entry that starts `name = …`, up to the next entry. */
function entryLines(text: string, name: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trimStart().startsWith(`${name} = `));
  expect(start, name).toBeGreaterThan(-1);
  const end = lines.findIndex((l, n) => n > start && /^\s*[\w.[\],]+\[\d+,\d+\] = /.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe("--why", () => {
  it("encode --rng numpy --seed 0 --why 'output[2,5]' --depth 3 reads as a hand calculation", () => {
    const r = cli(HOMEWORK);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("why output[2,5] · encode · rng numpy · seed 0");
    for (const expected of [
      "output[2,5] = (residual2[2,5] − mean) / √(var + 1e-8)",
      "            = (8.2565 − (−2.2685)) / √(195.3323 + 1e-8) = 0.7531",
      "  residual2[2,5] = norm1[2,5] + ffn[2,5]",
      "                 = −0.3432 + 8.5997 = 8.2565",
      "    ffn[2,5] = Σₖ hidden[2,k]·W2[k,5]   (32 terms, 18 of them 0; the 8 largest:)",
      "          hidden[2,15]·W2[15,5] = 6.4081 ·  1.3014 =  8.3396",
      "          the other 24                             =  0.3353",
      "      hidden[2,15] = relu(Σₖ norm1[2,k]·W1[k,15])   (8 terms:)",
      "    norm1[2,5] = (residual1[2,5] − mean) / √(var + 1e-8)",
      "      residual1[2,5] = X[2,5] + attn[2,5]",
    ]) {
      expect(lines).toContain(expected);
    }
    // depth 3: output ← residual2 ← ffn, norm1 ← the two largest terms' hidden, residual1
    const entries = lines.filter((l) => /^\s*[\w.[\]]+\[\d+,\d+\] = /.test(l)).map((l) => l.trim());
    expect(entries.map((l) => l.split(" = ")[0])).toEqual([
      "output[2,5]",
      "residual2[2,5]",
      "ffn[2,5]",
      "hidden[2,15]",
      "hidden[2,12]",
      "norm1[2,5]",
      "residual1[2,5]",
    ]);
  });

  it("the printed terms recompute each entry, and are numpy's (--precision 17)", () => {
    const r = cli([...HOMEWORK, "--precision", "17"]);
    expect(r.code).toBe(0);
    const [, norm] = entryLines(r.stdout, "output[2,5]");
    const [x, mean, variance, value] = numbers(norm);
    expect(
      [x, mean, variance].every((v, n) =>
        close(v, numpy.output[(["x", "mean", "variance"] as const)[n]]),
      ),
    ).toBe(true);
    expect(Math.abs((x - mean) / Math.sqrt(variance + 1e-8) - value)).toBeLessThanOrEqual(1e-12);
    expect(close(value, numpy.output.value)).toBe(true);

    const [, sum] = entryLines(r.stdout, "residual2[2,5]");
    const [a, b, total] = numbers(sum);
    expect(Math.abs(a + b - total)).toBeLessThanOrEqual(1e-12);
    expect(close(a, numpy.residual2.addends[0]) && close(b, numpy.residual2.addends[1])).toBe(true);

    const product = entryLines(r.stdout, "ffn[2,5]");
    const terms = product.filter((l) => l.includes("·") && !l.includes("Σ")).map(numbers);
    expect(terms).toHaveLength(8);
    const rest = numbers(product.find((l) => l.includes("the other 24")) as string)[0];
    const printed = numbers(product.at(-1) as string)[0];
    let recomputed = rest;
    for (const [p, q, pq] of terms) {
      expect(Math.abs(p * q - pq)).toBeLessThanOrEqual(1e-12);
      recomputed += pq;
    }
    expect(Math.abs(recomputed - printed)).toBeLessThanOrEqual(1e-12);
    // the same terms as numpy's, the largest first, and the rest summing to numpy's remainder
    const ours = terms.map(([p, q]) => [p, q]);
    const theirs = numpy.ffn.terms.slice(0, 8).map((t) => [t.a, t.b]);
    expect(ours.flat().every((v, n) => close(v, theirs.flat()[n]))).toBe(true);
    const numpyRest = numpy.ffn.terms.slice(8).reduce((s, t) => s + t.product, 0);
    expect(Math.abs(rest - numpyRest)).toBeLessThanOrEqual(1e-12);
    expect(close(printed, numpy.ffn.value)).toBe(true);
  });

  it("--json gives the same tree, every number numpy's", () => {
    const r = cli([...HOMEWORK, "--json"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ schema: 1, command: "encode", config: { rng: "numpy", seed: 0 } });
    const root = doc.why;
    expect(root).toMatchObject({ name: "output[2,5]", path: "layers[0].output", index: [2, 5] });
    expect(root.op).toBe("layer-norm");
    expect(close(root.value, numpy.output.value)).toBe(true);
    expect(close(root.why.mean, numpy.output.mean)).toBe(true);
    expect(close(root.why.variance, numpy.output.variance)).toBe(true);
    const [residual2] = root.from;
    expect(
      residual2.why.addends.every((v: number, n: number) => close(v, numpy.residual2.addends[n])),
    ).toBe(true);
    const [ffn, norm1] = residual2.from;
    expect([ffn.name, norm1.name]).toEqual(["ffn[2,5]", "norm1[2,5]"]);
    expect(ffn.why.terms.map((t: TermFixture) => t.k)).toEqual(
      numpy.ffn.terms.slice(0, 8).map((t) => t.k),
    );
    for (const t of ffn.why.terms as TermFixture[]) {
      const e = numpy.ffn.terms.find((x) => x.k === t.k) as TermFixture;
      expect(close(t.a, e.a) && close(t.b, e.b) && close(t.product, e.product), `k ${t.k}`).toBe(
        true,
      );
    }
    expect(ffn.from.map((h: { name: string }) => h.name)).toEqual(
      numpy.hidden.map((h) => `hidden[2,${h.k}]`),
    );
    for (const [n, h] of ffn.from.entries()) {
      const e = numpy.hidden[n];
      expect(close(h.value, e.value)).toBe(true);
      expect(h.why.relu).toEqual({ clipped: false });
      expect(h.why.terms.map((t: TermFixture) => t.k)).toEqual(e.terms.map((t) => t.k));
    }
    expect(close(norm1.value, numpy.norm1.value) && close(norm1.why.mean, numpy.norm1.mean)).toBe(
      true,
    );
    const [residual1] = norm1.from;
    expect(
      residual1.why.addends.every((v: number, n: number) => close(v, numpy.residual1.addends[n])),
    ).toBe(true);
    expect(residual1.from).toEqual([]);
  });

  it("says a masked weight is hidden because its key comes after the query", () => {
    const r = cli(["decode", "--rng", "numpy", "--seed", "0", "--why", "weights[1,2]"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "weights[1,2] = 0   key 2 comes after query 1: masked[1,2] is −∞ and exp(−∞) = 0",
    );
    const m = cli(["attention", "--causal", "--seed", "3", "--why", "masked[0,3]"]);
    expect(m.stdout).toContain(
      "masked[0,3] = −∞   key 3 comes after query 0: the causal mask hides it",
    );
  });

  it("takes paths, --layer and --head", () => {
    const args = ["encode", "--seed", "1", "--layers", "2", "--heads", "2", "--depth", "0"];
    const path = cli([...args, "--why", "layers[1].self.heads[1].weights[2,3]", "--json"]);
    const short = cli([...args, "--why", "weights[2,3]", "--layer", "1", "--head", "1", "--json"]);
    expect(path.code).toBe(0);
    expect(JSON.parse(path.stdout).why.path).toBe("layers[1].self.heads[1].weights");
    expect(JSON.parse(short.stdout).why).toEqual(JSON.parse(path.stdout).why);
    const cross = cli(["decode", "--seed", "1", "--why", "cross.weights[1,2]", "--depth", "0"]);
    expect(cross.stdout).toContain("cross.weights[1,2] = exp(cross.scaled[1,2] − max)");
  });

  it.each([
    [
      ["encode", "--why", "foo[1,2]"],
      /^transformer-lab: error: --why foo\[1,2\]: encode has no matrix foo; names: x, wq, .*, norm1, hidden, ffn, residual2, output/,
    ],
    [
      ["encode", "--why", "output[4,5]"],
      /^transformer-lab: error: --why output\[4,5\]: output is 4×8, so i is 0…3 and j is 0…7$/,
    ],
    [
      ["attention", "--why", "weights[0,9]", "--src", "5"],
      /: weights is 4×5, so i is 0…3 and j is 0…4$/,
    ],
    [["encode", "--why", "output"], /: expected NAME\[i,j\] with i, j from 0, e.g. output\[2,5\]/],
    [["encode", "--why", "output[-1,2]"], /: expected NAME\[i,j\]/],
    [
      ["encode", "--why", "norm1[0,0]", "--layer", "1"],
      /--layer 1: the run has 1 layer\(s\), 0…0$/,
    ],
    [
      ["decode", "--no-cross", "--why", "cross.q[0,0]"],
      /decode has no matrix cross.q; names: y, wq/,
    ],
  ])("%j is exit 2 with one line", (args, message) => {
    const r = cli([...args, "--seed", "0"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr.trimEnd()).toMatch(message);
  });
});

describe("check with --why", () => {
  it("shows how the reference makes the first wrong entry of the first divergence, beside the answer's", () => {
    const doc = JSON.parse(cli(["encode", "--rng", "numpy", "--seed", "0", "--json"]).stdout);
    const head = doc.layers[0].self.heads[0];
    const reference = head.scores[1][2];
    head.scores[1][2] += 1; // a slip in one score: scores is the first divergence, at [1, 2]
    const file = join(mkdtempSync(join(tmpdir(), "why-")), "answer.json");
    writeFileSync(file, JSON.stringify(doc));
    const r = cli(["check", file]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split("\n").map((l) => l.trim());
    expect(lines).toContain("first divergence: scores");
    expect(lines).toContain(
      `how the reference makes scores[1,2] (yours is ${Number((reference + 1).toPrecision(8))}):`,
    );
    const formula = lines.find((l) => l.startsWith("scores[1,2] = Σₖ q[1,k]·k[2,k]"));
    expect(formula).toContain("(3 terms:)");
    expect(lines).toContain(`= ${reference.toFixed(4).replace("-", "−")}`);
  });
});
