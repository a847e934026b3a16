// Builds dist/ with esbuild (type-checking is tsc's job, in npm run lint):
//   dist/cli.js            the CLI (src/cli/cli.ts): one ES module at start-up — commander and
//                          the model bundled together, since loading dozens of small files costs
//                          more than the homework's whole computation — plus dist/chunks/ for
//                          what only some commands load (the pretty renderer, chalk, cli-table3,
//                          numpy readers)
//   dist/matmul-worker.js  the second thread of large products (src/math/matmul-parallel.ts)
//   dist/lib.js            the library, for scripts and bench/bench.mjs
//   dist/harness.py        the Python side of grading notebooks (src/harness/harness.py, as is)
//   dist/html-client.js    the HTML report's script and styles (src/render/html/), which the CLI
//   dist/html-client.css   inlines into every page it writes
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";
import wabtInit from "wabt";

// The WebAssembly core: src/math/kernels/core.wat assembled by wabt, written into the bundles as
// base64 in place of __KERNELS_WASM__ (dist/ needs no .wasm file; users compile nothing).
const wabt = await wabtInit();
const watFeatures = { simd: true, threads: true };
const wat = wabt.parseWat("core.wat", readFileSync("src/math/kernels/core.wat"), watFeatures);
wat.validate(watFeatures);
const coreWasm = Buffer.from(wat.toBinary({}).buffer).toString("base64");

const common = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  // commander and cli-table3 are CommonJS: inside an ES module they need a `require`.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  define: {
    __VERSION__: JSON.stringify(JSON.parse(readFileSync("package.json", "utf8")).version),
    __KERNELS_WASM__: JSON.stringify(coreWasm),
  },
  logLevel: "warning",
  // only the tests, running from the sources, assemble core.wat themselves (kernels/wasm-bytes.ts)
  external: ["wabt"],
};

// Node's built-in modules through CommonJS `require` (the banner's), each loaded on first use of
// one of its exports: an `import` would load it at start-up, and Node makes an ES-module facade of
// it that copies every export (running node:fs's lazy stream getters). The homework's cell needs
// none of node:child_process, readline, os or fs/promises: ~15 built-in modules not compiled.
const builtinsOnUse = {
  name: "builtins-on-use",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.namespace === "builtin"
        ? { path: args.path, external: true }
        : { path: args.path, namespace: "builtin" },
    );
    b.onLoad({ filter: /.*/, namespace: "builtin" }, (args) => {
      const names = Object.keys(process.getBuiltinModule(args.path)).filter((k) => k !== "default");
      return {
        contents: `let m;
const get = () => (m ??= require(${JSON.stringify(args.path)}));
for (const k of ${JSON.stringify(names)})
  Object.defineProperty(module.exports, k, { get: () => get()[k], enumerable: true });`,
        loader: "js",
      };
    });
  },
};

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: { cli: "src/cli/cli.ts" },
    outdir: "dist",
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    plugins: [builtinsOnUse],
  }),
  build({
    ...common,
    entryPoints: { "matmul-worker": "src/math/matmul-worker.ts", lib: "src/index.ts" },
    outdir: "dist",
  }),
  build({
    ...common,
    entryPoints: { "html-client": "src/render/html/client.ts" },
    outdir: "dist",
    platform: "browser",
    format: "iife",
    target: "es2020",
    minify: true,
    banner: {},
  }),
]);
copyFileSync(
  new URL("../src/harness/harness.py", import.meta.url),
  new URL("../dist/harness.py", import.meta.url),
);
