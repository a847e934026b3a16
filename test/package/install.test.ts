// The package as a user gets it: `npm pack` makes the tarball, which is installed into a fresh
// prefix and run from there, as a command and as a library. The pack runs in a copy of the
// project, so that its build (npm's `prepare`) never touches the dist/ the other tests run.
import { type SpawnSyncOptions, spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

/** What the copy leaves out: what is not part of a build (and the outputs of one). */
const NOT_COPIED = new Set([".git", "node_modules", "dist", "test", "fixtures", "bench"]);

let tmp = "";
let tarball = "";
let prefix = "";

function sh(cmd: string, args: string[], opts: SpawnSyncOptions = {}) {
  // npm settings of an enclosing `npm test` (npm_config_*) must not leak into these installs.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k) || /cache/i.test(k)),
  );
  const r = spawnSync(cmd, args, { encoding: "utf8", env, timeout: 120_000, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  }
  return String(r.stdout);
}

const npm = (args: string[], cwd: string) => sh("npm", args, { cwd });
const INSTALL = ["install", "--offline", "--no-audit", "--no-fund", "--no-save"];

/** The installed command's stdout. */
const installed = (args: string[], dir = prefix) =>
  sh(process.execPath, [join(dir, "node_modules/transformer-lab/bin/transformer-lab.js"), ...args]);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "transformer-lab-pack-"));
  const project = join(tmp, "project");
  for (const f of readdirSync(ROOT)) {
    if (!NOT_COPIED.has(f) && !f.startsWith(".")) {
      cpSync(join(ROOT, f), join(project, f), { recursive: true });
    }
  }
  symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"));
  const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], project));
  tarball = join(tmp, packed[0].filename);
  prefix = join(tmp, "user");
  mkdirSync(prefix);
  npm([...INSTALL, "--prefix", prefix, tarball], prefix);
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe("the tarball", () => {
  it("holds the built command, library, types, README and LICENSE, and no sources", () => {
    const files = sh("tar", ["tzf", tarball]).trim().split("\n").sort();
    for (const f of [
      "bin/transformer-lab.js",
      "dist/cli.js",
      "dist/lib.js",
      "dist/matmul-worker.js",
      "dist/types/index.d.ts",
      "LICENSE",
      "README.md",
      "package.json",
    ]) {
      expect(files).toContain(`package/${f}`);
    }
    expect(files.filter((f) => /^package\/(src|test|fixtures|scripts)\//.test(f))).toEqual([]);
  });

  it("has types that need no other package: index.d.ts and all it imports", () => {
    const dir = join(prefix, "node_modules/transformer-lab/dist/types");
    const seen = new Set<string>();
    const packages: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, spec] of readFileSync(join(dir, file), "utf8").matchAll(
        /^(?:import|export)[^;]*?from "([^"]+)"/gm,
      )) {
        if (spec.startsWith(".")) visit(join(dirname(file), spec.replace(/\.js$/, ".d.ts")));
        else if (!spec.startsWith("node:")) packages.push(`${file}: ${spec}`);
      }
    };
    visit("index.d.ts");
    expect(seen.size).toBeGreaterThan(5);
    expect(packages).toEqual([]);
  });

  it("installs offline with nothing else: the runtime packages are bundled", () => {
    expect(readdirSync(join(prefix, "node_modules")).filter((d) => !d.startsWith("."))).toEqual([
      "transformer-lab",
    ]);
  });
});

