/** The neutral tensor record and its float32 conversions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  byteLength,
  fromFloat32,
  isDType,
  itemSize,
  shapeNumel,
  toFloat32,
  type DType,
  type RawTensor,
} from '../../src/io/raw-tensor.js';

function tensor(dtype: DType, shape: number[], fill: (v: DataView) => void): RawTensor {
  const data = new Uint8Array(byteLength(dtype, shape));
  fill(new DataView(data.buffer));
  return { dtype, shape, data };
}

describe('raw tensors', () => {
  test('item sizes, element counts and dtype guards', () => {
    assert.equal(itemSize('bfloat16'), 2);
    assert.equal(itemSize('int64'), 8);
    assert.equal(shapeNumel([]), 1);
    assert.equal(shapeNumel([3, 0, 2]), 0);
    assert.throws(() => shapeNumel([-1]), RangeError);
    assert.throws(() => shapeNumel([2 ** 30, 2 ** 30, 2 ** 30]), RangeError);
    assert.ok(isDType('float16'));
    assert.ok(!isDType('toString') && !isDType('__proto__') && !isDType(4));
  });

  test('float16 specials, subnormals and signs', () => {
    const bits = [0x3c00, 0xc000, 0x7c00, 0xfc00, 0x0001, 0x03ff, 0x8000, 0x7bff, 0x7e00];
    const t = tensor('float16', [bits.length], (v) => bits.forEach((b, i) => v.setUint16(i * 2, b, true)));
    const f = toFloat32(t);
    assert.deepEqual([...f.subarray(0, 8)], [1, -2, Infinity, -Infinity, 2 ** -24, 1023 * 2 ** -24, -0, 65504]);
    assert.ok(Number.isNaN(f[8]));
  });

  test('bfloat16 is the upper half of float32', () => {
    const t = tensor('bfloat16', [3], (v) => [0x3f80, 0xc0a0, 0x7f80].forEach((b, i) => v.setUint16(i * 2, b, true)));
    assert.deepEqual([...toFloat32(t)], [1, -5, Infinity]);
  });

  test('integers, bools and float64 round like tensor.float()', () => {
    assert.deepEqual(
      [
        ...toFloat32(
          tensor('int64', [2], (v) => (v.setBigInt64(0, -(2n ** 40n), true), v.setBigInt64(8, 16777217n, true))),
        ),
      ],
      [-(2 ** 40), 16777216],
    );
    assert.deepEqual([...toFloat32(tensor('int8', [2], (v) => (v.setInt8(0, -128), v.setInt8(1, 127))))], [-128, 127]);
    assert.deepEqual([...toFloat32(tensor('uint8', [1], (v) => v.setUint8(0, 200)))], [200]);
    assert.deepEqual([...toFloat32(tensor('int16', [1], (v) => v.setInt16(0, -300, true)))], [-300]);
    assert.deepEqual([...toFloat32(tensor('int32', [1], (v) => v.setInt32(0, -70000, true)))], [-70000]);
    assert.deepEqual([...toFloat32(tensor('bool', [2], (v) => (v.setUint8(0, 1), v.setUint8(1, 0))))], [1, 0]);
    assert.deepEqual([...toFloat32(tensor('float64', [1], (v) => v.setFloat64(0, 0.1, true)))], [Math.fround(0.1)]);
  });

  test('float32 data at an unaligned offset', () => {
    const backing = new Uint8Array(9);
    new DataView(backing.buffer).setFloat32(1, 1.5, true);
    new DataView(backing.buffer).setFloat32(5, -2, true);
    assert.deepEqual([...toFloat32({ dtype: 'float32', shape: [2], data: backing.subarray(1) })], [1.5, -2]);
  });

  test('fromFloat32 copies, and both directions validate lengths', () => {
    const values = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = fromFloat32([2, 3], values);
    values[0] = 99;
    assert.deepEqual([...toFloat32(t)], [1, 2, 3, 4, 5, 6]);
    assert.equal(t.data.length, 24);
    assert.throws(() => fromFloat32([4], values), RangeError);
    assert.throws(() => toFloat32({ dtype: 'float32', shape: [2], data: new Uint8Array(4) }), RangeError);
    const out = toFloat32(t);
    out[0] = 42;
    assert.equal(toFloat32(t)[0], 1, 'toFloat32 returns a copy');
  });
});
