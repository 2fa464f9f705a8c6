/** Shared helpers for the checkpoint-format tests. */
import { Generator } from '../../src/tensor/rng.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { CheckpointError } from '../../src/io/errors.js';
import { repoRoot } from './paths.js';
import { crc32 } from '../../src/io/crc32.js';
import type { DType, RawTensor } from '../../src/io/raw-tensor.js';

export const FIXTURES = join(repoRoot, 'test', 'fixtures', 'checkpoints');

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

export interface ExpectedTensor {
  name: string;
  dtype: DType;
  shape: number[];
  hex: string;
  values: number[];
}

export interface ExpectedFile {
  options: { key?: string; stripPrefix?: string };
  metadata?: Record<string, string>;
  tensors: ExpectedTensor[];
}

/** What generate.py recorded for each fixture (loaded back with torch). */
export function expectedFixtures(): Map<string, ExpectedFile> {
  const json = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Record<string, ExpectedFile>;
  return new Map(Object.entries(json));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Asserts that a reader returned exactly the recorded tensors, in order. */
export function assertMatches(
  actual: Map<string, RawTensor>,
  expected: ExpectedTensor[],
  toFloat32: (t: RawTensor) => Float32Array,
): void {
  assert.deepEqual(
    [...actual.keys()],
    expected.map((e) => e.name),
  );
  for (const e of expected) {
    const t = actual.get(e.name)!;
    assert.equal(t.dtype, e.dtype, `${e.name} dtype`);
    assert.deepEqual(t.shape, e.shape, `${e.name} shape`);
    assert.equal(toHex(t.data), e.hex, `${e.name} bytes`);
    // generate.py stores the shortest decimal of each float32 value.
    assert.deepEqual([...toFloat32(t)], e.values.map(Math.fround), `${e.name} values`);
  }
}

/**
 * Runs `fn`, which must throw a CheckpointError (optionally of a given
 * subclass) within `ms` milliseconds. Returns the error for further checks.
 */
export function rejects(
  fn: () => unknown,
  cls: new (...args: never[]) => CheckpointError = CheckpointError,
  ms = 2000,
): CheckpointError {
  const t0 = performance.now();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  const elapsed = performance.now() - t0;
  assert.ok(caught !== undefined, 'expected an error, but the call returned');
  if (!(caught instanceof cls)) {
    assert.fail(
      `expected ${cls.name}, got ${(caught as Error)?.name}: ${(caught as Error)?.message}\n${(caught as Error)?.stack}`,
    );
  }
  assert.ok(elapsed < ms, `took ${elapsed.toFixed(0)} ms`);
  return caught as CheckpointError;
}

/** Either returns normally or throws a CheckpointError; anything else fails the property. */
export function okOrCheckpointError(fn: () => unknown): boolean {
  try {
    fn();
  } catch (e) {
    if (e instanceof CheckpointError) return true;
    throw e;
  }
  return true;
}

/** Deterministic uniform numbers in [0, 1) (the library's seeded generator) for reproducible random bytes. */
export function prng(seed: number): () => number {
  const g = new Generator(seed);
  return () => g.random();
}

export function randomBytes(n: number, seed: number): Uint8Array {
  const r = prng(seed);
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let pos = 0;
  for (const a of arrays) {
    out.set(a, pos);
    pos += a.length;
  }
  return out;
}

export function ascii(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

export function u32le(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

export function u64le(n: bigint): number[] {
  const out: number[] = [];
  for (let i = 0n; i < 8n; i++) out.push(Number((n >> (8n * i)) & 0xffn));
  return out;
}

export interface RawZipEntry {
  name: string;
  /** Bytes as stored (already compressed for method 8). */
  stored: Uint8Array;
  method?: number;
  /** Declared uncompressed size (default: stored length). */
  size?: number;
  /** Declared CRC (default: CRC of `plain` or of `stored`). */
  crc?: number;
  plain?: Uint8Array;
}

/**
 * A deliberately unvalidating ZIP builder for hostile archives: whatever
 * sizes, CRCs and methods the test declares are written as given.
 */
export function buildRawZip(entries: RawZipEntry[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = ascii(e.name);
    const method = e.method ?? 0;
    const size = e.size ?? (e.plain ?? e.stored).length;
    const crc = e.crc ?? crc32(e.plain ?? e.stored);
    const common = [
      ...[20, 0],
      ...[0, 0],
      ...[method, 0],
      ...[0, 0, 0, 0],
      ...u32le(crc),
      ...u32le(e.stored.length),
      ...u32le(size),
      ...[name.length & 0xff, name.length >> 8],
    ];
    const local = concat(u32le(0x04034b50), common, [0, 0], name, e.stored);
    const central = concat(
      u32le(0x02014b50),
      [20, 0],
      common,
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      u32le(0),
      u32le(offset),
      name,
    );
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cd = concat(...centrals);
  const n = entries.length;
  const eocd = concat(
    u32le(0x06054b50),
    [0, 0, 0, 0],
    [n & 0xff, n >> 8, n & 0xff, n >> 8],
    u32le(cd.length),
    u32le(offset),
    [0, 0],
  );
  return concat(...locals, cd, eocd);
}

export function deflated(plain: Uint8Array): Uint8Array {
  return new Uint8Array(deflateRawSync(plain));
}

/** Snapshot of Object.prototype's own keys, to prove nothing was polluted. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}
