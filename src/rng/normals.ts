import { MT19937 } from "./mt19937.js";

/** A source of standard normal draws; `fill` writes the next `out.length` draws in order. */
export interface Normals {
  readonly name: RngName;
  fill(out: Float64Array): void;
}

export const RNG_NAMES = ["seedrandom", "numpy"] as const;
export type RngName = (typeof RNG_NAMES)[number];

/**
 * Marsaglia's polar method exactly as numpy's `legacy_gauss`: draw (x₁, x₂) uniform in the unit
 * disc, f = √(−2·ln r² / r²); return f·x₂ now and keep f·x₁ for the next call — across
 * matrices, as numpy's RandomState keeps `has_gauss` between calls to `randn`.
 */
class PolarNormals implements Normals {
  private spare = 0;
  private hasSpare = false;

  constructor(
    readonly name: RngName,
    private readonly uniform: () => number,
  ) {}

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.uniform() - 1;
      x2 = 2 * this.uniform() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = f * x1;
    this.hasSpare = true;
    return f * x2;
  }

  fill(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.next();
  }
}

/**
 * numpy's `np.random.seed(seed)` followed by `np.random.randn(...)` calls: the same polar method
 * as PolarNormals, run over uniforms drawn in batches (millions of draws must not dominate).
 * Batching changes nothing in the sequence: the generator is this object's alone.
 */
class NumpyNormals implements Normals {
  readonly name = "numpy";
  private readonly mt: MT19937;
  private readonly uniforms = new Float64Array(2048);
  private next = this.uniforms.length;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.mt = new MT19937(seed);
  }

  fill(out: Float64Array): void {
    const u = this.uniforms;
    let i = 0;
    if (this.hasSpare && out.length > 0) {
      out[i++] = this.spare;
      this.hasSpare = false;
    }
    let next = this.next;
    while (i < out.length) {
      if (next === u.length) {
        this.mt.fillDoubles(u);
        next = 0;
      }
      const x1 = 2 * u[next] - 1;
      const x2 = 2 * u[next + 1] - 1;
      next += 2;
      const r2 = x1 * x1 + x2 * x2;
      if (r2 >= 1 || r2 === 0) continue;
      const f = Math.sqrt((-2 * Math.log(r2)) / r2);
      out[i++] = f * x2;
      if (i < out.length) out[i++] = f * x1;
      else {
        this.spare = f * x1;
        this.hasSpare = true;
      }
    }
    this.next = next;
  }
}

export function numpyNormals(seed: number): Normals {
  return new NumpyNormals(seed);
}

/**
 * The `seedrandom` package (ARC4) seeded with the seed's text; normals by the same polar method.
 * Loaded on use: it requires node:crypto as it loads, which numpy runs need not pay for.
 */
export async function seedrandomNormals(seed: string | number): Promise<Normals> {
  const { default: seedrandom } = await import("seedrandom");
  const prng = seedrandom(String(seed));
  return new PolarNormals("seedrandom", () => prng.double());
}

export async function makeNormals(rng: RngName, seed: string | number): Promise<Normals> {
  return rng === "numpy" ? numpyNormals(Number(seed)) : seedrandomNormals(seed);
}
