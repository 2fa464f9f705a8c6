/**
 * Augmentations: the deterministic pieces against values computed here by
 * hand (crops, flips, torchvision's fallback crop), the random ones by their
 * possible outcomes, their draw order and their reproducibility from a
 * generator state.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  composeSample,
  crop,
  hflip,
  liftTransform,
  randomCrop,
  randomHorizontalFlip,
  randomResizedCrop,
  randomResizedCropParams,
} from '../../src/data/augment.js';
import { normalize, resize } from '../../src/data/transforms.js';
import { Generator } from '../../src/tensor/rng.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { ShapeError } from '../../src/errors.js';
import { positionCoded } from '../helpers/images.js';

/** [C, H, W] with value c·100 + y·10 + x at (c, y, x). */
const coded = (C: number, H: number, W: number): Tensor => positionCoded(C, H, W, 100, 10);

/** The window of `img` padded by `pad` pixels of `fill`, at (top, left) of the padded image, computed pixel by pixel. */
function window(img: Tensor, pad: number, fill: number, top: number, left: number, h: number, w: number): number[] {
  const [C, H, W] = img.shape;
  const out: number[] = [];
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const sy = top + y - pad;
        const sx = left + x - pad;
        out.push(sy >= 0 && sy < H && sx >= 0 && sx < W ? img.data[(c * H + sy) * W + sx] : fill);
      }
    }
  }
  return out;
}

