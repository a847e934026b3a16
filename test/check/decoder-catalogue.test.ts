import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MISTAKES } from "../../src/check/mistakes.js";
import { cli, ROOT } from "../helpers.js";

/**
 * The decoder's catalogue and the feed-forward's biases: every answer made by numpy, written as a
 * student would (fixtures/make_decoder_mistakes.py), and `check` names exactly its mistake.
 */
const D = `${ROOT}fixtures/answers/decoder`;
const B = `${ROOT}fixtures/answers/biases`;

const DECODER_IDS = [
  "no-mask",
  "mask-reversed",
  "mask-after-softmax",
  "mask-ones-hidden",
  "mask-ones-visible",
  "cross-kv-from-decoder",
  "cross-q-from-memory",
  "no-add-norm3",
];

interface Row {
  file: string;
  pass: boolean;
  verdict: string;
  against: string;
  seed: number | null;
  diagnosis: { id: string; message: string; fix: string }[];
  compared: { name: string; pass: boolean }[];
  ambiguity?: string;
}

function check(args: string[]) {
  const r = cli(["check", "--json", ...args]);
  expect(r.stderr).toBe("");
  return { code: r.code, rows: (JSON.parse(r.stdout) as { results: Row[] }).results };
}

const ids = (rows: Row[]) => rows.map((r) => r.diagnosis.map((d) => d.id));

describe("decoder answers are diagnosed", () => {
  it.each([0, 1])(
    "bare outputs at seed %i (--against decode): each names exactly its id",
    (seed) => {
      const files = DECODER_IDS.map((id) => `${D}/seed${seed}/${id}.npy`);
      const { code, rows } = check(["--against", "decode", "--seed", String(seed), ...files]);
      expect(code).toBe(1);
      expect(rows.map((r) => r.verdict)).toEqual(DECODER_IDS.map(() => "wrong"));
      expect(ids(rows)).toEqual(DECODER_IDS.map((id) => [id]));
      for (const r of rows) expect(r.ambiguity).toBeUndefined();
    },
  );

  it.each([0, 1])(
    "attention's own mistakes in the decoder's attention function, seed %i",
    (seed) => {
      const named = ["no-scale", "softmax-all"];
      const files = named.map((id) => `${D}/seed${seed}/${id}.npy`);
      const { rows } = check(["--against", "decode", "--seed", String(seed), ...files]);
      expect(ids(rows)).toEqual(named.map((id) => [id]));
    },
  );

  it("npz answers holding the decoder's inputs (told decode by y, memory): each names its id", () => {
    const { code, rows } = check(DECODER_IDS.map((id) => `${D}/npz/${id}.npz`));
    expect(code).toBe(1);
    expect(rows.map((r) => r.against)).toEqual(DECODER_IDS.map(() => "decode"));
    // graded on their own inputs, with no seed, and their intermediates compared
    expect(rows.map((r) => r.seed)).toEqual(DECODER_IDS.map(() => null));
    expect(ids(rows)).toEqual(DECODER_IDS.map((id) => [id]));
    const noMask = rows[0].compared.map((c) => [c.name, c.pass]);
    expect(noMask).toContainEqual(["weights", false]);
  });

  it("a decoder without cross-attention (--no-cross): the mask and the last add & norm", () => {
    const named = ["no-mask", "mask-reversed", "no-add-norm3"];
    const files = named.map((id) => `${D}/no-cross/${id}.npy`);
    const { rows } = check(["--against", "decode", "--no-cross", "--seed", "2", ...files]);
    expect(ids(rows)).toEqual(named.map((id) => [id]));
  });

  it("a JSON answer with the decoder's inputs, its W1, W2 from the seed (feed_forward drew them)", () => {
    const files = ["correct", "mask-reversed"].map((s) => `${D}/json-seed6-${s}.json`);
    const { rows } = check(["--seed", "6", ...files]);
    expect(rows.map((r) => [r.against, r.verdict, r.seed])).toEqual([
      ["decode", "correct", 6],
      ["decode", "wrong", 6],
    ]);
    expect(ids(rows)).toEqual([[], ["mask-reversed"]]);
  });

  it("another size told by flags (seq 5 × emb 6 from the shape, --dmodel 2, a memory of --src 7)", () => {
    const named = [
      "correct",
      "no-mask",
      "mask-after-softmax",
      "cross-kv-from-decoder",
      "no-add-norm3",
    ];
    const files = named.map((id) => `${D}/seed5-5x6x2-src7/${id}.npy`);
    const flags = ["--against", "decode", "--seed", "5", "--src", "7", "--dmodel", "2"];
    const { rows } = check([...flags, ...files]);
    expect(rows.map((r) => r.verdict)).toEqual(["correct", "wrong", "wrong", "wrong", "wrong"]);
    // cross-q-from-memory cannot be computed with 7 memory rows for 5 decoder rows: not tried
    expect(ids(rows)).toEqual([[], ...named.slice(1).map((id) => [id])]);
  });

  it("a diagnosis its own intermediates contradict is not made (no-mask's output, masked weights)", () => {
    const { code, rows } = check([`${D}/contradicted.npz`]);
    expect(code).toBe(1);
    expect(rows[0].verdict).toBe("wrong");
    expect(rows[0].diagnosis).toEqual([]);
  });
});

