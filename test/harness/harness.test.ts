import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type {
  Message,
  Q1Case,
  Q2Case,
  RanMessage,
  Recorded,
  SubmissionKind,
} from "../../src/check/code/recorded.js";
import { UserError } from "../../src/errors.js";
import { type HarnessOptions, type HarnessRun, runHarness } from "../../src/harness/run.js";
import { ROOT, testEnv } from "../helpers.js";

// The harness on its own, with real Python: what it runs, what it records, what it survives.
// Grading (the numbers) is tested in test/check/code-*.test.ts.

const DIR = `${ROOT}fixtures/submissions/`;
const CASE = { seed: 1, seq: 4, emb: 8, dmodel: 3 };

function options(o: Partial<HarnessOptions> = {}): HarnessOptions {
  return {
    python: testEnv().python,
    timeout: 20,
    memoryMb: 2048,
    outputLimit: 4096,
    jobs: 2,
    q1: [CASE, { seed: 2, seq: 7, emb: 16, dmodel: 6 }],
    q2: [{ ...CASE, seed: 0 }],
    ...o,
  };
}

const kind = (f: string): SubmissionKind => (f.endsWith(".py") ? "script" : "notebook");

function message<T extends Message["type"]>(r: Recorded, type: T) {
  const last = r.messages.filter((m) => m.type === type).at(-1);
  return last as Extract<Message, { type: T }> | undefined;
}
const ran = (r: Recorded) => message(r, "ran") as RanMessage;
const errors = (r: Recorded) => ran(r).cells.filter((c) => c.error);
const q1Cases = (r: Recorded) => (message(r, "q1") as { cases: Q1Case[] }).cases;
const q2Cases = (r: Recorded) => (message(r, "q2") as { cases: Q2Case[] }).cases;

const FILES = [
  "correct-seed.ipynb",
  "correct-seed.py",
  "correct-magics.ipynb",
  "correct-nbformat3.ipynb",
  "correct-latin1.py",
  "correct-no-main-guard.py",
  "broken-syntax-error.ipynb",
  "broken-syntax-error.py",
  "broken-huge-allocation.ipynb",
  "broken-sys-exit.ipynb",
  "broken-os-exit.ipynb",
  "broken-kills-itself.ipynb",
  "broken-prints-50mb.ipynb",
  "broken-fakes-results.ipynb",
  "broken-empty.ipynb",
  "broken-missing-functions.ipynb",
  "broken-not-json.ipynb",
];
const SLOW = ["broken-infinite-loop.ipynb", "broken-stubborn-loop.ipynb"];

let batch: HarnessRun;
let slow: HarnessRun;
let slowSeconds: number;
const by = (run: HarnessRun, files: string[], f: string) => run.results[files.indexOf(f)];
const get = (f: string) => by(batch, FILES, f);

beforeAll(async () => {
  const seen: number[] = [];
  batch = await runHarness(
    FILES.map((f) => ({ path: DIR + f, kind: kind(f) })),
    options({ onResult: (r) => seen.push(r.id) }),
  );
  expect(seen.sort((a, b) => a - b)).toEqual(FILES.map((_, i) => i));
  const t0 = performance.now();
  slow = await runHarness(
    SLOW.map((f) => ({ path: DIR + f, kind: kind(f) })),
    options({ timeout: 2 }),
  );
  slowSeconds = (performance.now() - t0) / 1000;
}, 120_000);

