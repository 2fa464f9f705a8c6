/** Unit tests of the transforms: sizes, offsets, padding, normalisation, composition, raw pixels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageFromPixels } from '../../../src/data/image.js';
import { axisCoefficients, resamplePlanes } from '../../../src/data/resample.js';
import {
  centerCrop,
  compose,
  imageClassification,
  isEightBitValued,
  normalize,
  resize,
  resizedSize,
  roundHalfEven,
  toTensor,
} from '../../../src/data/transforms.js';
import { ArgumentError, ShapeError } from '../../../src/errors.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { positionCoded } from '../../helpers/images.js';

/** [C, H, W] with value c*1000 + y*100 + x, to read positions back. */
const positions = (c: number, h: number, w: number): Tensor => positionCoded(c, h, w, 1000, 100);

function bytesImage(h: number, w: number, seed = 1): Tensor {
  let s = seed;
  const px = Uint8Array.from({ length: h * w * 3 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 16) & 255);
  return imageFromPixels(px, w, h, 3);
}

test('roundHalfEven is Python round()', () => {
  assert.deepEqual(
    [0.5, 1.5, 2.5, 3.5, 16.5, 58.5, 2.4, 2.6, 0, 7].map(roundHalfEven),
    [0, 2, 2, 4, 16, 58, 2, 3, 0, 7],
  );
});

test('resizedSize follows torchvision 0.14: shorter side = size, longer = int(size * long / short)', () => {
  assert.deepEqual(resizedSize(240, 320, 256), [256, 341]); // 341.33
  assert.deepEqual(resizedSize(320, 240, 256), [341, 256]);
  assert.deepEqual(resizedSize(131, 257, 256), [256, 502]); // 502.2
  assert.deepEqual(resizedSize(900, 1200, [256]), [256, 341]);
  assert.deepEqual(resizedSize(100, 100, 256), [256, 256]);
  assert.deepEqual(resizedSize(3, 2000, 256), [256, 170666]);
  assert.deepEqual(resizedSize(200, 300, 2), [2, 3]);
  assert.deepEqual(resizedSize(7, 9, 10), [10, 12]); // 12.86 truncated, not rounded
  assert.deepEqual(resizedSize(240, 320, [17, 300]), [17, 300]);
  assert.deepEqual(resizedSize(240, 320, 256, 300), [225, 300]); // max_size: int(300 * 256 / 341)
  assert.deepEqual(resizedSize(240, 320, 256, 400), [256, 341]);
  assert.throws(() => resizedSize(240, 320, 256, 256), ArgumentError);
  assert.throws(() => resizedSize(240, 320, [1, 2], 300), ArgumentError);
  assert.throws(() => resizedSize(10000, 10, 5, 6), /empty image/);
  for (const bad of [0, -3, 1.5, NaN, [1, 2, 3], [], 'x']) {
    assert.throws(() => resizedSize(10, 10, bad as unknown as number), ArgumentError, String(bad));
  }
});

test('resize: output shapes, batches, the same tensor back when nothing changes', () => {
  const img = bytesImage(15, 20);
  assert.deepEqual(resize(40)(img).shape, [3, 40, 53]);
  assert.deepEqual(resize([7, 9])(img).shape, [3, 7, 9]);
  assert.equal(resize(15)(img), img);
  assert.equal(resize([15, 20])(img), img);
  const batch = new Tensor(new Float32Array(2 * 3 * 15 * 20), [2, 3, 15, 20]);
  assert.deepEqual(resize(30)(batch).shape, [2, 3, 30, 40]);
  assert.deepEqual(resize(5)(new Tensor(new Float32Array(15 * 20), [1, 15, 20])).shape, [1, 5, 6]);
  assert.throws(() => resize(10)(new Tensor(new Float32Array(4), [2, 2])), ShapeError);
  assert.throws(() => resize(10, { interpolation: 'nearest' as 'bilinear' }), ArgumentError);
  assert.throws(() => resize(0), ArgumentError);
});

test('resize keeps constant images constant, up and down, in both arithmetic modes', () => {
  for (const v of [0, 1, 77 / 255, 0.3]) {
    const img = new Tensor(new Float32Array(3 * 31 * 17).fill(v), [3, 31, 17]);
    for (const size of [
      [5, 9],
      [100, 3],
      [62, 34],
      [1, 1],
    ] as [number, number][]) {
      for (const antialias of [true, false]) {
        const out = resize(size, { antialias })(img);
        for (const x of out.data) assert.ok(Math.abs(x - v) < 1e-6, `${v} ${size} ${antialias}: ${x}`);
      }
    }
  }
});

