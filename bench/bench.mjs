// npm run bench: transformer-lab against `node -e 0` and numpy, side by side in one run, as
// ratios of medians (interleaved runs, so a noisy machine slows both sides alike). Never a test.
//   BENCH_RUNS=N   runs per whole-process measurement (default 15)
//   PYTHON=path    a Python with numpy and scipy (default: python3 on PATH); without one, the
//                  numpy columns are left out
// numpy runs as a competent user would run it: its JSON written with json.dumps (the C encoder),
// and OpenBLAS left to choose its own kernel for this CPU (OPENBLAS_CORETYPE and
// OPENBLAS_L2_SIZE, which may be set on this machine to slow it down, are removed from numpy's
// environment only).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/transformer-lab.js`;
const rss = `${root}bench/rss.mjs`;
const python = process.env.PYTHON ?? "python3";
const homework = `${root}../shared/reference/homework.py`;
const numpyLayer = `${root}bench/numpy_layer.py`;
const runs = Number(process.env.BENCH_RUNS ?? 15);
const numpyEnv = { ...process.env };
delete numpyEnv.OPENBLAS_CORETYPE;
delete numpyEnv.OPENBLAS_L2_SIZE;
const hasNumpy = spawnSync(python, ["-c", "import numpy, scipy"], { env: numpyEnv }).status === 0;
const lib = await import(`${root}dist/lib.js`);

/** One whole process: wall time, peak memory and phases (when it reports them), stdout. */
function once({ cmd, args, env }) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30, env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  const kb = /maxrss_kb (\d+)/.exec(r.stderr)?.[1];
  const phases = Object.fromEntries(
    [...(/phases_ms (.*)/.exec(r.stderr)?.[1] ?? "").matchAll(/(\w+)=([\d.]+)/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]),
  );
  return { ms, mb: kb ? Number(kb) / 1024 : Number.NaN, phases, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Medians of several commands, run in turn `n` times so that they share the machine's moods. */
function sideBySide(cases, n) {
  const samples = cases.map(() => []);
  for (let r = 0; r < n; r++) for (const [i, c] of cases.entries()) samples[i].push(once(c));
  return samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    mb: median(s.map((x) => x.mb)),
    phases: Object.fromEntries(
      Object.keys(s[0].phases).map((k) => [k, median(s.map((x) => x.phases[k]))]),
    ),
    stdout: s[0].stdout,
  }));
}

/** The median of `n` timings of f() in this process, in ms. */
function timed(f, n = 5) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    f();
    times.push(performance.now() - t);
  }
  return median(times);
}

const tl = (...args) => ({ cmd: process.execPath, args: ["--import", rss, bin, ...args] });
/** The command alone, as a user runs it (no preloaded memory probe), to set beside `node -e 0`. */
const bare = (...args) => ({ cmd: process.execPath, args: [bin, ...args] });
const py = (script, ...args) => ({ cmd: python, args: [script, ...args], env: numpyEnv });
const check = (ok) => (ok ? "✓" : "✗ MISSED");
const verdict = (ratio, target) =>
  `${ratio.toFixed(2)}×  (target ≤ ${target}×) ${check(ratio <= target)}`;
const line = (label, value, extra = "") => console.log(`   ${label.padEnd(52)} ${value}${extra}`);
const phaseText = (p) =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(", ");

/** Which OpenBLAS kernel numpy's side loads (OPENBLAS_VERBOSE=2 makes OpenBLAS say). */
function openblasCore() {
  const r = spawnSync(python, ["-c", "import numpy"], {
    encoding: "utf8",
    env: { ...numpyEnv, OPENBLAS_VERBOSE: "2" },
  });
  return /Core: (\S+)/.exec(`${r.stdout}${r.stderr}`)?.[1] ?? "unknown";
}

console.log(
  `transformer-lab benchmark · node ${process.version} · ${runs} runs per measurement · numpy ${
    hasNumpy ? `present (OpenBLAS kernel: ${openblasCore()})` : "absent"
  }\n`,
);

