/**
 * MT19937, the Mersenne Twister of Matsumoto & Nishimura, as numpy's legacy `RandomState`
 * runs it: `init_genrand(seed)` seeding and 53-bit doubles from two 32-bit draws.
 */
const N = 624;
const M = 397;
// The state is kept as signed 32-bit integers (the same bits): values of 2³¹ and above in a
// Uint32Array are not V8 small integers, and the twist would run on heap doubles.
const UPPER = 0x80000000 | 0;
const LOWER = 0x7fffffff;
const MATRIX_A = 0x9908b0df | 0;
const TEMPER_B = 0x9d2c5680 | 0;
const TEMPER_C = 0xefc60000 | 0;

export class MT19937 {
  private readonly mt = new Int32Array(N);
  private index = N;

  /** init_genrand(s): numpy's `np.random.seed(s)` for an integer 0 ≤ s < 2³². */
  constructor(seed: number) {
    this.reseed(seed);
  }

  /** init_genrand(s) again, in place: the same generator as `new MT19937(s)`, nothing allocated. */
  reseed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`MT19937 seed must be an integer in 0…2³²−1, got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed | 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) | 0;
    }
    this.index = N;
  }

  private twist(): void {
    const mt = this.mt;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
      mt[k] = mt[k + M] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k] & UPPER) | (mt[k + 1] & LOWER);
      mt[k] = mt[k + M - N] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (mt[N - 1] & UPPER) | (mt[0] & LOWER);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }

  /**
   * The state words, tempered too, and the index of the next one: for a generator that takes
   * over from here (numpy's words from the index on are tempered[index], tempered[index + 1] …).
   */
  snapshot(): { words: Int32Array; tempered: Int32Array; index: number } {
    return { words: this.mt.slice(), tempered: this.mt.map(temper), index: this.index };
  }

  /** genrand_int32: the next 32-bit word, tempered. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    return temper(this.mt[this.index++]) >>> 0;
  }

  /** random_sample: a double in [0, 1) with 53 random bits, (a·2²⁶ + b) / 2⁵³. */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `out.length` doubles as nextDouble gives them, in one tight loop (the tempering inlined). */
  fillDoubles(out: Float64Array): void {
    const mt = this.mt;
    let index = this.index;
    for (let i = 0; i < out.length; i++) {
      if (index >= N - 1) {
        // the two words of this double may straddle a twist: take them one at a time
        this.index = index;
        out[i] = this.nextDouble();
        index = this.index;
        continue;
      }
      let a = mt[index++];
      a ^= a >>> 11;
      a ^= (a << 7) & TEMPER_B;
      a ^= (a << 15) & TEMPER_C;
      a ^= a >>> 18;
      let b = mt[index++];
      b ^= b >>> 11;
      b ^= (b << 7) & TEMPER_B;
      b ^= (b << 15) & TEMPER_C;
      b ^= b >>> 18;
      out[i] = ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
    }
    this.index = index;
  }
}

/** MT19937's tempering of a state word (as a signed 32-bit integer). */
function temper(word: number): number {
  let y = word;
  y ^= y >>> 11;
  y ^= (y << 7) & TEMPER_B;
  y ^= (y << 15) & TEMPER_C;
  return y ^ (y >>> 18);
}