test('resize rounds to bytes like Pillow only for 8-bit-valued input (uint8: auto)', () => {
  const bytes = bytesImage(23, 29);
  assert.ok(isEightBitValued(bytes.data));
  const out = resize([10, 11])(bytes);
  assert.ok(isEightBitValued(out.data));
  const float = new Tensor(
    bytes.data.map((v) => v * 0.999),
    bytes.shape,
  );
  assert.ok(!isEightBitValued(float.data));
  const outF = resize([10, 11])(float);
  assert.ok(!isEightBitValued(outF.data));
  // the two differ by the byte rounding only: at most half a byte per pass
  const exact = resize([10, 11], { uint8: false })(bytes);
  for (let i = 0; i < out.data.length; i++) assert.ok(Math.abs(out.data[i] - exact.data[i]) <= 1.01 / 255);
  // forcing uint8 on float input quantises it first
  assert.ok(isEightBitValued(resize([10, 11], { uint8: true })(float).data));
  assert.ok(!isEightBitValued(new Float32Array([0.5])));
  assert.ok(!isEightBitValued(new Float32Array([2])));
});

test('Pillow filter taps: a 2× shrink averages with the triangle stretched to 2 pixels each side', () => {
  const co = axisCoefficients(8, 4, true);
  // output 0 is centred at 1.0: taps x = 0..2 with weights tri((x - 1 + 0.5) / 2) = 0.75, 0.75, 0.25 → / 1.75
  assert.deepEqual([co.start[0], co.count[0]], [0, 3]);
  assert.deepEqual(Array.from(co.weights.subarray(0, 3)), [0.75 / 1.75, 0.75 / 1.75, 0.25 / 1.75]);
  // output 1 is centred at 3.0: taps 1..4 (4 taps), symmetric
  assert.deepEqual([co.start[1], co.count[1]], [1, 4]);
  const noAa = axisCoefficients(8, 4, false);
  // without antialiasing, plain bilinear: output 0 samples x = 1.0 - 0.5 → pixels 0 and 1, half each
  assert.deepEqual([noAa.start[0], noAa.count[0]], [0, 2]);
  assert.deepEqual(Array.from(noAa.weights.subarray(0, 2)), [0.5, 0.5]);
  // enlarging: support 1, identical either way
  assert.deepEqual(axisCoefficients(3, 7, true), axisCoefficients(3, 7, false));
});

test('resamplePlanes on bytes rounds half up after each pass (22-bit fixed point)', () => {
  // 2 → 1 along x: (1 + 2) / 2 = 1.5 → 2 in bytes; float keeps 1.5
  const src = Uint8Array.from([1, 2]);
  assert.deepEqual(Array.from(resamplePlanes(src, 1, 1, 2, 1, 1)), [2]);
  assert.deepEqual(Array.from(resamplePlanes(Float32Array.from([1, 2]), 1, 1, 2, 1, 1)), [1.5]);
  // along y only
  assert.deepEqual(Array.from(resamplePlanes(Uint8Array.from([10, 20, 30, 40]), 1, 2, 2, 1, 2)), [20, 30]);
});

test('centerCrop: torchvision offsets round((H - h) / 2) with halves to even', () => {
  const img = positions(2, 10, 11);
  const c = centerCrop([5, 4])(img); // top round(2.5) = 2, left round(3.5) = 4
  assert.deepEqual(c.shape, [2, 5, 4]);
  assert.equal(c.data[0], 204);
  assert.equal(c.data[5 * 4], 1204);
  const d = centerCrop(3)(positions(1, 8, 8)); // round(2.5) = 2
  assert.equal(d.data[0], 202);
  const e = centerCrop(3)(positions(1, 12, 12)); // round(4.5) = 4
  assert.equal(e.data[0], 404);
  assert.equal(centerCrop([10, 11])(img), img);
});

test('centerCrop pads with zeros, floor((h - H) / 2) before', () => {
  const img = positions(1, 2, 3).data.map((v) => v + 1); // avoid a 0 that looks like padding
  const t = new Tensor(img, [1, 2, 3]);
  const c = centerCrop([5, 6])(t); // rows: pad 1 top, 2 bottom; cols: pad 1 left, 2 right
  assert.deepEqual(c.shape, [1, 5, 6]);
  assert.deepEqual(
    Array.from(c.data),
    [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 101, 102, 103, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  );
  // padding one dimension while cropping the other
  const m = centerCrop([4, 1])(t); // rows pad 1/1; columns: round((3 - 1) / 2) = 1
  assert.deepEqual(Array.from(m.data), [0, 2, 102, 0]);
  const batch = new Tensor(new Float32Array(2 * 3 * 4 * 4).fill(1), [2, 3, 4, 4]);
  const b = centerCrop(6)(batch);
  assert.deepEqual(b.shape, [2, 3, 6, 6]);
  assert.equal(
    b.data.reduce((a, v) => a + v, 0),
    2 * 3 * 16,
  );
  assert.throws(() => centerCrop(0), ArgumentError);
});

test('normalize: (x - mean) / std per channel in float32, like tensor.sub_(mean).div_(std)', () => {
  const img = bytesImage(4, 5);
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const out = normalize(mean, std)(img);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < 20; i++) {
      const x = img.data[c * 20 + i];
      const want = Math.fround(Math.fround(x - Math.fround(mean[c])) / Math.fround(std[c]));
      assert.equal(out.data[c * 20 + i], want);
    }
  }
  const one = normalize([0.5], [0.5])(img);
  assert.equal(one.data[7], Math.fround((img.data[7] - 0.5) / 0.5));
  const batch = new Tensor(Float32Array.from([...img.data, ...img.data]), [2, 3, 4, 5]);
  assert.deepEqual(normalize(mean, std)(batch).data.subarray(60), out.data);
  assert.throws(() => normalize([0.5, 0.5], [1, 1])(img), ShapeError);
  assert.throws(() => normalize(mean, [1, 0, 1]), /division by zero/);
  assert.throws(() => normalize(mean, [1e-50, 1, 1]), /division by zero/); // zero in float32
  assert.throws(() => normalize([], []), ArgumentError);
  assert.notEqual(out, img);
  assert.equal(img.data[0], bytesImage(4, 5).data[0], 'input untouched');
});