describe("running notebooks and scripts", () => {
  it("runs the seed notebook filled in: every cell, Q1 both ways, Q2 with its calls recorded", () => {
    const r = get("correct-seed.ipynb");
    expect(r.ended).toEqual({ how: "exit", code: 0 });
    expect(errors(r)).toEqual([]);
    expect(ran(r).functions).toEqual({
      self_attention: true,
      encoder_layer: true,
      feed_forward: true,
      layer_norm: true,
    });
    expect(ran(r).sources.layer_norm).toContain(
      "np.sqrt(np.var(x, axis=-1, keepdims=True) + 1e-8)",
    );
    const [c] = q1Cases(r);
    expect(c.projections.value?.matrix).toMatchObject({ rows: 4, cols: 3 });
    expect(c.weights.value?.shape).toEqual([8, 3]); // query·keyᵀ of the weights: (8×3)·(3×8)
    const calls = q2Cases(r)[0].calls.map((k) => [k.fn, k.depth, k.shape ?? null]);
    expect(calls).toEqual([
      ["self_attention", 0, null],
      ["layer_norm", 0, null],
      ["feed_forward", 0, null],
      ["randn", 1, [8, 32]],
      ["randn", 1, [32, 8]],
      ["layer_norm", 0, null],
    ]);
    expect(q2Cases(r)[0].output?.shape).toEqual([4, 8]);
    expect(r.stdout).toBe("(4, 8)\n"); // the test cell's print, captured
  });

  it("draws the inputs as numpy does after np.random.seed", () => {
    const x = q2Cases(get("correct-seed.ipynb"))[0].inputs.x.matrix!;
    // np.random.seed(0); np.random.randn(4, 8)[0, :2]
    expect([x.data[0], x.data[1]]).toEqual([1.764052345967664, 0.4001572083672233]);
  });

  it("runs a script as a whole module, `if __name__ == '__main__'` included", () => {
    const r = get("correct-seed.py");
    expect(ran(r).cells).toEqual([{ cell: null, error: null }]);
    expect(r.stdout).toBe("(4, 8)\n");
    const noGuard = get("correct-no-main-guard.py");
    expect(errors(noGuard)[0].error).toMatchObject({ type: "SystemExit", code: 0 });
    expect(ran(noGuard).functions.encoder_layer).toBe(true);
  });

  it("skips IPython magics and shell lines, and says which", () => {
    const r = get("correct-magics.ipynb");
    expect(errors(r)).toEqual([]);
    expect(ran(r).skipped.map((s) => s.text)).toEqual([
      "%matplotlib inline",
      "!pip install numpy scipy",
      "files = !ls",
      "%load_ext autoreload",
      "%%time",
      "%%bash",
      "%timeit encoder_layer(input_data, Wq, Wk, Wv, Wo)",
      "np.matmul?",
    ]);
    expect(r.stdout).toContain("(4, 8)"); // the %%time cell's body ran
    expect(r.stdout).not.toContain("this is not Python");
  });

  it("reads nbformat 3 and text that is not UTF-8", () => {
    expect(errors(get("correct-nbformat3.ipynb"))).toEqual([]);
    expect(ran(get("correct-nbformat3.ipynb")).nbformat).toBe(3);
    expect(ran(get("correct-latin1.py")).encoding_note).toMatch(/not valid utf-8.*Windows-1252/);
    expect(ran(get("correct-latin1.py")).q3).toContain("máscara causal");
  });

  it("finds Question 3's answer below its prompt, without the prompt", () => {
    const q3 = ran(get("correct-seed.ipynb")).q3!;
    expect(q3).toMatch(/^O decoder teria três subcamadas/);
    expect(q3).not.toMatch(/Sua resposta|Para finalizar|Questão/);
    expect(ran(get("correct-seed.py")).q3).toMatch(/^O decoder teria/);
    expect(ran(get("broken-missing-functions.ipynb")).q3).toBe("");
    expect(ran(get("broken-empty.ipynb")).q3).toBeNull();
  });
});

