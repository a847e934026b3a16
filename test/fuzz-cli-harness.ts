import { readFileSync } from "node:fs";
import { main } from "../src/cli/main.js";
import { type CliResult, ROOT } from "./helpers.js";

// The build writes package.json's version in place of __VERSION__ (scripts/build.mjs).
Object.assign(globalThis, {
  __VERSION__: JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")).version,
});

/**
 * Runs the CLI's real entry (src/cli/main.ts `main`, the function dist/cli.js calls with
 * process.argv) in this process, with stdout and stderr captured: about a millisecond a run
 * instead of a Node start-up's 150 ms, so the fuzz test can afford hundreds of them.
 *
 * What differs from the binary, and why it does not matter to what the fuzz asserts:
 * - stdout and stderr are this process's streams with `write` replaced, not terminals or pipes
 *   (isTTY is false, as with a pipe; colour is off with NO_COLOR, as the comparison's spawns do);
 * - the matmul worker thread is not enabled (cli.ts enables it): products run on this thread,
 *   with the same kernels;
 * - runs are one after another (the streams are process-wide), never concurrent.
 * test/fuzz-cli.test.ts runs a sample of the same cases through the built binary and asserts
 * the same exit code, stdout and stderr.
 */
export async function runInProcess(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const restore = [
    capture(process.stdout, out),
    capture(process.stderr, err),
    setEnv({ NO_COLOR: "1", FORCE_COLOR: undefined, PAGER: "cat" }),
  ];
  const errorListeners = process.stdout.listeners("error");
  const exitCode = process.exitCode;
  let code: number;
  try {
    code = await main([process.execPath, "transformer-lab", ...args]);
  } finally {
    for (const undo of restore.reverse()) undo();
    // main's watchStdout adds a listener for stdout's errors on every run: keep only the old ones
    for (const l of process.stdout.listeners("error")) {
      if (!errorListeners.includes(l)) process.stdout.off("error", l as () => void);
    }
    process.exitCode = exitCode;
  }
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** The stream's text goes into `into` until the returned function is called. */
function capture(stream: NodeJS.WriteStream, into: string[]): () => void {
  const ownWrite = Object.getOwnPropertyDescriptor(stream, "write");
  const isTTY = Object.getOwnPropertyDescriptor(stream, "isTTY");
  Object.defineProperty(stream, "isTTY", { value: false, configurable: true, writable: true });
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    if (done) queueMicrotask(done);
    return true;
  }) as typeof stream.write;
  return () => {
    if (ownWrite) Object.defineProperty(stream, "write", ownWrite);
    else delete (stream as { write?: unknown }).write;
    if (isTTY) Object.defineProperty(stream, "isTTY", isTTY);
    else delete (stream as { isTTY?: boolean }).isTTY;
  };
}

/** Sets (or, for undefined, removes) environment variables until the returned function is called. */
function setEnv(vars: Record<string, string | undefined>): () => void {
  const old = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(vars);
  return () => apply(old);
}
