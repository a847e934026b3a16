// Grades a class of 60 notebooks the way a teaching assistant would, and times it:
//   npm run bench:grade            (BENCH_RUNS=N runs, default 3; PYTHON=path, default python3)
// The class is made of the corpus in fixtures/submissions/ (right answers, each catalogued
// mistake, mistakes outside the catalogue), copied into student folders. Never part of npm test.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;
const CORPUS = join(ROOT, "fixtures/submissions");
const STUDENTS = 60;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = process.env.PYTHON ?? "python3";

const sources = readdirSync(CORPUS)
  .filter((f) => /^(correct|mistake|other)-.*\.ipynb$/.test(f))
  .sort();
const dir = mkdtempSync(join(tmpdir(), "class-"));
for (let n = 0; n < STUDENTS; n++) {
  const student = join(dir, `student-${String(n + 1).padStart(2, "0")}`);
  mkdirSync(student);
  copyFileSync(join(CORPUS, sources[n % sources.length]), join(student, "lista8.ipynb"));
}

// CPU time, which a busy machine does not inflate as it does the wall clock (GNU time, if present).
const TIME = existsSync("/usr/bin/time") ? ["/usr/bin/time", "-f", "cpu %U %S"] : [];
const times = [];
const cpu = [];
let summary = "";
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const [cmd, ...pre] = [...TIME, process.execPath];
  const r = spawnSync(
    cmd,
    [
      ...pre,
      join(ROOT, "bin/transformer-lab.js"),
      "check",
      "--json",
      "--python",
      PYTHON,
      "--csv",
      join(dir, "grades.csv"),
      dir,
    ],
    { encoding: "utf8", maxBuffer: 1 << 28 },
  );
  times.push((performance.now() - t0) / 1000);
  if (r.status !== 1) throw new Error(`check exited ${r.status}: ${r.stderr}`);
  const used = r.stderr.match(/cpu ([\d.]+) ([\d.]+)/);
  if (used) cpu.push(Number(used[1]) + Number(used[2]));
  const doc = JSON.parse(r.stdout);
  summary = `${doc.passed} correct, ${doc.failed} wrong`;
}
rmSync(dir, { recursive: true, force: true });
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `${STUDENTS} notebooks (${summary}), --jobs ${availableParallelism()} (the default): median ${median.toFixed(1)} s over ${RUNS} runs ` +
    `(${times.map((t) => t.toFixed(1)).join(", ")}), ${((1000 * median) / STUDENTS).toFixed(0)} ms a notebook; ` +
    `load average before: ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores` +
    (cpu.length
      ? `; CPU time (user + sys, Node and Python) median ${cpu.sort((a, b) => a - b)[Math.floor(cpu.length / 2)].toFixed(1)} s`
      : ""),
);
