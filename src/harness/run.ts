import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { CaseSpec, Recorded, SubmissionKind } from "../check/code/recorded.js";
import { UserError } from "../errors.js";
import { decodeResult, type HarnessLine, type HarnessRequest } from "./protocol.js";

export interface HarnessOptions {
  /** the Python to run: `python3` on PATH unless --python */
  python: string;
  /** seconds per submission */
  timeout: number;
  memoryMb: number;
  /** bytes of each submission's own output kept */
  outputLimit: number;
  jobs: number;
  q1: CaseSpec[];
  q2: CaseSpec[];
  /** called as each submission ends (in the order they end) */
  onResult?: (r: Recorded) => void;
}

export interface HarnessRun {
  versions: { python: string; numpy: string; scipy: string; executable: string };
  /** one per submission, in the order given */
  results: Recorded[];
}

export const HOW_TO_GET_PYTHON =
  "install Python 3 with numpy and scipy (pip install numpy scipy; on Debian: apt-get install python3-numpy python3-scipy), or name one with --python PATH";

/** harness.py sits beside the bundle in dist/ (scripts/build.mjs copies it), or beside this file. */
function harnessPath(): string {
  for (const rel of ["./harness.py", "../harness.py"]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error("harness.py is missing beside the built CLI (a broken install)");
}

/**
 * Runs every submission through one harness process, which forks a child per submission (up to
 * `jobs` at once). A watchdog kills the harness itself if it outlives every submission's
 * timeout by far; a submission it never reported is a result whose `ended.how` is "lost".
 */
export function runHarness(
  submissions: { path: string; kind: SubmissionKind }[],
  o: HarnessOptions,
): Promise<HarnessRun> {
  const request: HarnessRequest = {
    submissions: submissions.map((s, id) => ({ id, ...s })),
    timeout: o.timeout,
    memory_mb: o.memoryMb,
    output_limit: o.outputLimit,
    jobs: o.jobs,
    q1: o.q1,
    q2: o.q2,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(o.python, [harnessPath()], { stdio: ["pipe", "pipe", "pipe"] });
    const results = new Map<number, Recorded>();
    let versions: HarnessRun["versions"] | undefined;
    let failure: Error | undefined;
    let stderr = "";
    let ended = false;

    const rounds = Math.ceil(submissions.length / Math.max(1, o.jobs));
    const watchdog = setTimeout(
      () => {
        failure ??= new Error("the harness outlived every submission's timeout: stopped");
        child.kill("SIGKILL");
      },
      (rounds * (o.timeout + 2) + 60) * 1000,
    );
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);

    child.on("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(watchdog);
      process.off("exit", killOnExit);
      reject(
        e.code === "ENOENT"
          ? new UserError(`no Python at "${o.python}": ${HOW_TO_GET_PYTHON}`)
          : new UserError(`cannot run ${o.python}: ${e.message}`),
      );
    });
    child.stdin.on("error", () => {}); // a harness that died early is reported by its exit
    child.stdin.end(JSON.stringify(request));
    child.stderr.on("data", (d: Buffer) => {
      if (stderr.length < 1 << 16) stderr += d.toString("utf8");
    });

    createInterface({ input: child.stdout }).on("line", (text) => {
      let line: HarnessLine;
      try {
        line = JSON.parse(text) as HarnessLine;
      } catch {
        return; // not ours: the harness writes only JSON lines
      }
      if (line.type === "ready") versions = line;
      else if (line.type === "missing") {
        failure = new UserError(
          `${o.python} (${line.python}) has no ${line.module}, which code submissions need: ${HOW_TO_GET_PYTHON}`,
        );
      } else if (line.type === "result") {
        const { type: _, ...wire } = line;
        const r = decodeResult(wire);
        results.set(r.id, r);
        o.onResult?.(r);
      } else if (line.type === "end") ended = true;
    });

    child.on("close", (code, signal) => {
      clearTimeout(watchdog);
      process.off("exit", killOnExit);
      if (failure instanceof UserError) return reject(failure);
      if (!versions) {
        const why = stderr.trim().split("\n").at(-1) ?? `exit ${code ?? signal}`;
        return reject(new UserError(`${o.python} could not run the harness: ${why}`));
      }
      const reason = ended
        ? "no result"
        : (failure?.message ??
          `the harness stopped (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").at(-1) ?? ""}`);
      resolve({
        versions,
        results: request.submissions.map(
          ({ id }) =>
            results.get(id) ?? {
              id,
              ended: { how: "lost", reason },
              seconds: 0,
              messages: [],
              stdout: "",
              stdout_bytes: 0,
              stdout_cut: false,
            },
        ),
      });
    });
  });
}
