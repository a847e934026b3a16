import { describe, expect, it } from "vitest";
import { cli } from "../helpers.js";

// Snapshots of rendered text only: the numbers in them are checked against numpy elsewhere.
describe("the pretty report", () => {
  it("of the homework cell after np.random.seed(0)", () => {
    expect(cli(["encode", "--rng", "numpy", "--seed", "0"]).stdout).toMatchSnapshot();
  });

  it("of a two-head layer, summarising wide matrices", () => {
    expect(
      cli(["encode", "--rng", "numpy", "--seed", "1", "--heads", "2", "--emb", "12", "--seq", "3"])
        .stdout,
    ).toMatchSnapshot();
  });

  it("of --quiet", () => {
    expect(cli(["encode", "--rng", "numpy", "--seed", "0", "--quiet"]).stdout).toMatchSnapshot();
  });
});
