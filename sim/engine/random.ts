import seedrandom from 'seedrandom';

/**
 * A seeded random stream. Every stream is `alea`, so each call site sees one generator type
 * (mixing generator types through one call site costs up to 4×, see TOOLCHAIN.md).
 */
export class RandomStream {
  private readonly next: () => number;

  constructor(seed: string) {
    this.next = seedrandom.alea(seed);
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next();
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p >= 1 || (p > 0 && this.next() < p);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal (Box–Muller; one draw pair per call keeps the stream position simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median and shape σ. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/**
 * Derives independent streams from one run seed by purpose name ("arrivals", "latency",
 * "policy:subject"…), so that changing one consumer's draws never shifts another's: the basis of
 * common random numbers across policies.
 */
export class RandomStreams {
  constructor(readonly seed: number | string) {}

  stream(name: string): RandomStream {
    return new RandomStream(`swarmsim:${this.seed}:${name}`);
  }
}