describe("broken submissions", () => {
  it("reports a cell that raises (cell, exception, line) and runs the cells after it", () => {
    const r = get("broken-syntax-error.ipynb");
    expect(errors(r).map((c) => [c.cell, c.error?.type, c.error?.line])).toEqual([
      [5, "SyntaxError", 1],
      [6, "NameError", 11],
    ]);
    expect(ran(r).functions).toMatchObject({ self_attention: true, encoder_layer: false });
    expect(message(r, "q2")).toMatchObject({ missing: true });
    expect(q1Cases(r)).toHaveLength(2);
  });

  it("a script that does not compile is one error with its line", () => {
    const [c] = errors(get("broken-syntax-error.py"));
    expect(c.error).toMatchObject({ type: "SyntaxError", line: 14 });
  });

  it("caps memory: a 4 GB array is a MemoryError in its cell, the rest is graded", () => {
    const r = get("broken-huge-allocation.ipynb");
    expect(errors(r).map((c) => [c.cell, c.error?.type])).toEqual([[7, "MemoryError"]]);
    expect(q2Cases(r)[0].output?.shape).toEqual([4, 8]);
  });

  it("sys.exit and os._exit in a cell are reported, and grading goes on", () => {
    for (const f of ["broken-sys-exit.ipynb", "broken-os-exit.ipynb"]) {
      const r = get(f);
      expect(errors(r)[0].error?.type, f).toBe("SystemExit");
      expect(q2Cases(r)[0].output?.shape, f).toEqual([4, 8]);
    }
    expect(errors(get("broken-os-exit.ipynb"))[0].error?.message).toBe("os._exit(3) was called");
  });

  it("a process that kills itself is reported with the signal and the cell it was running", () => {
    const r = get("broken-kills-itself.ipynb");
    expect(r.ended).toEqual({ how: "signal", signal: "SIGKILL" });
    expect(message(r, "cell")).toEqual({ type: "cell", cell: 3 });
  });

  it("keeps only the first bytes of 50 MB of printing, and still grades", () => {
    const r = get("broken-prints-50mb.ipynb");
    expect(r.stdout_bytes).toBeGreaterThanOrEqual(50_000_000);
    expect(r.stdout.length).toBe(4096);
    expect(r.stdout_cut).toBe(true);
    expect(q2Cases(r)[0].output?.shape).toEqual([4, 8]);
  });

  it("what the student prints or writes to other descriptors is never taken for a result", () => {
    const r = get("broken-fakes-results.ipynb");
    expect(r.ended).toEqual({ how: "exit", code: 0 });
    expect(q1Cases(r)).toHaveLength(2);
    expect(r.stdout).toContain('"type": "end"');
  });

  it("empty, function-less and unreadable notebooks", () => {
    expect(ran(get("broken-empty.ipynb")).cells).toEqual([]);
    expect(message(get("broken-empty.ipynb"), "q1")).toMatchObject({ missing: true });
    expect(ran(get("broken-missing-functions.ipynb")).functions.self_attention).toBe(false);
    expect(message(get("broken-not-json.ipynb"), "fatal")?.error.message).toBe(
      "not a notebook: invalid JSON at line 2, column 1",
    );
  });
});

describe("time limits", () => {
  it("stops a cell stuck in a loop and still grades the functions", () => {
    const r = by(slow, SLOW, "broken-infinite-loop.ipynb");
    expect(errors(r).map((c) => [c.cell, c.error?.type])).toEqual([[7, "Timeout"]]);
    expect(q2Cases(r)[0].output?.shape).toEqual([4, 8]);
  });

  it("kills a submission that will not stop at --timeout, with everything it started", () => {
    const r = by(slow, SLOW, "broken-stubborn-loop.ipynb");
    expect(r.ended).toEqual({ how: "timeout" });
    expect(r.seconds).toBeGreaterThanOrEqual(2);
    expect(slowSeconds).toBeLessThan(15);
    const left = spawnSync("pgrep", ["-f", "987.654"], { encoding: "utf8" });
    expect(left.stdout.trim(), "the sleep it started is gone").toBe("");
  });
});

describe("finding Python", () => {
  let fakes: string;
  beforeAll(() => {
    // A Python whose numpy (or scipy) cannot be imported: a package of that name that fails.
    fakes = mkdtempSync(join(tmpdir(), "harness-python-"));
    for (const module of ["numpy", "scipy"]) {
      mkdirSync(join(fakes, module, module), { recursive: true });
      writeFileSync(
        join(fakes, module, module, "__init__.py"),
        `raise ImportError("no ${module}", name="${module}")\n`,
      );
      const wrapper = join(fakes, `python-without-${module}`);
      writeFileSync(
        wrapper,
        `#!/bin/sh\nPYTHONPATH=${join(fakes, module)} exec ${testEnv().python} "$@"\n`,
      );
      chmodSync(wrapper, 0o755);
    }
  });

  it("names the Python that is missing, and how to get one", async () => {
    const run = runHarness([], options({ python: "/nonexistent/python3" }));
    await expect(run).rejects.toThrow(UserError);
    await expect(run).rejects.toThrow(/no Python at "\/nonexistent\/python3": install Python 3/);
  });

  it("names the module that is missing", async () => {
    for (const module of ["numpy", "scipy"]) {
      const python = join(fakes, `python-without-${module}`);
      await expect(runHarness([], options({ python }))).rejects.toThrow(
        new RegExp(
          `has no ${module}, which code submissions need: install .*pip install numpy scipy`,
        ),
      );
    }
  });
});