describe('augmentations', () => {
  it('crop takes the rows and columns asked for, filling outside the image', () => {
    const img = coded(2, 3, 4);
    const inside = crop(img, 1, 1, 2, 2);
    assert.deepEqual(inside.shape, [2, 2, 2]);
    assert.deepEqual(Array.from(inside.data), [11, 12, 21, 22, 111, 112, 121, 122]);
    const outside = crop(img, -1, 2, 2, 3, 9);
    assert.deepEqual(Array.from(outside.data), [9, 9, 9, 2, 3, 9, 9, 9, 9, 102, 103, 9]);
  });

  it('hflip mirrors each row; twice is the identity', () => {
    const img = coded(2, 2, 3);
    assert.deepEqual(Array.from(hflip(img).data), [2, 1, 0, 12, 11, 10, 102, 101, 100, 112, 111, 110]);
    assert.deepEqual(hflip(hflip(img)).data, img.data);
  });

  it('randomCrop(size, padding, fill): each output is one of the padded windows, at the offset drawn top first, then left', () => {
    const img = coded(3, 5, 6);
    const t = randomCrop([4, 5], { padding: 2, fill: 0.25 });
    const offsets = new Set<string>();
    for (let seed = 0; seed < 300; seed++) {
      const g = new Generator(seed);
      const probe = new Generator(seed);
      const top = probe.randint(5 + 4 - 4 + 1);
      const left = probe.randint(6 + 4 - 5 + 1);
      const out = t(img, g);
      assert.deepEqual(out.shape, [3, 4, 5]);
      assert.deepEqual(Array.from(out.data), window(img, 2, 0.25, top, left, 4, 5), `seed ${seed}`);
      assert.deepEqual(g.getState(), probe.getState(), 'two draws, no more');
      offsets.add(`${top},${left}`);
    }
    assert.equal(offsets.size, 6 * 6, 'every offset of the padded 9×10 image occurs');
  });

  it('randomCrop of the padded size draws nothing; a crop larger than the image is refused', () => {
    const img = coded(1, 4, 4);
    const g = new Generator(1);
    const before = g.getState();
    assert.deepEqual(Array.from(randomCrop(6, { padding: 1 })(img, g).data), window(img, 1, 0, 0, 0, 6, 6));
    assert.deepEqual(g.getState(), before);
    assert.strictEqual(randomCrop(4)(img, g), img);
    assert.throws(
      () => randomCrop(5)(img, g),
      (e: unknown) => e instanceof ShapeError && /crop 5×5 is larger than the image 4×4/.test(e.message),
    );
  });

  it('randomHorizontalFlip(p): one draw per image; p = 0 never flips, p = 1 always, p = 0.5 about half the time', () => {
    const img = coded(1, 2, 3);
    let flipped = 0;
    for (let seed = 0; seed < 400; seed++) {
      assert.strictEqual(randomHorizontalFlip(0)(img, new Generator(seed)), img);
      assert.deepEqual(randomHorizontalFlip(1)(img, new Generator(seed)).data, hflip(img).data);
      const g = new Generator(seed);
      const expectFlip = new Generator(seed).random() < 0.5;
      const out = randomHorizontalFlip(0.5)(img, g);
      assert.deepEqual(out.data, expectFlip ? hflip(img).data : img.data);
      if (expectFlip) flipped++;
    }
    assert.ok(flipped > 160 && flipped < 240, `${flipped}/400 flipped`);
  });

  it("randomResizedCrop's parameters: crops inside the image within the scale and ratio ranges, else torchvision's fallback", () => {
    for (let seed = 0; seed < 200; seed++) {
      const [i, j, h, w] = randomResizedCropParams(40, 60, new Generator(seed));
      assert.ok(i >= 0 && j >= 0 && h >= 1 && w >= 1 && i + h <= 40 && j + w <= 60, `seed ${seed}: ${[i, j, h, w]}`);
      assert.ok(
        h * w >= 0.08 * 2400 * 0.8 && w / h >= (3 / 4) * 0.8 && w / h <= (4 / 3) * 1.25,
        `seed ${seed}: ${h}×${w}`,
      );
    }
    assert.deepEqual(randomResizedCropParams(10, 10, new Generator(1), [1, 1], [1, 1]), [0, 0, 10, 10]);
    // An area larger than the image never fits: after 10 tries, the centre crop clamped to the ratio range.
    assert.deepEqual(randomResizedCropParams(10, 20, new Generator(1), [2, 3]), [0, 3, 10, 13]); // wide: w = round(10 · 4/3)
    assert.deepEqual(randomResizedCropParams(20, 10, new Generator(1), [2, 3]), [3, 0, 13, 10]); // tall: h = round(10 / (3/4))
    assert.deepEqual(randomResizedCropParams(12, 10, new Generator(1), [2, 3]), [0, 0, 12, 10]); // ratio inside the range: the whole image
  });

  it('randomResizedCrop: the whole image when the ranges allow nothing else, equal to resize; same generator state, same output', () => {
    const pixels = Float32Array.from({ length: 3 * 8 * 8 }, (_, i) => ((i * 37) % 256) / 255);
    const img = new Tensor(pixels, [3, 8, 8]);
    const whole = randomResizedCrop(5, { scale: [1, 1], ratio: [1, 1] })(img, new Generator(3));
    assert.deepEqual(whole.data, resize([5, 5])(img).data);
    const t = randomResizedCrop([6, 4]);
    const a = t(img, new Generator(9));
    assert.deepEqual(a.shape, [3, 6, 4]);
    assert.deepEqual(t(img, new Generator(9)).data, a.data);
    const outputs = new Set(Array.from({ length: 20 }, (_, s) => Array.from(t(img, new Generator(s)).data).join(',')));
    assert.ok(outputs.size > 10, `${outputs.size} different crops from 20 seeds`);
  });

  it('composeSample runs the steps in order on one generator; liftTransform ignores it', () => {
    const img = coded(2, 4, 4);
    const norm = normalize([1, 2], [2, 4]);
    const chain = composeSample(randomCrop(3), randomHorizontalFlip(0.5), liftTransform(norm));
    for (let seed = 0; seed < 20; seed++) {
      const g = new Generator(seed);
      const byHand = norm(randomHorizontalFlip(0.5)(randomCrop(3)(img, g), g));
      assert.deepEqual(chain(img, new Generator(seed)).data, byHand.data);
    }
    const g = new Generator(5);
    const before = g.getState();
    assert.deepEqual(liftTransform(norm)(img, g).data, norm(img).data);
    assert.deepEqual(g.getState(), before);
  });
});
