/** readImage refuses what it cannot or should not decode, with an ImageError naming the file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import {
  DEFAULT_MAX_PIXELS,
  ImageDecodeError,
  ImageError,
  ImageTooLargeError,
  ImageTooSmallError,
  readImage,
} from '../../../src/data/image.js';
import { ArgumentError } from '../../../src/errors.js';
import { imagePath } from '../../helpers/images.js';
import { repoRoot } from '../../helpers/paths.js';

async function refusal(p: Promise<unknown>): Promise<ImageError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ImageError, `expected an ImageError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected readImage to throw');
}

test('a missing file: unreadable, named', async () => {
  const file = imagePath('no-such-image.png');
  const err = await refusal(readImage(file));
  assert.ok(err instanceof ImageDecodeError);
  assert.equal(err.code, 'unreadable');
  assert.equal(err.source, file);
  assert.match(err.message, /no-such-image\.png: cannot read the image file: no such file/);
});

test('a directory: unreadable', async () => {
  const err = await refusal(readImage(repoRoot));
  assert.equal(err.code, 'unreadable');
  assert.match(err.message, /directory/);
});

test('a text file: corrupt, named', async () => {
  const err = await refusal(readImage(imagePath('not-an-image.txt')));
  assert.ok(err instanceof ImageDecodeError);
  assert.equal(err.code, 'corrupt');
  assert.match(err.message, /not-an-image\.txt: not a readable image/);
});

test('a truncated JPEG: corrupt, named (Pillow refuses it too: "image file is truncated")', async () => {
  const err = await refusal(readImage(imagePath('truncated.jpg')));
  assert.equal(err.code, 'corrupt');
  assert.match(err.message, /truncated\.jpg: cannot decode the image, it is truncated or corrupt/);
});

test('damaged PNG bytes in memory: corrupt, described as in-memory', async () => {
  const png = new Uint8Array(await readFile(imagePath('odd.png')));
  for (let i = 300; i < 340; i++) png[i] = 0x55;
  const err = await refusal(readImage(png));
  assert.equal(err.code, 'corrupt');
  assert.match(err.message, /^in-memory image \(5010 bytes\)/);
  const cut = await refusal(readImage(png.subarray(0, 100)));
  assert.equal(cut.code, 'corrupt');
  const empty = await refusal(readImage(new Uint8Array(0)));
  assert.equal(empty.code, 'corrupt');
});

test('SVG is not decoded (not a raster format Pillow opens)', async () => {
  const svg = new TextEncoder().encode(
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40"/></svg>',
  );
  const err = await refusal(readImage(svg));
  assert.equal(err.code, 'corrupt');
  assert.match(err.message, /svg is not a supported image format/);
});

test('a header claiming 20000×20000 is refused before decoding', async () => {
  // The file is a few dozen bytes: decoding it would fail as corrupt, so 'too-many-pixels' shows
  // the refusal came from the header alone.
  assert.ok((await stat(imagePath('bomb.png'))).size < 200);
  const t0 = performance.now();
  const err = await refusal(readImage(imagePath('bomb.png')));
  assert.ok(performance.now() - t0 < 2000);
  assert.ok(err instanceof ImageTooLargeError);
  assert.equal(err.code, 'too-many-pixels');
  assert.equal(err.width, 20000);
  assert.equal(err.height, 20000);
  assert.equal(err.maxPixels, DEFAULT_MAX_PIXELS);
  assert.match(
    err.message,
    /bomb\.png: the image is 20000×20000 = 400,000,000 pixels, more than the limit of 178,956,970/,
  );
});

test('maxPixels is the number of pixels allowed, checked before decoding', async () => {
  const pixels = 257 * 131;
  const err = await refusal(readImage(imagePath('odd.png'), { maxPixels: pixels - 1 }));
  assert.equal(err.code, 'too-many-pixels');
  const ok = await readImage(imagePath('odd.png'), { maxPixels: pixels });
  assert.deepEqual(ok.shape, [3, 131, 257]);
  await readImage(imagePath('odd.png'), { maxPixels: Infinity });
  await assert.rejects(readImage(imagePath('odd.png'), { maxPixels: 0 }), ArgumentError);
  await assert.rejects(readImage(imagePath('odd.png'), { maxPixels: 1.5 }), ArgumentError);
});

test('smaller than minSize [height, width]: refused, saying so', async () => {
  const err = await refusal(readImage(imagePath('tiny.png'), { minSize: [32, 32] }));
  assert.ok(err instanceof ImageTooSmallError);
  assert.equal(err.code, 'too-small');
  assert.deepEqual([err.width, err.height], [20, 15]);
  assert.match(err.message, /tiny\.png: the image is 20×15 \(width×height\), smaller than the minimum size of 32×32/);
  assert.deepEqual((await readImage(imagePath('tiny.png'), { minSize: [15, 20] })).shape, [3, 15, 20]);
  await refusal(readImage(imagePath('tiny.png'), { minSize: [16, 1] }));
  await refusal(readImage(imagePath('tiny.png'), { minSize: [1, 21] }));
  await assert.rejects(
    readImage(imagePath('tiny.png'), { minSize: [32] as unknown as [number, number] }),
    ArgumentError,
  );
});

test('minSize applies to the displayed (EXIF-rotated) size', async () => {
  // stored 120 wide × 80 high, shown 80 wide × 120 high
  assert.deepEqual((await readImage(imagePath('exif-rotated.jpg'), { minSize: [120, 80] })).shape, [3, 120, 80]);
  const err = await refusal(readImage(imagePath('exif-rotated.jpg'), { minSize: [80, 120] }));
  assert.equal(err.code, 'too-small');
});

test('a source that is neither a path nor bytes is an ArgumentError', async () => {
  await assert.rejects(readImage(42 as unknown as string), ArgumentError);
});
