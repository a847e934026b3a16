// The CLI's entry point (dist/cli.js): main.ts decides the exit status; this module sets it.
import { enableParallelMatmul } from "../math/matmul-parallel.js";
import { main } from "./main.js";

// Large products may use a second core; the worker file sits beside this bundle.
enableParallelMatmul(new URL("./matmul-worker.js", import.meta.url));
process.exitCode = await main(process.argv);
