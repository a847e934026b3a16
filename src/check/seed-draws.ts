/**
 * numpy's legacy generator as the seed search needs it, given by the CLI from rng/: MT19937,
 * reseeded in place, its doubles as np.random.rand gives them; and np.random.randn's polar method
 * on doubles drawn already (rng/normals.ts's polarFromDoubles: whole pairs written from `from`
 * while `out` and `u` last, `at.next` moved past the doubles read).
 */
export interface NumpyGenerator {
  mt(seed: number): { reseed(seed: number): void; fillDoubles(out: Float64Array): void };
  polar(u: Float64Array, at: { next: number }, out: Float64Array, from: number): number;
}

/** Doubles drawn at a time (a seed draws fewer than this many it does not use). */
const CHUNK = 64;

/**
 * One seed's draws, shared by every draw order the search tries: MT19937's doubles, and the
 * normals np.random.randn makes of them, each drawn once: the doubles most seeds need in one go,
 * then more only as far as an order asks.
 *
 * `np.random.rand` for the first `randFirst` values, then randn, reads the same doubles: the polar
 * method takes them in pairs, so when `randFirst` is even the normals after the rand values are
 * the randn run's from its first pair that starts at or after double `randFirst`. (An odd
 * `randFirst` gets a run of its own.)
 */
export class SeedDraws {
  private readonly mt: ReturnType<NumpyGenerator["mt"]>;
  private uniforms: Float64Array = new Float64Array(16 * CHUNK);
  private drawn = 0;
  private readonly randn: NormalRun;
  private readonly afterRand: NormalRun;
  /** where the normals after the rand values start in `afterRand`'s */
  private randStart = 0;
  private mixed: Float64Array = new Float64Array(0);
  private readonly upfront: number;

  /**
   * `randFirst`: the rand values before randn's; `usual`: the normals a seed usually needs (its
   * doubles, about 4/π as many, are drawn in one go: a seed draws fewer in pieces).
   */
  constructor(
    numpy: NumpyGenerator,
    private readonly randFirst: number,
    usual = 0,
  ) {
    this.upfront = Math.max(CHUNK, Math.floor((usual * 4) / Math.PI / CHUNK) * CHUNK);
    this.mt = numpy.mt(0);
    this.randn = new NormalRun(numpy.polar, 0);
    this.afterRand = randFirst % 2 === 0 ? this.randn : new NormalRun(numpy.polar, randFirst);
  }

  /** np.random.seed(seed), and the doubles most seeds need drawn. */
  reseed(seed: number): void {
    this.mt.reseed(seed);
    this.drawn = 0;
    this.draw(this.upfront);
    this.randn.restart();
    this.afterRand.restart();
    if (this.afterRand === this.randn) {
      // the normals of pairs that start before double randFirst
      this.drawTo(this.randFirst);
      this.randStart = this.randn.extend(this.uniforms.subarray(0, this.randFirst), this.randFirst);
    }
  }

  /** The first `n` values of np.random.randn(…) calls after the seed (the buffer may hold more). */
  normals(n: number): Float64Array {
    return this.run(this.randn, n);
  }

  /**
   * The first `n` values when the first `randFirst` are drawn with np.random.rand and the rest
   * with np.random.randn, laid end to end.
   */
  randThenNormals(n: number): Float64Array {
    const k = n - this.randFirst;
    const rest = this.run(this.afterRand, this.randStart + k);
    if (this.mixed.length < n) this.mixed = new Float64Array(n);
    this.mixed.set(this.uniforms.subarray(0, this.randFirst));
    this.mixed.set(rest.subarray(this.randStart, this.randStart + k), this.randFirst);
    return this.mixed;
  }

  /** A run's first `n` normals, drawing doubles as it needs them. */
  private run(r: NormalRun, n: number): Float64Array {
    while (r.made < n && r.extend(this.uniforms.subarray(0, this.drawn), n) < n) {
      this.drawTo(this.drawn + CHUNK - 1);
    }
    return r.values;
  }

  /** Draws the doubles up to the `i`-th. */
  private drawTo(i: number): void {
    while (i >= this.drawn) this.draw(CHUNK);
  }

  /** Draws `n` more doubles. */
  private draw(n: number): void {
    if (this.drawn + n > this.uniforms.length) this.uniforms = grown(this.uniforms, this.drawn + n);
    this.mt.fillDoubles(this.uniforms.subarray(this.drawn, this.drawn + n));
    this.drawn += n;
  }
}

/** The normals the polar method makes from a seed's doubles, from one of them on. */
class NormalRun {
  values: Float64Array = new Float64Array(1024);
  made = 0;
  /** the next double the polar method reads */
  private readonly at = { next: 0 };

  constructor(
    private readonly polar: NumpyGenerator["polar"],
    private readonly from: number,
  ) {}

  restart(): void {
    this.at.next = this.from;
    this.made = 0;
  }

  /**
   * Makes normals from the doubles `u` until there are `n` (rounded up to whole pairs) or `u` is
   * used up; returns how many there are.
   */
  extend(u: Float64Array, n: number): number {
    if (n <= this.made) return this.made;
    const end = Math.min(n + (n % 2), u.length); // no more pairs than u could make
    if (end > this.values.length) this.values = grown(this.values, end);
    this.made = this.polar(
      u,
      this.at,
      this.values.subarray(0, Math.max(end, this.made)),
      this.made,
    );
    return this.made;
  }
}

/** A buffer twice as long (or `n` long), its values kept. */
function grown(a: Float64Array, n: number): Float64Array {
  const b = new Float64Array(Math.max(2 * a.length, n));
  b.set(a);
  return b;
}
