/**
 * Seeded random numbers: xoshiro128** for uniform 32-bit words, 24-bit floats
 * in [0, 1) like PyTorch's float32 `rand`, and polar-method normals. The whole
 * state (including a cached second normal) can be saved and restored so a
 * resumed training run draws the same numbers as an uninterrupted one.
 */
import { ArgumentError } from '../errors.js';

export interface GeneratorState {
  s: [number, number, number, number];
  spareNormal: number | null;
}

export class Generator {
  private s = new Uint32Array(4);
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Seeds the state with splitmix32 so nearby seeds give unrelated streams. */
  manualSeed(seed: number): this {
    let x = (Math.trunc(seed) >>> 0) ^ Math.trunc(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
    this.spareNormal = null;
    return this;
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits, exactly representable in float32. */
  random(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /**
   * Standard normal by Marsaglia's polar method (no trigonometry, about 1.27
   * uniform pairs per two normals); the second value of each pair is kept
   * for the next call.
   */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s >= 1 || s === 0) continue;
      const f = Math.sqrt((-2 * Math.log(s)) / s);
      this.spareNormal = v * f;
      return u * f;
    }
  }

  /** Fills `out` with uniform values in [low, high); the hot loop of weight initialisation, kept free of calls. */
  fillUniform(out: Float32Array, low: number, high: number): void {
    const s = this.s;
    let s0 = s[0],
      s1 = s[1],
      s2 = s[2],
      s3 = s[3];
    const scale = (high - low) / 16777216;
    for (let i = 0; i < out.length; i++) {
      const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      out[i] = low + (r >>> 8) * scale;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
  }

  /** Uniform integer in [0, n) without modulo bias. */
  randint(n: number): number {
    if (n <= 0) throw new ArgumentError(`randint needs n > 0, got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  getState(): GeneratorState {
    return { s: [this.s[0], this.s[1], this.s[2], this.s[3]], spareNormal: this.spareNormal };
  }

  setState(state: GeneratorState): void {
    this.s.set(state.s);
    this.spareNormal = state.spareNormal;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The generator used when none is passed, like torch.default_generator. */
export const defaultGenerator = new Generator(0x5eed);

export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
