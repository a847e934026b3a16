// The CLI's entry point (dist/cli.js): main.ts decides the exit status; this module sets it.
import { enableParallelMatmul } from "../math/matmul-parallel.js";
import { main } from "./main.js";
import { writeStdoutDirectly } from "./output.js";

// Large products may use a second core; the worker file sits beside this bundle.
enableParallelMatmul(new URL("./matmul-worker.js", import.meta.url));
writeStdoutDirectly(); // fd 1 itself: process.stdout and its modules only when needed
process.exitCode = await main(process.argv);
