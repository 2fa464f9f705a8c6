/**
 * Generators derived from a key such as (seed, epoch) or (seed, epoch,
 * position): the same key always gives the same stream, and nearby keys give
 * unrelated ones. The DataLoader draws each epoch's order and each sample's
 * augmentation from its own derived generator, so neither depends on how many
 * batches are loaded ahead, and a run resumed at any batch sees the same ones.
 */
import { ArgumentError } from '../errors.js';
import { Generator } from '../tensor/rng.js';

/** murmur3's finaliser: a bijection on 32-bit words that spreads every input bit over the output. */
function fmix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Four independent lanes (the digits of π as starting values) fill xoshiro's 128-bit state. */
const LANES = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344];

/** A generator whose state is a hash of `key`: non-negative safe integers (each hashed as two 32-bit halves). */
export function derivedGenerator(...key: number[]): Generator {
  const words: number[] = [];
  for (const k of key) {
    if (!Number.isSafeInteger(k) || k < 0)
      throw new ArgumentError(`generator keys must be non-negative integers, got ${k}`);
    words.push(k >>> 0, Math.floor(k / 2 ** 32) >>> 0);
  }
  const s = LANES.map((lane) => words.reduce((h, w) => fmix32(((h ^ w) + 0x9e3779b9) | 0), lane)) as [
    number,
    number,
    number,
    number,
  ];
  if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1; // xoshiro's one forbidden state
  const g = new Generator();
  g.setState({ s, spareNormal: null });
  return g;
}