// 1. The homework's cell as a whole process.
{
  const cases = [
    { cmd: process.execPath, args: ["-e", "0"] },
    bare("encode", "--rng", "numpy", "--seed", "0", "--json", "--quiet"),
  ];
  if (hasNumpy && existsSync(homework)) cases.push(py(homework, "0"));
  const [node, cell, numpy] = sideBySide(cases, runs);
  console.log("1. Homework cell, whole process (median ms)");
  line("node -e 0", node.ms.toFixed(1));
  line(
    "encode --rng numpy --seed 0 --json --quiet",
    cell.ms.toFixed(1),
    `   vs node -e 0: ${verdict(cell.ms / node.ms, 1.4)}`,
  );
  if (numpy)
    line(
      "numpy + scipy: homework.py 0",
      numpy.ms.toFixed(1),
      `   encode / numpy: ${verdict(cell.ms / numpy.ms, 0.65)}`,
    );
  console.log();
}

// 2. One BERT-base layer: seq 128, emb 768, 12 heads of 64, ffn 3072.
const bert = { seq: 128, emb: 768, dmodel: 64, heads: 12, layers: 1, ffn: 3072, src: 128 };
const bertCount = 128 * 768 + 4 * 768 * 768 + 2 * 768 * 3072;
{
  const flags = ["--seq", "128", "--emb", "768", "--dmodel", "64", "--heads", "12"];
  const cases = [
    tl("encode", "--rng", "numpy", "--seed", "0", "--quiet", "--json", ...flags),
    tl("--version"),
  ];
  if (hasNumpy) cases.push(py(numpyLayer, "--seed", "0", "--print", ...flags));
  const [ours, version, numpy] = sideBySide(cases, Math.max(5, Math.ceil(runs / 3)));
  console.log(
    "2. BERT-base encoder layer (seq 128, emb 768, 12 heads × 64, ffn 3072), draws and JSON included",
  );
  line("transformer-lab, whole process", `${ours.ms.toFixed(0)} ms, ${ours.mb.toFixed(0)} MB`);
  if (numpy) {
    line(
      "numpy, whole process (json.dumps)",
      `${numpy.ms.toFixed(0)} ms, ${numpy.mb.toFixed(0)} MB`,
      `   ratio: ${verdict(ours.ms / numpy.ms, 0.8)}`,
    );
    const a = JSON.parse(ours.stdout).output.flat();
    const b = JSON.parse(numpy.stdout).output.flat();
    const diff = a.reduce((d, x, i) => Math.max(d, Math.abs(x - b[i])), 0);
    line("outputs agree to", diff.toExponential(2), `  (target ≤ 1e-10) ${check(diff <= 1e-10)}`);
  }
  // Our phases, in process (start-up: the whole process of `--version`).
  const normals = () => lib.numpyNormals(0);
  let inputs;
  const drawMs = timed(() => {
    inputs = lib.completeInputs("encode", bert, false, { globals: {}, layers: [] }, normals());
  }, 3);
  const layer = () => lib.run("encode", inputs, bert, { keep: false });
  lib.setParallelMatmul(undefined);
  const oneThread = timed(layer);
  lib.enableParallelMatmul(new URL("../dist/matmul-worker.js", import.meta.url));
  const twoThreads = timed(layer);
  const output = layer().output;
  const jsonMs = timed(() => lib.jsonText({ output }));
  const ourPhases = { "start-up": version.ms, draws: drawMs, compute: twoThreads, json: jsonMs };
  line("phases, transformer-lab (ms)", phaseText(ourPhases));
  if (numpy) line("phases, numpy (ms)", phaseText(numpy.phases));
  const { seq: n, emb: e, ffn: f } = bert;
  const hd = bert.heads * bert.dmodel;
  const flops = 2 * n * e * hd * 4 + 2 * n * n * hd * 2 + 2 * n * e * f * 2;
  const rate = (ms) => `${ms.toFixed(1)} ms = ${(flops / ms / 1e6).toFixed(2)} GFLOP/s`;
  line(`compute of one layer (${(flops / 1e9).toFixed(2)} GFLOP), one thread`, rate(oneThread));
  line("the same on two threads", rate(twoThreads));
  const ns = (ms) => `${((ms * 1e6) / bertCount).toFixed(1)} ns per normal`;
  line(
    `drawing ${(bertCount / 1e6).toFixed(2)} M numpy normals`,
    `${drawMs.toFixed(1)} ms = ${ns(drawMs)}`,
  );
  // The same draws into the matrices just drawn: memory already touched. On this machine a page
  // of fresh memory costs ~15 µs to touch the first time (a virtual machine's page faults):
  // numpy's arrays come with transparent huge pages (it asks the kernel for them), V8's don't.
  const matrices = [inputs.globals, ...inputs.layers].flatMap((o) => Object.values(o));
  const redrawMs = timed(() => {
    const g = normals();
    for (const m of matrices) g.fill(m.data);
  }, 3);
  line("the same draws into memory already touched", `${redrawMs.toFixed(1)} ms = ${ns(redrawMs)}`);
  if (numpy)
    line(
      "numpy's randn, the same draws",
      `${numpy.phases.draws.toFixed(1)} ms = ${ns(numpy.phases.draws)}`,
    );
  console.log();
}

