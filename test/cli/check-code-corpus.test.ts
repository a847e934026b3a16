import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { CodeResult } from "../../src/check/code/result.js";
import { cli, ROOT, testEnv } from "../helpers.js";

// The corpus of fixtures/submissions/ (written by fixtures/make_submissions.py), graded as a
// teaching assistant would: the built CLI on the folder, one invocation, --json. What each
// submission must give is in expected.json, written by hand from each submission's code.

interface Expected {
  q1: boolean | null;
  q2: boolean | null;
  reading: "projections" | "weights" | null;
  diagnosis: string | null;
  first_wrong: [string, string] | null;
  reason: string | null;
  q3: string[] | null;
  slow: boolean;
}

const DIR = `${ROOT}fixtures/submissions/`;
const EXPECTED = JSON.parse(readFileSync(`${DIR}expected.json`, "utf8")) as Record<
  string,
  Expected
>;
const FAST = Object.keys(EXPECTED).filter((f) => !EXPECTED[f].slow);
const SLOW = Object.keys(EXPECTED).filter((f) => EXPECTED[f].slow);

const results = new Map<string, CodeResult>();
let fast: ReturnType<typeof cli>;

beforeAll(() => {
  const python = ["--python", testEnv().python];
  fast = cli(["check", "--json", ...python, ...FAST.map((f) => DIR + f)]);
  const slow = cli(["check", "--json", "--timeout", "3", ...python, ...SLOW.map((f) => DIR + f)]);
  for (const run of [fast, slow]) {
    const doc = JSON.parse(run.stdout) as { results: CodeResult[] };
    for (const r of doc.results) results.set(r.file.slice(DIR.length), r);
  }
}, 180_000);

/** Everything the report says about a submission, as one text to search for a reason. */
function said(r: CodeResult): string {
  const { q1, q2 } = r.questions;
  return [r.error, q1.error, q2.error, ...r.notes, ...q1.notes, ...q2.notes]
    .filter(Boolean)
    .join("\n");
}

function verdict(q: { pass: boolean; error: string | null }): boolean | null {
  return q.pass ? true : q.error ? null : false;
}

describe("grading the corpus of submissions", () => {
  it("gives every submission a result, and exits 1 (some are wrong)", () => {
    expect([...results.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(fast.code).toBe(1);
  });

  for (const [file, e] of Object.entries(EXPECTED)) {
    it(file, () => {
      const r = results.get(file)!;
      const { q1, q2, q3 } = r.questions;
      expect({ q1: verdict(q1), q2: verdict(q2) }, said(r)).toEqual({ q1: e.q1, q2: e.q2 });
      expect(r.pass).toBe(e.q1 === true && e.q2 === true);
      if (e.reading) expect(q1.reading).toBe(e.reading);
      // a catalogued mistake is named where there is one, and only there
      const ids = [...q1.diagnosis, ...q2.diagnosis].map((d) => d.id);
      if (e.diagnosis) {
        expect(q2.diagnosis.map((d) => d.id)).toEqual([e.diagnosis]);
        if (e.q1 === false) expect(q1.diagnosis.map((d) => d.id)).toEqual([e.diagnosis]);
      } else expect(ids).toEqual([]);
      if (e.first_wrong) {
        expect([q2.first_wrong?.step, q2.first_wrong?.what]).toEqual(e.first_wrong);
      }
      if (e.reason) expect(said(r)).toContain(e.reason);
      if (e.q3) expect(q3.points.filter((p) => p.found).map((p) => p.id)).toEqual(e.q3);
    });
  }
});
