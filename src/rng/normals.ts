import { type Core, wasmCore } from "../math/kernels/core.js";
import { heapArray, heapOffset } from "../math/kernels/heap.js";
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
 * numpy's randn on doubles drawn already: the polar method on `u[at.next]`, `u[at.next + 1]`, …
 * (a pair outside the unit disc skipped, as legacy_gauss skips it), writing whole pairs f·x₂, f·x₁
 * into `out` from `from` on while `out` has room for a pair and `u` has a pair left. Moves
 * `at.next` past the doubles read; returns the index in `out` after the last normal written.
 */
export function polarFromDoubles(
  u: Float64Array,
  at: { next: number },
  out: Float64Array,
  from: number,
): number {
  let i = from;
  let next = at.next;
  while (i + 1 < out.length && next + 1 < u.length) {
    const x1 = 2 * u[next] - 1;
    const x2 = 2 * u[next + 1] - 1;
    next += 2;
    const r2 = x1 * x1 + x2 * x2;
    if (r2 >= 1 || r2 === 0) continue;
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    out[i++] = f * x2;
    out[i++] = f * x1;
  }
  at.next = next;
  return i;
}

/**
 * numpy's `np.random.seed(seed)` followed by `np.random.randn(...)` calls: the same polar method
 * as PolarNormals. Small draws (the homework's) run in JS on uniforms drawn in batches; the
 * first large one moves the generator into the WebAssembly core (core.wat's `polar_normals`:
 * MT19937, the uniforms, the rejection and a logarithm that is V8's Math.log bit for bit), which
 * then writes normals in pairs. Either way the sequence is the same: the generator is this
 * object's alone, and it moves between batches.
 */
class NumpyNormals implements Normals {
  readonly name = "numpy";
  private readonly mt: MT19937;
  private readonly uniforms = new Float64Array(2048);
  /** the next double of the batch */
  private readonly at = { next: this.uniforms.length };
  private readonly pair = new Float64Array(2);
  private spare = 0;
  private hasSpare = false;
  private onCore?: { core: Core; state: number; pairs: Float64Array; next: number };

  constructor(seed: number) {
    this.mt = new MT19937(seed);
  }

  fill(out: Float64Array): void {
    let i = 0;
    if (this.hasSpare && out.length > 0) {
      out[i++] = this.spare;
      this.hasSpare = false;
    }
    if (this.onCore) this.fillOnCore(out, i);
    else this.fillInJs(out, i);
  }

  private fillInJs(out: Float64Array, from: number): void {
    const u = this.uniforms;
    let i = from;
    while (i < out.length) {
      if (this.at.next === u.length) {
        // the batch is used up: a large draw moves the generator to the core from here on
        if (out.length >= CORE_MIN && this.moveToCore()) {
          this.fillOnCore(out, i);
          return;
        }
        this.mt.fillDoubles(u);
        this.at.next = 0;
      }
      i = out.length - i >= 2 ? polarFromDoubles(u, this.at, out, i) : this.halfPair(out, i);
    }
  }

  /** The last normal of a draw: f·x2 of the next pair, its f·x1 kept as the spare. */
  private halfPair(out: Float64Array, i: number): number {
    if (polarFromDoubles(this.uniforms, this.at, this.pair, 0) < 2) return i; // batch used up
    this.spare = this.pair[1];
    this.hasSpare = true;
    out[i] = this.pair[0];
    return i + 1;
  }

  private fillOnCore(out: Float64Array, from: number): void {
    const c = this.onCore!;
    let i = this.takeBuffered(out, from);
    // whole pairs straight into a destination in the shared memory: no copy
    const at = heapOffset(out);
    if (at >= 0 && c.next === c.pairs.length) {
      while (out.length - i >= 2) {
        const pairs = Math.min(PAIRS, (out.length - i) >> 1);
        c.core.polar_normals(c.state, at + 8 * i, pairs);
        i += 2 * pairs;
      }
    }
    while (i < out.length) {
      c.core.polar_normals(c.state, c.pairs.byteOffset, PAIRS);
      c.next = 0;
      i = this.takeBuffered(out, i);
    }
    // an odd count leaves a pair half used: its second value is the spare, as in halfPair
    if (c.next % 2 === 1) {
      this.spare = c.pairs[c.next++];
      this.hasSpare = true;
    }
  }

  /** Normals the core wrote ahead, copied into out from i on; the new i. */
  private takeBuffered(out: Float64Array, from: number): number {
    const c = this.onCore!;
    const n = Math.min(out.length - from, c.pairs.length - c.next);
    for (let k = 0; k < n; k++) out[from + k] = c.pairs[c.next + k];
    c.next += n;
    return from + n;
  }

  /** Hands the MT19937 state to the core (the JS batch being used up); false without a core. */
  private moveToCore(): boolean {
    const core = wasmCore();
    if (!core) return false;
    // core.wat's layout: 624 state words, 624 tempered words, the index; then the normals
    const { words, tempered, index } = this.mt.snapshot();
    let block: Float64Array;
    try {
      block = heapArray(STATE_DOUBLES + 2 * PAIRS);
    } catch {
      return false; // the shared memory is full: stay in JS
    }
    const state = new Int32Array(block.buffer, block.byteOffset, 2 * 624 + 1);
    state.set(words);
    state.set(tempered, 624);
    state[2 * 624] = index;
    const pairs = block.subarray(STATE_DOUBLES);
    this.onCore = { core, state: block.byteOffset, pairs, next: pairs.length };
    return true;
  }
}

/** From this many normals in one draw on, the generator moves to the core; pairs per refill. */
const CORE_MIN = 4096;
const PAIRS = 2048;
const STATE_DOUBLES = Math.ceil((4 * (2 * 624 + 1)) / 8);

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