// 3. The kernel alone, at BERT-base's products.
{
  const shapes = [
    [128, 768, 768], //   x·Wq (×3), concat·Wo
    [128, 768, 3072], //  norm1·W1
    [128, 3072, 768], //  hidden·W2
  ];
  const operands = shapes.map(([n, k, m], i) => {
    const a = new lib.Matrix(n, k);
    const b = new lib.Matrix(k, m);
    lib.numpyNormals(2 * i).fill(a.data);
    lib.numpyNormals(2 * i + 1).fill(b.data);
    return { a, b, flops: 2 * n * k * m };
  });
  const flops = operands.reduce((s, o) => s + o.flops, 0);
  const all = () => {
    for (const { a, b } of operands) lib.matmul(a, b);
  };
  lib.setParallelMatmul(undefined);
  all();
  const one = timed(all, 7);
  lib.enableParallelMatmul(new URL("../dist/matmul-worker.js", import.meta.url));
  all();
  const two = timed(all, 7);
  const gflops = (ms) => flops / ms / 1e6;
  // One thread on CPU time too: what a core does while it runs, however busy the machine is.
  lib.setParallelMatmul(undefined);
  const cpu = process.cpuUsage();
  for (let i = 0; i < 5; i++) all();
  const used = process.cpuUsage(cpu);
  const perCpu = (5 * flops) / (used.user + used.system) / 1e3;
  console.log(
    "3. The matmul kernel alone: (128,768)·(768,768), (128,768)·(768,3072), (128,3072)·(3072,768)",
  );
  line(
    "one thread",
    `${gflops(one).toFixed(1)} GFLOP/s`,
    `  (target ≥ 15) ${check(gflops(one) >= 15)}`,
  );
  line("one thread, per second of CPU time", `${perCpu.toFixed(1)} GFLOP/s`);
  line(
    "two threads",
    `${gflops(two).toFixed(1)} GFLOP/s`,
    `  (target ≥ 28) ${check(gflops(two) >= 28)}`,
  );
  console.log();
}

// 4. Growth with sequence length: emb 256, 4 heads of 64, --quiet.
{
  console.log(
    "4. Sequence length (emb 256, 4 heads × 64, ffn 1024, --quiet --json), whole process, medians",
  );
  const widths = [6, 20, 20, 12, 12, 20];
  const row = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  console.log(`   ${row(["seq", "transformer-lab", "numpy", "time ratio", "memory ratio", ""])}`);
  for (const seq of [256, 512, 1024, 2048]) {
    const flags = ["--seq", String(seq), "--emb", "256", "--dmodel", "64", "--heads", "4"];
    const cases = [tl("encode", "--rng", "numpy", "--seed", "0", "--quiet", "--json", ...flags)];
    if (hasNumpy) cases.push(py(numpyLayer, "--seed", "0", "--print", ...flags));
    const [ours, numpy] = sideBySide(cases, 3);
    const t = numpy ? ours.ms / numpy.ms : Number.NaN;
    const m = numpy ? ours.mb / numpy.mb : Number.NaN;
    const targets =
      seq === 2048 && numpy ? `≤ 0.8× ${check(t <= 0.8)}, ≤ 1.25× ${check(m <= 1.25)}` : "";
    console.log(
      `   ${row([
        seq,
        `${ours.ms.toFixed(0)} ms, ${ours.mb.toFixed(0)} MB`,
        numpy ? `${numpy.ms.toFixed(0)} ms, ${numpy.mb.toFixed(0)} MB` : "",
        numpy ? `${t.toFixed(2)}×` : "",
        numpy ? `${m.toFixed(2)}×` : "",
        targets,
      ])}`,
    );
  }
}
