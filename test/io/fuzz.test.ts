/**
 * Property tests: corrupt valid files (truncate, flip bytes, splice ranges)
 * and check that readers either succeed with well-formed tensors or throw a
 * CheckpointError, never any other error.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decodeRawPth } from '../../src/io/pth.js';
import { byteLength, toFloat32, type RawTensor } from '../../src/io/raw-tensor.js';
import { decodeRawSafetensors } from '../../src/io/safetensors.js';
import { readZip, writeZip } from '../../src/io/zip.js';
import { fixture, okOrCheckpointError } from './helpers.js';

// IO_FUZZ_RUNS=5000 for a longer local hunt.
const RUNS = Number(process.env.IO_FUZZ_RUNS ?? 300);

function checkTensors(tensors: Map<string, RawTensor>): void {
  for (const [name, t] of tensors) {
    assert.equal(t.data.length, byteLength(t.dtype, t.shape), name);
    toFloat32(t);
  }
}

type Mutation = (bytes: Uint8Array) => fc.Arbitrary<Uint8Array>;

const truncate: Mutation = (bytes) => fc.integer({ min: 0, max: bytes.length - 1 }).map((n) => bytes.slice(0, n));

const flip: Mutation = (bytes) =>
  fc
    .array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    })
    .map((flips) => {
      const out = bytes.slice();
      for (const [at, mask] of flips) out[at] ^= mask;
      return out;
    });

/** Replace a range with random bytes or with a copy of another range of the same file. */
const splice: Mutation = (bytes) =>
  fc
    .tuple(
      fc.nat({ max: bytes.length }),
      fc.nat({ max: 64 }),
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.tuple(fc.nat({ max: bytes.length }), fc.nat({ max: 64 })).map(([s, n]) => bytes.slice(s, s + n)),
      ),
    )
    .map(([at, remove, insert]) => {
      const out = new Uint8Array(bytes.length - Math.min(remove, bytes.length - at) + insert.length);
      out.set(bytes.subarray(0, at));
      out.set(insert, at);
      out.set(bytes.subarray(at + remove), at + insert.length);
      return out;
    });

const mutations: [string, Mutation][] = [
  ['truncated', truncate],
  ['with flipped bytes', flip],
  ['with spliced ranges', splice],
];

/** A zip checkpoint rebuilt around a mutated data.pkl, so CRCs pass and the unpickler sees the damage. */
function withPickle(source: Uint8Array): (pkl: Uint8Array) => Uint8Array {
  const entries = [...readZip(source).values()].map((e) => ({ name: e.name, data: e.data() }));
  const pklName = entries.find((e) => e.name.endsWith('/data.pkl'))!.name;
  return (pkl) => writeZip(entries.map((e) => (e.name === pklName ? { name: e.name, data: pkl } : e)));
}

const convZip = fixture('conv_zip.pt');
const rebuild = withPickle(convZip);
const pkl = readZip(convZip).get('conv_zip/data.pkl')!.data().slice();

const targets: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
  ['zip checkpoint', convZip, (b) => checkTensors(decodeRawPth(b))],
  ['zip checkpoint (CRC not checked)', convZip, (b) => checkTensors(decodeRawPth(b, { checkCrc: false }))],
  ['data.pkl inside a valid zip', pkl, (b) => checkTensors(decodeRawPth(rebuild(b)))],
  ['legacy checkpoint', fixture('conv_legacy.pt'), (b) => checkTensors(decodeRawPth(b))],
  ['views checkpoint (legacy)', fixture('views_legacy.pt'), (b) => checkTensors(decodeRawPth(b))],
  ['safetensors file', fixture('conv.safetensors'), (b) => checkTensors(decodeRawSafetensors(b).tensors)],
];

describe('corrupted files yield a result or a CheckpointError', () => {
  for (const [target, bytes, read] of targets) {
    for (const [how, mutate] of mutations) {
      test(`${target} ${how}`, () => {
        fc.assert(
          fc.property(mutate(bytes), (b) => okOrCheckpointError(() => read(b))),
          { numRuns: RUNS },
        );
      });
    }
  }
});
