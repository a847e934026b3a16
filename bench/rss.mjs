// Preloaded with --import by the benchmark: reports the process's peak resident memory on exit.
import { writeSync } from "node:fs";

process.on("exit", () => writeSync(2, `maxrss_kb ${process.resourceUsage().maxRSS}\n`));