test('compose applies left to right; empty compose is the identity', () => {
  const img = positions(1, 6, 6);
  const a = compose(centerCrop(4), centerCrop(2))(img);
  assert.equal(a.data[0], 202);
  const trace: string[] = [];
  const tag =
    (s: string) =>
    (t: Tensor): Tensor => (trace.push(s), t);
  compose(tag('a'), tag('b'), tag('c'))(img);
  assert.deepEqual(trace, ['a', 'b', 'c']);
  assert.equal(compose()(img), img);
  assert.throws(() => compose(tag('a'), 3 as unknown as (t: Tensor) => Tensor), ArgumentError);
});

test('imageFromPixels: interleaved RGB, RGBA (alpha dropped) and grey to [3, H, W] / 255', () => {
  const rgba = Uint8ClampedArray.from([10, 20, 30, 0, 40, 50, 60, 255, 70, 80, 90, 128, 255, 0, 255, 7]);
  const t = imageFromPixels(rgba, 2, 2, 4);
  assert.deepEqual(t.shape, [3, 2, 2]);
  assert.deepEqual(
    Array.from(t.data, (v) => Math.round(v * 255)),
    [10, 40, 70, 255, 20, 50, 80, 0, 30, 60, 90, 255],
  );
  assert.equal(t.data[0], Math.fround(10 / 255));
  const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 255, 0, 255]);
  assert.deepEqual(imageFromPixels(rgb, 2, 2, 3).data, t.data);
  const grey = imageFromPixels(Uint8Array.from([0, 51, 102, 255]), 4, 1, 1);
  assert.deepEqual(
    Array.from(grey.data, (v) => Math.round(v * 255)),
    [0, 51, 102, 255, 0, 51, 102, 255, 0, 51, 102, 255],
  );
  assert.equal(toTensor, imageFromPixels);
  assert.throws(() => imageFromPixels(rgb, 2, 2, 4), /needs 16 values, got 12/);
  assert.throws(() => imageFromPixels(rgb, 0, 2, 3), ArgumentError);
  assert.throws(() => imageFromPixels(rgb, 2, 2, 2 as 3), ArgumentError);
  assert.throws(() => imageFromPixels([1, 2, 3] as unknown as Uint8Array, 1, 1, 3), ArgumentError);
});

test('imageClassification takes a weights transformsSpec and validates it', () => {
  const spec = {
    kind: 'ImageClassification' as const,
    cropSize: 224,
    resizeSize: 256,
    mean: [0.485, 0.456, 0.406] as [number, number, number],
    std: [0.229, 0.224, 0.225] as [number, number, number],
    interpolation: 'bilinear' as const,
  };
  const fn = imageClassification(spec);
  const img = bytesImage(300, 400);
  const out = fn(img);
  assert.deepEqual(out.shape, [3, 224, 224]);
  const manual = compose(resize(256), centerCrop(224), normalize(spec.mean, spec.std))(img);
  assert.deepEqual(out.data, manual.data);
  const batch = new Tensor(Float32Array.from([...img.data, ...img.data]), [2, 3, 300, 400]);
  const outB = fn(batch);
  assert.deepEqual(outB.shape, [2, 3, 224, 224]);
  assert.deepEqual(outB.data.subarray(out.data.length), out.data);
  const plain = imageClassification({ ...spec, antialias: false })(img);
  assert.notDeepEqual(plain.data, out.data);
  assert.throws(() => imageClassification({ ...spec, mean: [0.5, 0.5] }), ArgumentError);
  assert.throws(() => imageClassification({ ...spec, cropSize: 0 }), ArgumentError);
  assert.throws(
    () => imageClassification({ ...spec, kind: 'VideoClassification' as 'ImageClassification' }),
    ArgumentError,
  );
});
