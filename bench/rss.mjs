// Preloaded with --import by the benchmark: reports the process's peak resident memory on exit.
// VmHWM, not getrusage's maxrss: on Linux a child's maxrss starts from its parent's peak (it is
// kept across fork and exec), so the benchmark's own memory would leak into every figure.
// node:fs through getBuiltinModule: an `import` would make its ES-module facade, which loads
// Node's streams (~20 built-in modules) that the measured command may not load itself.
const { readFileSync, writeSync } = process.getBuiltinModule("node:fs");

process.on("exit", () => {
  const kb = /VmHWM:\s*(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
  writeSync(2, `maxrss_kb ${kb ?? process.resourceUsage().maxRSS}\n`);
});
