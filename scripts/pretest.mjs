// npm test's first step: make sure the machine has what the tests need, so that no test skips.
//   - a Python with numpy and scipy (the grader runs student code in it; fixtures come from it)
//   - Chromium (the HTML report is tested in a real browser)
// Run as root on Debian, it installs what is missing with apt; anywhere else it says in one line
// what to install. What it found is written to node_modules/.transformer-lab-test-env.json, which
// test/helpers.ts reads (a test that needs it fails, never skips, when the file is missing).
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";

const ENV_FILE = new URL("../node_modules/.transformer-lab-test-env.json", import.meta.url);

function runs(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 60_000 });
  return r.status === 0;
}

function which(name) {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

const canApt = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
let aptUpdated = false;

function aptInstall(packages) {
  if (!aptUpdated) {
    console.error(`pretest: apt-get update`);
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
    aptUpdated = true;
  }
  console.error(`pretest: apt-get install ${packages.join(" ")}`);
  const r = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return r.status === 0;
}

function findPython() {
  const candidates = [process.env.PYTHON, which("python3"), "/usr/bin/python3"].filter(Boolean);
  return candidates.find((p) => runs(p, ["-c", "import numpy, scipy.special"])) ?? null;
}

function findChromium() {
  const candidates = [
    process.env.CHROMIUM,
    "/usr/bin/chromium",
    which("chromium"),
    which("chromium-browser"),
  ].filter(Boolean);
  return candidates.find((p) => existsSync(p) && runs(p, ["--version"])) ?? null;
}

function need(what, find, packages, hint) {
  let found = find();
  if (!found && canApt && aptInstall(packages)) found = find();
  if (!found) {
    console.error(`pretest: npm test needs ${what}: ${hint}`);
    process.exit(1);
  }
  return found;
}

const python = need(
  "a Python with numpy and scipy",
  findPython,
  ["python3-numpy", "python3-scipy"],
  "install Debian's python3-numpy python3-scipy (or pip install numpy scipy), or set PYTHON=/path/to/python3",
);
const chromium = need(
  "Chromium",
  findChromium,
  ["chromium"],
  "install Debian's chromium (apt-get install chromium), or set CHROMIUM=/path/to/chromium",
);
writeFileSync(ENV_FILE, `${JSON.stringify({ python, chromium }, null, 2)}\n`);
