/** safetensors: spec conformance and hostile headers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SafetensorsError } from '../../src/io/errors.js';
import { fromFloat32, toFloat32 } from '../../src/io/raw-tensor.js';
import { decodeRawSafetensors, encodeRawSafetensors } from '../../src/io/safetensors.js';
import { ascii, concat, expectedFixtures, fixture, prototypeKeys, randomBytes, rejects, u64le } from './helpers.js';

/** A file with the given header text (padded to 8) and data section. */
function file(header: string, data: Uint8Array | number = 0): Uint8Array {
  const h = ascii(header);
  const padded = concat(h, new Array<number>((8 - (h.length % 8)) % 8).fill(0x20));
  return concat(u64le(BigInt(padded.length)), padded, typeof data === 'number' ? new Uint8Array(data) : data);
}

const f32 = (name: string, shape: number[], begin: number, end: number) =>
  `${JSON.stringify(name)}:{"dtype":"F32","shape":${JSON.stringify(shape)},"data_offsets":[${begin},${end}]}`;

describe('safetensors reader', () => {
  test('the fixture written from the spec by generate.py, metadata included', () => {
    const exp = expectedFixtures().get('conv.safetensors')!;
    const { tensors, metadata } = decodeRawSafetensors(fixture('conv.safetensors'));
    assert.deepEqual(Object.fromEntries(metadata), exp.metadata);
    assert.deepEqual(
      [...tensors.keys()],
      exp.tensors.map((t) => t.name),
    );
  });

  test('minimal valid files', () => {
    assert.equal(decodeRawSafetensors(file('{}')).tensors.size, 0);
    const t = decodeRawSafetensors(
      file(`{${f32('a', [2], 0, 8)},${f32('b', [], 8, 12)},${f32('c', [0, 5], 12, 12)}}`, 12),
    ).tensors;
    assert.deepEqual([...t.keys()], ['a', 'b', 'c']);
    assert.deepEqual(t.get('c')!.shape, [0, 5]);
    // Entries may be listed in any order; the data must still tile the section.
    const swapped = decodeRawSafetensors(
      file(`{${f32('late', [1], 4, 8)},${f32('early', [1], 0, 4)}}`, new Uint8Array(new Float32Array([1, 2]).buffer)),
    );
    assert.deepEqual([...toFloat32(swapped.tensors.get('late')!)], [2]);
    // Whitespace inside and after the JSON is fine, but like upstream the header must start with '{'.
    assert.equal(decodeRawSafetensors(file('{ }\t\n ')).tensors.size, 0);
    rejects(() => decodeRawSafetensors(file(' {}')), SafetensorsError);
  });

  test('empty, tiny and random inputs', () => {
    rejects(() => decodeRawSafetensors(new Uint8Array(0)), SafetensorsError);
    rejects(() => decodeRawSafetensors(new Uint8Array(7)), SafetensorsError);
    for (let seed = 1; seed <= 30; seed++)
      rejects(() => decodeRawSafetensors(randomBytes(seed * 41, seed)), SafetensorsError);
  });

  test('every truncation of a valid file is rejected', () => {
    const bytes = fixture('conv.safetensors');
    for (let n = 0; n < bytes.length; n++) rejects(() => decodeRawSafetensors(bytes.subarray(0, n)), SafetensorsError);
  });

  test('huge header lengths', () => {
    for (const n of [2n ** 64n - 1n, 2n ** 63n, 2n ** 53n, 100_000_001n, 1_000_000n]) {
      rejects(() => decodeRawSafetensors(concat(u64le(n), ascii('{}      '))), SafetensorsError, 100);
    }
  });

  const bad: [string, Uint8Array][] = [
    ['overlapping offsets', file(`{${f32('a', [2], 0, 8)},${f32('b', [2], 4, 12)}}`, 12)],
    ['a gap between tensors', file(`{${f32('a', [1], 0, 4)},${f32('b', [1], 8, 12)}}`, 12)],
    ['offsets past the data', file(`{${f32('a', [4], 0, 16)}}`, 8)],
    ['data not fully covered', file(`{${f32('a', [1], 0, 4)}}`, 8)],
    ['offsets not starting at 0', file(`{${f32('a', [1], 4, 8)}}`, 8)],
    ['reversed offsets', file(`{${f32('a', [0], 8, 4)}}`, 8)],
    [
      'offsets beyond 2^53',
      file('{"a":{"dtype":"F32","shape":[1],"data_offsets":[9007199254740993,9007199254740997]}}', 4),
    ],
    ['negative offsets', file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}`, 4)],
    ['fractional offsets', file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.5,4.5]}}`, 4)],
    ['three offsets', file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, 4)],
    ['dtype x shape != byte length', file(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,4]}}`, 4)],
    ['shape overflowing', file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, 4)],
    ['negative dimension', file(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, 4)],
    ['unsupported dtype', file(`{"a":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, 1)],
    ['missing dtype', file(`{"a":{"shape":[1],"data_offsets":[0,4]}}`, 4)],
    ['tensor entry not an object', file(`{"a":[1,2]}`)],
    ['duplicate names', file(`{${f32('a', [1], 0, 4)},${f32('a', [1], 4, 8)}}`, 8)],
    [
      'duplicate names after escapes',
      file(`{${f32('a', [1], 0, 4)},"\\u0061":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, 8),
    ],
    ['duplicate fields', file(`{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4)],
    ['header not JSON', file('{"a":')],
    ['header not an object', file('[]')],
    ['header with trailing garbage', file('{} x')],
    ['header not UTF-8', concat(u64le(8n), [0x7b, 0xff, 0xfe, 0x7d, 0x20, 0x20, 0x20, 0x20])],
    ['metadata not an object', file('{"__metadata__":"x"}')],
    ['metadata with a non-string value', file('{"__metadata__":{"a":1}}')],
    ['deeply nested header', file('{"a":' + '['.repeat(10000) + ']'.repeat(10000) + '}')],
  ];
  for (const [name, bytes] of bad) {
    test(`rejects ${name}`, () => {
      rejects(() => decodeRawSafetensors(bytes), SafetensorsError);
    });
  }

  test('__proto__ keys cannot pollute prototypes', () => {
    const before = prototypeKeys();
    const header =
      `{"__metadata__":{"__proto__":"x","polluted":"yes","constructor":"c"},` +
      `"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"__proto__":{"polluted":true}},` +
      `${f32('constructor', [1], 4, 8)}}`;
    const { tensors, metadata } = decodeRawSafetensors(file(header, 8));
    assert.deepEqual([...tensors.keys()], ['__proto__', 'constructor']);
    assert.deepEqual([...metadata.keys()], ['__proto__', 'polluted', 'constructor']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(prototypeKeys(), before);
    // And the writer round-trips such names.
    const back = decodeRawSafetensors(encodeRawSafetensors(tensors, Object.fromEntries(metadata))).tensors;
    assert.deepEqual([...back.keys()], ['__proto__', 'constructor']);
    assert.deepEqual(prototypeKeys(), before);
  });

  test('tensor data are views of the input, at the declared offsets', () => {
    const bytes = encodeRawSafetensors(
      new Map([
        ['a', fromFloat32([2], new Float32Array([1, 2]))],
        ['b', fromFloat32([1], new Float32Array([3]))],
      ]),
    );
    const b = decodeRawSafetensors(bytes).tensors.get('b')!;
    assert.equal(b.data.buffer, bytes.buffer);
    assert.deepEqual([...toFloat32(b)], [3]);
  });
});
