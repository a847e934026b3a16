// Builds the CLI: one ES module for start-up (commander and the model bundled together, since
// loading dozens of small files costs more than the homework's whole computation), plus chunks
// for what only some commands load (the pretty renderer, chalk, cli-table3, the numpy readers).
// Type-checking is tsc's job (npm run lint); this only bundles.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts", lib: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  chunkNames: "chunks/[name]-[hash]",
  // commander and cli-table3 are CommonJS: inside an ES module they need a `require`.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  define: { __VERSION__: JSON.stringify(JSON.parse(readFileSync("package.json", "utf8")).version) },
  logLevel: "warning",
});
