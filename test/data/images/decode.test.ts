/**
 * readImage against Pillow: `ImageOps.exif_transpose(Image.open(f)).convert('RGB')` as
 * written by test/fixtures/images/generate.py (Pillow 9.4, libjpeg-turbo 2.1.5, libwebp 1.2.4).
 *
 * Measured with sharp 0.35.5 (libvips 8.18, mozjpeg, libwebp 1.6): every fixture decodes
 * to exactly Pillow's bytes, JPEG (baseline 4:2:0, progressive 4:4:4, grey, CMYK, EXIF)
 * and lossy WebP included — both JPEG libraries use the same integer IDCT and fancy
 * upsampling. transparent.gif checks that transparent GIF pixels keep their palette
 * colour as in Pillow (libvips alone makes them black). Lossless formats must stay exact; for the lossy ones the test allows
 * 2/255 on at most 1% of the values, room for a future libjpeg/libwebp in sharp.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readImage } from '../../../src/data/image.js';
import { chwToHwc, expected, imagePath, toBytes } from '../../helpers/images.js';

const LOSSY = /\.(jpg|webp)$/;
const LOSSLESS_WEBP = 'lossless.webp';

function compare(got: Uint8Array, want: Uint8Array, lossy: boolean, what: string): void {
  assert.equal(got.length, want.length, `${what}: size`);
  let max = 0;
  let differing = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (d) differing++;
    if (d > max) max = d;
  }
  if (lossy) {
    assert.ok(max <= 2, `${what}: max difference ${max}/255 > 2/255`);
    assert.ok(differing <= got.length / 100, `${what}: ${differing} of ${got.length} values differ`);
  } else {
    assert.equal(max, 0, `${what}: ${differing} values differ, by up to ${max}/255`);
  }
}

const cases = [...expected()].filter(([k]) => k.startsWith('decode'));

test('every decode expectation is present', () => {
  assert.ok(cases.length >= 20, `only ${cases.length} decode cases`);
});

for (const [key, want] of cases) {
  const [kind, file] = key.split('/');
  test(`readImage(${file}) equals Pillow's RGB pixels`, async () => {
    const t = await readImage(imagePath(file));
    assert.equal(t.shape.length, 3);
    assert.equal(t.shape[0], 3);
    const [, H, W] = t.shape;
    for (const v of t.data) assert.ok(v >= 0 && v <= 1 && Math.fround(Math.round(v * 255) / 255) === v);
    let got = chwToHwc(toBytes(t.data), H, W);
    if (kind === 'decode') {
      assert.deepEqual([H, W, 3], want.shape);
    } else {
      const step = Number(kind.slice('decode_sub'.length));
      assert.deepEqual([Math.ceil(H / step), Math.ceil(W / step), 3], want.shape);
      const sub = new Uint8Array(want.data.length);
      let o = 0;
      for (let y = 0; y < H; y += step) {
        for (let x = 0; x < W; x += step) for (let c = 0; c < 3; c++) sub[o++] = got[(y * W + x) * 3 + c];
      }
      got = sub;
    }
    compare(got, want.data as Uint8Array, LOSSY.test(file) && file !== LOSSLESS_WEBP, file);
  });
}

test('bytes in memory decode like the file', async () => {
  const fromFile = await readImage(imagePath('landscape.jpg'));
  const fromBytes = await readImage(new Uint8Array(await readFile(imagePath('landscape.jpg'))));
  assert.deepEqual(fromBytes.shape, fromFile.shape);
  assert.deepEqual(fromBytes.data, fromFile.data);
});

test('EXIF orientation 6 is applied: the stored 120×80 picture comes out 80 wide and 120 high', async () => {
  const t = await readImage(imagePath('exif-rotated.jpg'));
  assert.deepEqual(t.shape, [3, 120, 80]);
});

test("all eight EXIF orientations give exif_transpose's size (5–8 swap width and height)", async () => {
  for (let o = 1; o <= 8; o++) {
    const t = await readImage(imagePath(`orientation-${o}.jpg`));
    assert.deepEqual(t.shape, o >= 5 ? [3, 12, 8] : [3, 8, 12], `orientation ${o}`);
  }
});

test('RGBA: alpha is dropped, colour kept even where alpha is 0 (no compositing)', async () => {
  const t = await readImage(imagePath('rgba.png'));
  const want = expected().get('decode/rgba.png');
  assert.ok(want);
  // the top-left 10×10 block is fully transparent in the file but keeps its colour
  const [, , W] = t.shape;
  assert.ok(t.data[0] > 0 || t.data[W * 90] > 0 || t.data[2 * W * 90] > 0);
  assert.equal(Math.round(t.data[0] * 255), want.data[0]);
});

test('16-bit grey without alpha clips at 255 like Pillow (mode I), with alpha takes the high byte', async () => {
  const grey = await readImage(imagePath('gray16.png'));
  const values = new Set(toBytes(grey.data));
  assert.ok(values.has(255) && [...values].some((v) => v < 255), 'both clipped and small values');
  const greyAlpha = await readImage(imagePath('gray16-alpha.png'));
  assert.ok(new Set(toBytes(greyAlpha.data)).size > 200, 'high bytes spread over the range');
});
