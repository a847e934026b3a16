// npm runs `prepare` on `npm install` in a clone, on `npm pack` and `npm publish`, and in the
// package's folder for a path install (`npm install ../transformer-lab`, `npm install -g .`) or a
// git install. It builds dist/ (scripts/build.mjs) and the library's type declarations
// (tsconfig.types.json, into dist/types/) with the build tools, which are devDependencies:
//   - tools installed (a developer's clone, `npm pack`, a git install): build;
//   - no tools but a dist/ (a path install of a built folder): keep that dist/;
//   - neither (a path install of a fresh clone): install the devDependencies into the folder, as
//     npm does itself for a git install, then build.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const require = createRequire(import.meta.url);

function resolves(name) {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`transformer-lab: prepare: ${[cmd, ...args].join(" ")} failed`);
    process.exit(r.status ?? 1);
  }
}

/**
 * The devDependencies, installed into this folder. The npm settings of the install that called us
 * (`-g`, `--prefix`, `--omit dev`, …) are left out, so they apply to that install only; those
 * that say where packages come from (registry, cache, offline) are kept.
 */
function installBuildTools() {
  console.error(`transformer-lab: prepare: installing the build tools into ${root}node_modules`);
  const keep =
    /^npm_config_(registry|cache|offline|prefer_offline|prefer_online|userconfig|globalconfig|proxy|https_proxy|noproxy|strict_ssl|cafile|loglevel)$/i;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) || keep.test(k)),
  );
  const npm = process.env.npm_execpath;
  const args = ["install", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
  if (npm) run(process.execPath, [npm, ...args], env);
  else run("npm", args, env);
}

const built = existsSync(`${root}dist/cli.js`) && existsSync(`${root}dist/lib.js`);
const haveTools = () => resolves("esbuild") && resolves("typescript/bin/tsc");
if (!haveTools() && built) {
  console.error(
    "transformer-lab: prepare: build tools not installed; using the dist/ that is there",
  );
} else {
  if (!haveTools()) installBuildTools();
  run(process.execPath, ["scripts/build.mjs"]);
  run(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.types.json"]);
}