describe("the correct decoder is correct, with no diagnosis", () => {
  it.each([
    ["seed 0", ["--against", "decode", "--seed", "0", `${D}/seed0/correct.npy`]],
    ["seed 1", ["--against", "decode", "--seed", "1", `${D}/seed1/correct.npy`]],
    ["npz", [`${D}/npz/correct.npz`]],
    ["no cross", ["--against", "decode", "--no-cross", "--seed", "2", `${D}/no-cross/correct.npy`]],
  ])("%s", (_, args) => {
    const { code, rows } = check(args);
    expect(code).toBe(0);
    expect(rows[0].verdict).toBe("correct");
    expect(rows[0].diagnosis).toEqual([]);
  });

  it("zeroing after the softmax and renormalising is the masked softmax: correct", () => {
    const { code, rows } = check([
      "--against",
      "decode",
      "--seed",
      "0",
      `${D}/seed0/mask-after-softmax-renormalised.npy`,
      `${D}/npz/mask-after-softmax-renormalised.npz`,
    ]);
    expect(code).toBe(0);
    expect(rows.map((r) => r.verdict)).toEqual(["correct", "correct"]);
  });
});

describe("biases added in feed_forward (W1, b1, W2, b2 drawn in turn)", () => {
  it.each([0, 1])("a bare output at seed %i is ffn-biases", (seed) => {
    const { code, rows } = check(["--seed", String(seed), `${B}/seed${seed}.npy`]);
    expect(code).toBe(1);
    expect(ids(rows)).toEqual([["ffn-biases"]]);
    expect(rows[0].diagnosis[0].fix).toContain("no b1, b2");
  });

  it.each([0, 1])("a decoder's feed_forward with biases at seed %i is ffn-biases", (seed) => {
    const file = `${D}/seed${seed}/ffn-biases.npy`;
    const { rows } = check(["--against", "decode", "--seed", String(seed), file]);
    expect(ids(rows)).toEqual([["ffn-biases"]]);
  });

  it("an npz with the cell's inputs (x … Wo), the biases from the seed's stream after them", () => {
    const { rows } = check(["--seed", "4", `${B}/cell-inputs.npz`]);
    expect(ids(rows)).toEqual([["ffn-biases"]]);
  });

  it("the right layer at that seed is not ffn-biases (its draws are only tried when wrong)", () => {
    const { code, rows } = check([
      "--seed",
      "0",
      `${ROOT}fixtures/answers/homework/seed0/correct.npy`,
    ]);
    expect(code).toBe(0);
    expect(rows[0].diagnosis).toEqual([]);
  });
});

describe("the catalogue", () => {
  it("has every new id once, each with a one-line message and fix", () => {
    const all = MISTAKES.map((m) => m.id);
    expect(new Set(all).size).toBe(all.length);
    for (const id of [...DECODER_IDS, "ffn-biases"]) expect(all).toContain(id);
    for (const m of MISTAKES) {
      expect(m.message).not.toMatch(/\n/);
      expect(m.fix).not.toMatch(/\n/);
      expect(m.fix.length).toBeGreaterThan(0);
    }
    const decoderOnly = MISTAKES.filter((m) => m.applies.join() === "decode").map((m) => m.id);
    expect(decoderOnly).toEqual(DECODER_IDS);
  });
});

describe("the README's catalogue tables", () => {
  it("have a row for every id, with its fix as the report gives it", () => {
    const readme = readFileSync(`${ROOT}README.md`, "utf8").split("\n");
    for (const m of MISTAKES) {
      const row = readme.find((l) => l.startsWith(`| \`${m.id}\` `));
      expect(row, m.id).toBeDefined();
      expect(row, m.id).toContain(`\`${m.fix}\``);
    }
  });
});
