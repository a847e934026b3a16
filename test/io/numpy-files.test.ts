import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { readNpy } from "../../src/io/npy.js";
import { readNpz } from "../../src/io/npz.js";
import { toRows } from "../../src/math/matrix.js";
import { cli, fixture, ROOT } from "../helpers.js";

const dir = `${ROOT}fixtures/npy`;
const expected = fixture<Record<string, number[][]>>("npy/expected.json");

describe(".npy files written by numpy", () => {
  it.each(Object.keys(expected))("%s.npy", (name) => {
    const m = readNpy(readFileSync(`${dir}/${name}.npy`), `${name}.npy`);
    // each value is what numpy's astype(float64) gives: exact
    expect(toRows(m)).toEqual(expected[name]);
  });

  it("covers every dtype, both byte orders, Fortran order, format versions 1–3 and 1-D", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".npy"));
    expect(files.length).toBe(Object.keys(expected).length);
    for (const name of [
      "f8",
      "f4",
      "f2",
      "f8-big",
      "f8-fortran",
      "i8",
      "i4-big",
      "u1",
      "v2",
      "v3",
      "vector",
    ]) {
      expect(files).toContain(`${name}.npy`);
    }
  });
});

describe("numpy files that cannot be used", () => {
  const bad = `${dir}/bad`;
  it.each([
    [
      "truncated.npy",
      /truncated\.npy: not a readable \.npy file: the data is cut short: shape \(3, 5\) of <f8 needs 120 bytes, found 111/,
    ],
    ["header-cut.npy", /header-cut\.npy: not a readable \.npy file: the header is cut short/],
    ["version9.npy", /format version 9\.0 is not 1, 2 or 3/],
    ["3d.npy", /holds a 3-D array of shape \(2, 3, 4\); transformer-lab reads 1-D and 2-D arrays/],
    ["complex.npy", /dtype '<c16' is not supported/],
    ["object.npy", /dtype '\|O' is not supported/],
    ["bool.npy", /dtype '\|b1' is not supported/],
    ["empty.npz", /empty\.npz: the \.npz archive holds no arrays/],
    ["truncated.npz", /truncated\.npz: not a readable \.npz archive/],
    ["garbage.npz", /garbage\.npz: not a readable \.npz archive/],
  ])("%s", async (name, message) => {
    const bytes = readFileSync(`${bad}/${name}`);
    const read = async () => (name.endsWith(".npz") ? readNpz(bytes, name) : readNpy(bytes, name));
    await expect(read()).rejects.toThrow(UserError);
    await expect(read()).rejects.toThrow(message);
    // and through the CLI: exit 2, one line
    const r = cli(["encode", "--input", `${bad}/${name}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("a NaN stored in an input is refused with its place", () => {
    const r = cli(["encode", "--input", `${bad}/nan.npy`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/x in .*nan\.npy: row 0, column 1 is NaN, expected a finite number/);
  });
});

describe(".npz archives", () => {
  it("np.savez and np.savez_compressed hold the same matrices", async () => {
    const a = await readNpz(readFileSync(`${ROOT}fixtures/answers/npz/correct.npz`), "a");
    const b = await readNpz(
      readFileSync(`${ROOT}fixtures/answers/npz/correct-compressed.npz`),
      "b",
    );
    expect(Object.keys(a).sort()).toEqual(Object.keys(b).sort());
    for (const k of Object.keys(a)) expect(toRows(a[k])).toEqual(toRows(b[k]));
  });

  it("serve encode --input, with the notebook's names (input_data, Wq, …)", () => {
    const r = cli([
      "encode",
      "--input",
      `${ROOT}fixtures/answers/npz/cell-inputs-only.npz`,
      "--json",
      "--quiet",
    ]);
    // it also holds output, which encode does not read
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /"output" is a result, not an input; to grade it: transformer-lab check/,
    );
  });

  it("a lone .npy is the input x of encode", () => {
    const r = cli(["encode", "--input", `${dir}/f8.npy`, "--json", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).config).toMatchObject({ seq: 3, emb: 5 });
  });
});
