import { MT19937 } from "./mt19937.js";

/**
 * One np.random.seed(seed) stream that serves both np.random.randn and np.random.rand, in the
 * order they are called (a notebook that used rand for some matrices and randn for others).
 * randn is numpy's legacy_gauss (polar method, the spare kept between calls), rand its
 * random_sample.
 */
export class NumpyStream {
  private readonly mt: MT19937;
  /** doubles drawn ahead in one batch, consumed in order by both rand and randn */
  private readonly ahead = new Float64Array(1024);
  private next = this.ahead.length;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.mt = new MT19937(seed);
  }

  randn(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.gauss();
  }

  rand(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
  }

  private uniform(): number {
    if (this.next === this.ahead.length) {
      this.mt.fillDoubles(this.ahead);
      this.next = 0;
    }
    return this.ahead[this.next++];
  }

  private gauss(): number {
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
}