describe("the installed command", () => {
  it("runs, and prints what the project's own build prints", () => {
    const args = ["encode", "--rng", "numpy", "--seed", "0", "--json"];
    const ours = sh(process.execPath, [join(ROOT, "bin/transformer-lab.js"), ...args]);
    expect(installed(args)).toBe(ours);
    expect(JSON.parse(ours).config.seed).toBe(0);
  });

  it("is linked on the PATH of the prefix", () => {
    const out = sh(join(prefix, "node_modules/.bin/transformer-lab"), ["--version"]);
    expect(out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("the installed library", () => {
  it("gives a script the same documents as the command's --json", { timeout: 60_000 }, () => {
    const answer = join(ROOT, "fixtures/answers/homework/seed0/no-scale.npy");
    writeFileSync(
      join(prefix, "script.mjs"),
      `import { attention, check, decode, encode } from "transformer-lab";
const runs = [
  await encode({ rng: "numpy", seed: 0 }),
  await decode({ seed: 3, heads: 2, layers: 2, cross: false }),
  await attention({ seed: 5, causal: true, quiet: true }),
  await check([${JSON.stringify(answer)}], { seed: 0 }),
];
for (const r of runs) console.log(JSON.stringify(r));
`,
    );
    const lines = sh(process.execPath, ["script.mjs"], { cwd: prefix }).trimEnd().split("\n");
    expect(lines).toEqual([
      installed(["encode", "--rng", "numpy", "--seed", "0", "--json"]).trimEnd(),
      installed([
        "decode",
        "--rng",
        "numpy",
        "--seed",
        "3",
        "--heads",
        "2",
        "--layers",
        "2",
        "--no-cross",
        "--json",
      ]).trimEnd(),
      installed([
        "attention",
        "--rng",
        "numpy",
        "--seed",
        "5",
        "--causal",
        "--quiet",
        "--json",
      ]).trimEnd(),
      checkJson(answer),
    ]);
  });

  it("has types: options and results are checked by tsc", { timeout: 120_000 }, () => {
    writeFileSync(
      join(prefix, "user.ts"),
      `import { type EncodeOptions, encode, type Run } from "transformer-lab";
const options: EncodeOptions = { seq: 4, emb: 8, dmodel: 3, heads: 2, rng: "numpy", seed: 0 };
const run: Run = await encode(options);
const weights: Float64Array = run.trace.layers[0].self.heads[1].weights.data;
const seed: number | string = run.config.seed;
// @ts-expect-error: an option that does not exist
await encode({ sed: 0 });
// @ts-expect-error: a generator that does not exist
await encode({ rng: "mersenne" });
console.log(weights.length, seed);
`,
    );
    writeFileSync(
      join(prefix, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          // @types/node is not what is tested (and takes ~10 s to check); the package's own types
          // are: their imports are checked by the test above.
          skipLibCheck: true,
          typeRoots: [join(ROOT, "node_modules/@types")],
          types: ["node"],
        },
        files: ["user.ts"],
      }),
    );
    writeFileSync(join(prefix, "package.json"), JSON.stringify({ type: "module" }));
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "."],
      {
        cwd: prefix,
        encoding: "utf8",
      },
    );
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("a path install", () => {
  it("uses the folder's dist/ when its build tools are not installed", { timeout: 60_000 }, () => {
    const folder = join(tmp, "project-copy");
    const fromPack = join(tmp, "from-pack");
    mkdirSync(fromPack);
    sh("tar", ["xzf", tarball, "-C", fromPack]);
    cpSync(join(fromPack, "package"), folder, { recursive: true });
    cpSync(join(ROOT, "scripts"), join(folder, "scripts"), { recursive: true });
    const user = join(tmp, "path-user");
    mkdirSync(user);
    npm([...INSTALL, "--prefix", user, folder], user);
    expect(installed(["attention", "--seed", "1", "--json", "--quiet"], user)).toBe(
      installed(["attention", "--seed", "1", "--json", "--quiet"]),
    );
  });
});

/** check --json of one answer, as the installed command prints it (exit 1: the answer is wrong). */
function checkJson(answer: string): string {
  const r = spawnSync(
    process.execPath,
    [
      join(prefix, "node_modules/transformer-lab/bin/transformer-lab.js"),
      "check",
      "--seed",
      "0",
      "--json",
      answer,
    ],
    { encoding: "utf8" },
  );
  expect(r.status).toBe(1);
  return r.stdout.trimEnd();
}
