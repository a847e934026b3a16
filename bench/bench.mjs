// npm run bench: transformer-lab against `node -e 0` and numpy, side by side in one run, as
// ratios of medians (interleaved runs, so a noisy machine slows both sides alike). Never a test.
//   BENCH_RUNS=N   runs per whole-process measurement (default 15)
//   PYTHON=path    a Python with numpy and scipy (default /usr/bin/python3); without one, the
//                  numpy columns are left out
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = `${root}bin/transformer-lab.js`;
const rss = `${root}bench/rss.mjs`;
const python = process.env.PYTHON ?? "/usr/bin/python3";
const homework = `${root}../shared/reference/homework.py`;
const numpyLayer = `${root}bench/numpy_layer.py`;
const runs = Number(process.env.BENCH_RUNS ?? 15);
const hasNumpy = spawnSync(python, ["-c", "import numpy, scipy"]).status === 0;
const lib = await import(`${root}dist/lib.js`);

/** One whole process: wall time, peak memory (when the process reports it) and stdout. */
function once(cmd, args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 30 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  const kb = /maxrss_kb (\d+)/.exec(r.stderr)?.[1];
  return { ms, mb: kb ? Number(kb) / 1024 : Number.NaN, stdout: r.stdout };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Medians of several commands, run in turn `n` times so that they share the machine's moods. */
function sideBySide(cases, n) {
  const samples = cases.map(() => []);
  for (let r = 0; r < n; r++)
    for (const [i, c] of cases.entries()) samples[i].push(once(c.cmd, c.args));
  return samples.map((s) => ({
    ms: median(s.map((x) => x.ms)),
    mb: median(s.map((x) => x.mb)),
    stdout: s[0].stdout,
  }));
}

const tl = (...args) => ({ cmd: process.execPath, args: ["--import", rss, bin, ...args] });
const py = (script, ...args) => ({ cmd: python, args: [script, ...args] });
const verdict = (ratio, target) =>
  `${ratio.toFixed(2)}×  (target ≤ ${target}×) ${ratio <= target ? "✓" : "✗ MISSED"}`;
const row = (cells, widths) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");

console.log(
  `transformer-lab benchmark · node ${process.version} · ${runs} runs per measurement · numpy ${hasNumpy ? "present" : "absent"}\n`,
);

// 1. The homework's cell as a whole process.
{
  const cases = [
    { cmd: process.execPath, args: ["-e", "0"] },
    tl("encode", "--rng", "numpy", "--seed", "0", "--json", "--quiet"),
  ];
  if (hasNumpy && existsSync(homework)) cases.push(py(homework, "0"));
  const [node, cell, numpy] = sideBySide(cases, runs);
  console.log("1. Homework cell, whole process (median ms)");
  console.log(`   node -e 0                                        ${node.ms.toFixed(1)}`);
  console.log(
    `   encode --rng numpy --seed 0 --json --quiet       ${cell.ms.toFixed(1)}   vs node -e 0: ${verdict(cell.ms / node.ms, 1.5)}`,
  );
  if (numpy)
    console.log(
      `   numpy + scipy: homework.py 0                     ${numpy.ms.toFixed(1)}   encode / numpy: ${verdict(cell.ms / numpy.ms, 0.75)}`,
    );
  console.log();
}

// 2. One BERT-base layer: seq 128, emb 768, 12 heads of 64, ffn 3072.
const bert = { seq: 128, emb: 768, dmodel: 64, heads: 12, layers: 1, ffn: 3072, src: 128 };
{
  const flags = ["--seq", "128", "--emb", "768", "--dmodel", "64", "--heads", "12"];
  const cases = [tl("encode", "--rng", "numpy", "--seed", "0", "--quiet", "--json", ...flags)];
  if (hasNumpy) cases.push(py(numpyLayer, "--seed", "0", "--print", ...flags));
  const [ours, numpy] = sideBySide(cases, Math.max(3, Math.ceil(runs / 3)));
  console.log(
    "2. BERT-base encoder layer (seq 128, emb 768, 12 heads × 64, ffn 3072), draws included",
  );
  console.log(
    `   transformer-lab, whole process                   ${ours.ms.toFixed(0)} ms, ${ours.mb.toFixed(0)} MB`,
  );
  if (numpy) {
    console.log(
      `   numpy, whole process                             ${numpy.ms.toFixed(0)} ms   ratio: ${verdict(ours.ms / numpy.ms, 1.5)}`,
    );
    const a = JSON.parse(ours.stdout).output.flat();
    const b = JSON.parse(numpy.stdout).output.flat();
    const diff = Math.max(...a.map((x, i) => Math.abs(x - b[i])));
    console.log(
      `   outputs agree to                                 ${diff.toExponential(2)}  (target ≤ 1e-8) ${diff <= 1e-8 ? "✓" : "✗ MISSED"}`,
    );
  }
  // In-process: the compute alone, and the draws alone.
  const normals = lib.numpyNormals(0);
  const t0 = performance.now();
  const inputs = lib.completeInputs("encode", bert, false, { globals: {}, layers: [] }, normals);
  const drawMs = performance.now() - t0;
  const count = 128 * 768 + 4 * 768 * 768 + 2 * 768 * 3072;
  const layerMs = () => {
    const times = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      lib.run("encode", inputs, bert, { keep: false });
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const { seq: n, emb: e, ffn: f } = bert;
  const hd = bert.heads * bert.dmodel;
  const flops = 2 * n * e * hd * 4 + 2 * n * n * hd * 2 + 2 * n * e * f * 2;
  const rate = (ms) => `${ms.toFixed(1)} ms = ${(flops / ms / 1e6).toFixed(2)} GFLOP/s`;
  const oneThread = layerMs();
  lib.enableParallelMatmul(new URL("../dist/matmul-worker.js", import.meta.url));
  const twoThreads = layerMs();
  lib.setParallelMatmul(undefined);
  console.log(
    `   compute of one layer (${(flops / 1e9).toFixed(2)} GFLOP), in process, one thread   ${rate(oneThread)}`,
  );
  console.log(`   the same on two threads                           ${rate(twoThreads)}`);
  console.log(
    `   drawing ${(count / 1e6).toFixed(2)} M numpy normals                     ${drawMs.toFixed(1)} ms = ${(count / drawMs / 1e3).toFixed(1)} M/s`,
  );
  const a = new lib.Matrix(768, 768);
  const b = new lib.Matrix(768, 768);
  lib.numpyNormals(1).fill(a.data);
  lib.numpyNormals(2).fill(b.data);
  const mm = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    lib.matmul(a, b);
    mm.push(performance.now() - t);
  }
  console.log(
    `   matmul 768×768 · 768×768                         ${median(mm).toFixed(1)} ms = ${((2 * 768 ** 3) / median(mm) / 1e6).toFixed(2)} GFLOP/s`,
  );
  console.log();
}

// 3. Growth with sequence length: emb 256, 4 heads of 64, --quiet.
{
  console.log(
    "3. Sequence length (emb 256, 4 heads × 64, ffn 1024, --quiet): time and peak memory, medians",
  );
  const widths = [6, 22, 22, 14, 12];
  console.log(
    `   ${row(["seq", "transformer-lab", hasNumpy ? "numpy" : "", hasNumpy ? "time ratio" : "", "memory"], widths)}`,
  );
  for (const seq of [256, 512, 1024, 2048]) {
    const flags = ["--seq", String(seq), "--emb", "256", "--dmodel", "64", "--heads", "4"];
    const cases = [tl("encode", "--rng", "numpy", "--seed", "0", "--quiet", "--json", ...flags)];
    if (hasNumpy) cases.push(py(numpyLayer, "--seed", "0", ...flags));
    const [ours, numpy] = sideBySide(cases, 3);
    const memory = seq === 2048 ? `${ours.mb <= 600 ? "✓" : "✗ MISSED"} ≤ 600 MB` : "";
    console.log(
      `   ${row(
        [
          seq,
          `${ours.ms.toFixed(0)} ms, ${ours.mb.toFixed(0)} MB`,
          numpy ? `${numpy.ms.toFixed(0)} ms, ${numpy.mb.toFixed(0)} MB` : "",
          numpy ? `${(ours.ms / numpy.ms).toFixed(2)}×` : "",
          memory,
        ],
        widths,
      )}`,
    );
  }
}
