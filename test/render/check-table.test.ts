import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { headline } from "../../src/render/check.js";
import { cli, ROOT } from "../helpers.js";

const A = `${ROOT}fixtures/answers`;

/** The text of one column of a cli-table3 table, its wrapped lines joined. */
function column(table: string, index: number, firstCell: string): string {
  const rows = table.split("\n").filter((l) => l.startsWith("│"));
  const start = rows.findIndex((l) => l.split("│")[1].trim() === firstCell);
  const cells: string[] = [];
  for (let i = start; i < rows.length; i++) {
    const cols = rows[i].split("│");
    if (i > start && cols[1].trim() !== "") break;
    cells.push(cols[index].trim());
  }
  return cells.join(" ");
}

describe("the table's diagnosis cell", () => {
  it("cuts a hint at its first colon outside parentheses", () => {
    expect(headline("norm1 is right: check the seed")).toBe("norm1 is right");
    expect(headline("its rows are not (row 0: mean 1), so no: more")).toBe(
      "its rows are not (row 0: mean 1), so no",
    );
    expect(headline("no colon (a: b)")).toBe("no colon (a: b)");
  });

  it("keeps the seed-search hint whole, past the colon inside its parentheses", () => {
    const dir = mkdtempSync(join(tmpdir(), "tl-table-"));
    copyFileSync(`${A}/homework/seed0/correct.npy`, join(dir, "ok0.npy"));
    // numpy's normals (make_seeds.py): no layer at any seed, rows not layer-normalised
    copyFileSync(`${A}/seeds/miss-plain.npy`, join(dir, "wrong.npy"));
    writeFileSync(join(dir, "seeds.csv"), "ok0.npy,0\nwrong.npy,5\n");
    const r = cli([
      "check",
      "--seeds",
      join(dir, "seeds.csv"),
      join(dir, "ok0.npy"),
      join(dir, "wrong.npy"),
    ]);
    expect(r.code).toBe(1);
    const cell = column(r.stdout, 4, join(dir, "wrong.npy"));
    expect(cell).toMatch(/its rows are not layer-normalised \(row 0: mean \S+, std \S+\)/);
    expect(cell).toMatch(/so its last step is not the layer norm$/);
  });
});
