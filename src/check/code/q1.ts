import type { Matrix } from "../../math/matrix.js";
import { compare, type Tolerance } from "../compare.js";
import { caseName } from "./cases.js";
import { type CallOutcome, type Q1Case, shapeOf } from "./recorded.js";
import { attentionOutput, catalogue, type Replay, tryReplay } from "./reference.js";
import type { CaseResult, Diagnosis, Q1Result } from "./result.js";
import { describeError } from "./student-error.js";

type Reading = "projections" | "weights";

/** One call of self_attention against the reference. */
interface Checked extends CaseResult {
  actual?: Matrix;
  /** the output had the reference's shape */
  shaped: boolean;
}

interface Case {
  spec: Q1Case;
  q: Matrix;
  k: Matrix;
  v: Matrix;
  emb: number;
  expected: Matrix;
}

/**
 * Q1: self_attention(X, query, key, value) on every case, read both ways. The reading is the
 * one under which every case is right; failing that, the one whose outputs have the right shape
 * (projections when both do, as the homework's wording means).
 */
export function gradeQ1(cases: Q1Case[], tol: Tolerance): Q1Result {
  const prepared = cases.map(prepare);
  const byReading = {
    projections: prepared.map((c) => check(c, c.spec.projections, tol)),
    weights: prepared.map((c) => check(c, c.spec.weights, tol)),
  };
  const reading = chooseReading(byReading);
  if (!reading) {
    const first = cases[0]?.projections;
    return {
      pass: false,
      reading: null,
      cases: byReading.projections.map(strip),
      diagnosis: [],
      error: first?.error
        ? `self_attention raises ${describeError(first.error)}`
        : `self_attention returns ${first?.value ? shapeOf(first.value) : "nothing"} on the 4×8×3 case, expected (4, 3), whichever way query, key and value are read`,
      notes: [],
    };
  }
  const checked = byReading[reading];
  const pass = checked.every((c) => c.pass);
  const diagnosis = pass ? [] : diagnose(prepared, checked, tol);
  return {
    pass,
    reading,
    cases: checked.map(strip),
    diagnosis,
    error: null,
    notes: notes(checked, reading, diagnosis.length > 0),
  };
}

function prepare(spec: Q1Case): Case {
  const [q, k, v, x] = [spec.inputs.q, spec.inputs.k, spec.inputs.v, spec.inputs.x].map(
    (e) => e.matrix!,
  );
  return { spec, q, k, v, emb: x.cols, expected: attentionOutput(q, k, v, x.cols) };
}

function check(c: Case, outcome: CallOutcome, tol: Tolerance): Checked {
  const { seed, seq, emb, dmodel } = c.spec;
  const base = { seed, seq, emb, dmodel, pass: false, max_abs: null, shaped: false };
  if (outcome.error) return { ...base, error: describeError(outcome.error) };
  const actual = outcome.value?.matrix;
  if (!actual) return { ...base, error: `returned ${shapeOf(outcome.value ?? {})}` };
  const cmp = compare("output", actual, c.expected, tol);
  if (cmp.shape) {
    return {
      ...base,
      actual,
      error: `returned ${shapeOf(outcome.value!)}, expected (${seq}, ${dmodel})`,
    };
  }
  return { ...base, actual, shaped: true, pass: cmp.pass, max_abs: cmp.maxAbs };
}

function chooseReading(by: Record<Reading, Checked[]>): Reading | null {
  if (by.projections.every((c) => c.pass)) return "projections";
  if (by.weights.every((c) => c.pass)) return "weights";
  const shaped = (r: Reading) => by[r].filter((c) => c.shaped).length;
  if (shaped("projections") === 0 && shaped("weights") === 0) return null;
  return shaped("weights") > shaped("projections") ? "weights" : "projections";
}

const strip = ({ actual: _a, shaped: _s, ...r }: Checked): CaseResult => r;

/**
 * The catalogue's attention mistakes that reproduce what self_attention returned in every case
 * (a mistake may agree with the right answer in some: ÷d_k is ÷√d_k when d_k = 1).
 */
function diagnose(cases: Case[], checked: Checked[], tol: Tolerance): Diagnosis[] {
  const outputs = checked.map((c) => c.actual);
  if (!checked.some((c) => c.shaped && !c.pass)) return [];
  const reproduces = (m: Replay) =>
    cases.every((c, n) => {
      const actual = outputs[n];
      if (!actual || !checked[n].shaped) return true; // a call that raised is another matter
      const replay = tryReplay(() => attentionOutput(c.q, c.k, c.v, c.emb, m.variant));
      return replay !== undefined && compare("output", actual, replay, tol).pass;
    });
  const { single, pairs } = catalogue("attention");
  const found = single.filter(reproduces);
  return (found.length > 0 ? found : pairs.filter(reproduces)).map(({ id, message, fix }) => ({
    id,
    message,
    fix,
  }));
}

function notes(checked: Checked[], reading: Reading, diagnosed: boolean): string[] {
  const out: string[] = [];
  if (reading === "weights") {
    out.push(
      "self_attention takes the weights Wq, Wk, Wv and computes X·Wq, X·Wk, X·Wv itself; the homework passes the products (query = X·Wq) — both readings are accepted",
    );
  }
  const failing = checked.filter((c) => !c.pass);
  if (!diagnosed && failing.length > 0 && checked.some((c) => c.pass && c.seq > 1)) {
    const right = checked.filter((c) => c.pass).map(caseName);
    out.push(
      `right at ${right.join(", ")} but not at ${failing.map(caseName).join(", ")} (seq×emb×d_k): does the code fix a size, or read one from the wrong matrix?`,
    );
  }
  for (const c of checked) if (c.error) out.push(`${caseName(c)}: ${c.error}`);
  return out;
}
