// The one seeded random number generator of the runtime. Everything random (data order, synthetic anomalies,
// masking, initialisation) draws from a `Random`, so a recipe + seed gives the same run, and its state goes into
// checkpoints so a resumed run continues the same sequence.

/**
 * The generator as a model package's manifest names it, so that another implementation draws the same numbers
 * (docs/model-package.md "masks" spells each step out): the state seeded by four splitmix32 outputs, `derive` seeding
 * with seed XOR the FNV-1a hash of the label's UTF-16 code units, next() = nextUint32() / 2^32.
 */
export const RANDOM_ALGORITHM = {
  generator: 'xoshiro128**',
  seeding: 'splitmix32 x4',
  derive: 'seed xor fnv1a32(label as UTF-16 code units)',
  uniform: 'nextUint32() / 2^32',
} as const;

/** Serializable generator state (four 32-bit words of xoshiro128**). */
export type RandomState = [number, number, number, number];

function splitMix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < label.length; index++) {
    hash = Math.imul(hash ^ label.charCodeAt(index), 0x01000193) >>> 0;
  }
  return hash;
}

/** A seeded xoshiro128** generator. */
export class Random {
  private state: RandomState;

  constructor(seed: number | RandomState) {
    if (Array.isArray(seed)) {
      this.state = [...seed];
    } else {
      const next = splitMix32(seed);
      this.state = [next(), next(), next(), next()];
    }
  }

  /** An independent generator for a named purpose (e.g. 'masking', 'data/epoch-3'), stable for a given seed. */
  static derive(seed: number, label: string): Random {
    return new Random((seed ^ hashLabel(label)) >>> 0);
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s = this.state;
    const result = Math.imul(rotateLeft(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] = (s[2] ^ s[0]) >>> 0;
    s[3] = (s[3] ^ s[1]) >>> 0;
    s[1] = (s[1] ^ s[2]) >>> 0;
    s[0] = (s[0] ^ s[3]) >>> 0;
    s[2] = (s[2] ^ t) >>> 0;
    s[3] = rotateLeft(s[3], 11);
    return result;
  }

  /**
   * Fills `out` with the next out.length nextUint32() values (the same sequence), with the state in locals: about 3x
   * faster for the millions of draws of a step's dropout masks.
   */
  fillUint32(out: Uint32Array): Uint32Array {
    let [s0, s1, s2, s3] = this.state;
    for (let index = 0; index < out.length; index++) {
      const scrambled = Math.imul(s1, 5);
      out[index] = Math.imul((scrambled << 7) | (scrambled >>> 25), 9);
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
    }
    this.state = [s0 >>> 0, s1 >>> 0, s2 >>> 0, s3 >>> 0];
    return out;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Uniform integer in [low, high] (both inclusive). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index--) {
      const other = Math.floor(this.next() * (index + 1));
      const swap = items[index] as T;
      items[index] = items[other] as T;
      items[other] = swap;
    }
    return items;
  }

  /** The current state, to store in a checkpoint. */
  getState(): RandomState {
    return [...this.state];
  }
}

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}
