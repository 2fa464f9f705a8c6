/**
 * The ImageClassification preset and its pieces against torchvision 0.14 on PIL images
 * (test/fixtures/images/generate.py). For JPEG inputs the preset also runs on Pillow's
 * own decoded pixels (via imageFromPixels), so a decoder difference could not hide a
 * resize error; then end to end from the file. Measured: all byte-exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageFromPixels, readImage } from '../../../src/data/image.js';
import { centerCrop, compose, imageClassification, resize } from '../../../src/data/transforms.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { VGG16_Weights } from '../../../src/models/weights.js';
import { expected, get, imagePath, maxAbsDiff, toBytes } from '../../helpers/images.js';

const IMAGENET = { cropSize: 224, resizeSize: 256, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

const decoded = new Map<string, Promise<Tensor>>();
function load(file: string): Promise<Tensor> {
  let t = decoded.get(file);
  if (!t) decoded.set(file, (t = readImage(imagePath(file))));
  return t;
}

function pilPixels(file: string): Tensor | undefined {
  const d = expected().get(`decode/${file}`);
  if (!d) return undefined;
  const [h, w] = d.shape;
  return imageFromPixels(d.data as Uint8Array, w, h, 3);
}

function assertBytes(got: Tensor, want: { shape: number[]; data: Uint8Array | Float32Array }, what: string): void {
  assert.deepEqual(got.shape, want.shape, `${what}: shape`);
  const diff = maxAbsDiff(toBytes(got.data), want.data);
  assert.equal(diff, 0, `${what}: differs from torchvision by up to ${diff}/255`);
}

for (const [key, want] of expected()) {
  const [kind, file, spec] = key.split('/');
  if (kind === 'preset') {
    const [r, c] = spec.split('_').map(Number);
    const fn = compose(resize(r), centerCrop(c));
    test(`preset resize ${r} / crop ${c} of ${file}`, async () => {
      const pil = pilPixels(file);
      if (pil) assertBytes(fn(pil), want, `${file} from Pillow's pixels`);
      assertBytes(fn(await load(file)), want, `${file} from the file`);
    });
  } else if (kind === 'resize') {
    const size = spec.startsWith('s') ? Number(spec.slice(1)) : (spec.split('x').map(Number) as [number, number]);
    test(`resize(${JSON.stringify(size)}) of ${file}`, async () => {
      assertBytes(resize(size)(await load(file)), want, `${file} resized to ${spec}`);
    });
  } else if (kind === 'crop') {
    const size = spec.split('x').map(Number) as [number, number];
    test(`centerCrop(${JSON.stringify(size)}) of ${file}`, async () => {
      assertBytes(centerCrop(size)(await load(file)), want, `${file} cropped to ${spec}`);
    });
  } else if (kind === 'full') {
    const [r, c] = spec.split('_').map(Number);
    test(`imageClassification (normalised) of ${file} equals torchvision's float32 output`, async () => {
      const out = imageClassification({ ...IMAGENET, resizeSize: r, cropSize: c })(await load(file));
      assert.deepEqual(out.shape, want.shape);
      const diff = maxAbsDiff(out.data, want.data);
      assert.ok(diff <= 1e-6, `max difference ${diff}`);
    });
  } else if (kind === 'tresize') {
    const size = spec.split('x').map(Number) as [number, number];
    const antialias = key.endsWith('aa1');
    test(`tensor-path resize(${spec}, antialias ${antialias}) of ${file} in float`, async () => {
      const out = resize(size, { antialias, uint8: false })(await load(file));
      assert.deepEqual(out.shape, want.shape);
      const diff = maxAbsDiff(out.data, want.data);
      // torch computes the source coordinates in float32 (one ulp at x = 257 is 1.5e-5),
      // here they are float64: measured up to 7.7e-6 without antialiasing, under 1e-6 with.
      assert.ok(diff <= (antialias ? 2e-6 : 1.5e-5), `max difference ${diff}`);
    });
  }
}

test('the preset works on a batch [N, 3, H, W] like on each image', async () => {
  const a = await load('odd.png');
  const fn = compose(resize(64), centerCrop(56));
  // two images of the same size: odd.png and its colour-reversed copy
  const rev = a.data.map((v) => (255 - Math.round(v * 255)) / 255);
  const batch = new Tensor(Float32Array.from([...a.data, ...rev]), [2, ...a.shape]);
  const out = fn(batch);
  assert.deepEqual(out.shape, [2, 3, 56, 56]);
  const one = fn(a).data;
  const two = fn(new Tensor(rev, a.shape)).data;
  assert.deepEqual(out.data.subarray(0, one.length), one);
  assert.deepEqual(out.data.subarray(one.length), two);
});

test('VGG weights spec: 256 → 224 on a 320×240 JPEG crops at round(58.5) = 58 (Python rounds halves to even)', async () => {
  const img = await load('landscape.jpg');
  const out = imageClassification(IMAGENET)(img);
  assert.deepEqual(out.shape, [3, 224, 224]);
  const resized = resize(256)(img);
  assert.deepEqual(resized.shape, [3, 256, 341]);
  const want = get('preset/landscape.jpg/256_224');
  const cropped = centerCrop(224)(resized);
  assert.equal(maxAbsDiff(toBytes(cropped.data), want.data), 0);
  // and the crop really starts at 58, not 59
  const c58 = new Float32Array(224);
  for (let x = 0; x < 224; x++) c58[x] = resized.data[16 * 341 + 58 + x];
  assert.deepEqual(cropped.data.subarray(0, 224), c58);
});

test("the VGG weights registry's transformsSpec plugs straight in (VGG16_Weights.IMAGENET1K_V1)", async () => {
  const spec = VGG16_Weights.IMAGENET1K_V1.transformsSpec;
  const out = imageClassification(spec)(await load('landscape.jpg'));
  assert.deepEqual(out.shape, [3, 224, 224]);
  const pre = get('preset/landscape.jpg/256_224').data;
  // undo the normalisation: back to the bytes torchvision produced before it
  const { mean, std } = spec;
  const plane = 224 * 224;
  let max = 0;
  for (let i = 0; i < out.data.length; i++) {
    const c = Math.floor(i / plane);
    max = Math.max(max, Math.abs((out.data[i] * std[c] + mean[c]) * 255 - pre[i]));
  }
  assert.ok(max < 1e-3, `max ${max}`);
});
