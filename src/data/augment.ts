/**
 * Random augmentations with torchvision's sampling rules, as SampleTransforms
 * on images [C, H, W]: each draws from the generator the DataLoader hands it
 * (derived from the seed, epoch and sample position), so the same generator
 * state always gives the same output. The deterministic pieces (`crop`,
 * `hflip`, `randomResizedCropParams`) are exported so they can be checked on
 * their own.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import type { Generator } from '../tensor/rng.js';
import { Tensor } from '../tensor/tensor.js';
import type { SampleTransform } from './dataset.js';
import { cropSize, type ImageSize } from './sizes.js';
import { resize, roundHalfEven, type Transform } from './transforms.js';

function imageDims(img: Tensor, what: string): [number, number, number] {
  if (!(img instanceof Tensor) || img.shape.length !== 3) {
    throw new ShapeError(
      `${what} expects an image [C, H, W], got ${img instanceof Tensor ? `shape [${img.shape.join(', ')}]` : typeof img}`,
    );
  }
  return [img.shape[0], img.shape[1], img.shape[2]];
}

/**
 * torchvision's `F.crop`: rows `top … top + height - 1` and columns `left … left + width - 1`;
 * where that reaches outside the image the pixels are `fill` (as after padding).
 */
export function crop(img: Tensor, top: number, left: number, height: number, width: number, fill = 0): Tensor {
  const [C, H, W] = imageDims(img, 'crop');
  for (const [k, v, min] of [
    ['top', top, -Infinity],
    ['left', left, -Infinity],
    ['height', height, 1],
    ['width', width, 1],
  ] as const) {
    if (!Number.isInteger(v) || v < min)
      throw new ArgumentError(`crop: ${k} must be an integer${min === 1 ? ' ≥ 1' : ''}, got ${v}`);
  }
  const out = new Float32Array(C * height * width);
  if (fill !== 0) out.fill(fill);
  const x0 = Math.max(0, -left);
  const x1 = Math.min(width, W - left);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < height; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= H || x1 <= x0) continue;
      const src = (c * H + sy) * W + left;
      out.set(img.data.subarray(src + x0, src + x1), (c * height + y) * width + x0);
    }
  }
  return new Tensor(out, [C, height, width]);
}

/** Mirrors the image left to right. */
export function hflip(img: Tensor): Tensor {
  const [C, H, W] = imageDims(img, 'hflip');
  const out = new Float32Array(img.data.length);
  for (let row = 0; row < C * H; row++) {
    const base = row * W;
    for (let x = 0; x < W; x++) out[base + x] = img.data[base + W - 1 - x];
  }
  return new Tensor(out, [C, H, W]);
}

export interface RandomCropOptions {
  /** Pixels of `fill` added on every side before cropping. Default 0. */
  padding?: number;
  /** Value of the padding (images are in [0, 1]). Default 0. */
  fill?: number;
}

/**
 * torchvision's `RandomCrop(size, padding, fill)`: pads, then takes a crop at a uniformly
 * drawn offset (top first, then left; no draw when the padded image is the crop's size).
 */
export function randomCrop(size: ImageSize, opts: RandomCropOptions = {}): SampleTransform {
  const [th, tw] = cropSize(size, 'randomCrop');
  const pad = opts.padding ?? 0;
  const fill = opts.fill ?? 0;
  if (!Number.isInteger(pad) || pad < 0)
    throw new ArgumentError(`randomCrop: padding must be a non-negative integer, got ${pad}`);
  if (!Number.isFinite(fill)) throw new ArgumentError(`randomCrop: fill must be a finite number, got ${fill}`);
  return (img: Tensor, g: Generator): Tensor => {
    const [, H, W] = imageDims(img, 'randomCrop');
    const [h, w] = [H + 2 * pad, W + 2 * pad];
    if (h < th || w < tw)
      throw new ShapeError(`randomCrop: crop ${th}×${tw} is larger than the ${pad ? 'padded ' : ''}image ${h}×${w}`);
    if (h === th && w === tw) return pad === 0 ? img : crop(img, -pad, -pad, th, tw, fill);
    const i = g.randint(h - th + 1);
    const j = g.randint(w - tw + 1);
    return crop(img, i - pad, j - pad, th, tw, fill);
  };
}

/** torchvision's `RandomHorizontalFlip(p)`: one uniform draw per image, flipped when below p. */
export function randomHorizontalFlip(p = 0.5): SampleTransform {
  if (!(p >= 0 && p <= 1)) throw new ArgumentError(`randomHorizontalFlip: p must be in [0, 1], got ${p}`);
  return (img: Tensor, g: Generator): Tensor => (g.random() < p ? hflip(img) : img);
}

export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's. Default [0.08, 1]. */
  scale?: readonly [number, number];
  /** Range of the crop's width/height, sampled log-uniformly. Default [3/4, 4/3]. */
  ratio?: readonly [number, number];
  /** As in resize: PIL-style antialiasing (default true). */
  antialias?: boolean;
}

function range(v: readonly [number, number], what: string): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] > 0) || !(v[1] >= v[0]) || !Number.isFinite(v[1])) {
    throw new ArgumentError(
      `randomResizedCrop: ${what} must be [min, max] with 0 < min ≤ max, got ${JSON.stringify(v)}`,
    );
  }
  return [v[0], v[1]];
}

/**
 * `RandomResizedCrop.get_params`: up to 10 tries of an area fraction drawn from `scale` and
 * a log-uniform aspect ratio from `ratio`, keeping the first crop that fits (its offset then
 * drawn uniformly); otherwise a centre crop of the whole image clamped to the ratio range.
 * Returns [top, left, height, width].
 */
export function randomResizedCropParams(
  height: number,
  width: number,
  g: Generator,
  scale: readonly [number, number] = [0.08, 1],
  ratio: readonly [number, number] = [3 / 4, 4 / 3],
): [number, number, number, number] {
  const area = height * width;
  const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const target = area * (scale[0] + (scale[1] - scale[0]) * g.random());
    const aspect = Math.exp(logLo + (logHi - logLo) * g.random());
    const w = roundHalfEven(Math.sqrt(target * aspect));
    const h = roundHalfEven(Math.sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const i = g.randint(height - h + 1);
      const j = g.randint(width - w + 1);
      return [i, j, h, w];
    }
  }
  const inRatio = width / height;
  let [h, w] = [height, width];
  if (inRatio < ratio[0]) h = roundHalfEven(w / ratio[0]);
  else if (inRatio > ratio[1]) w = roundHalfEven(h * ratio[1]);
  return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
}

/** torchvision's `RandomResizedCrop(size, scale, ratio)`: a random crop, resized (bilinear, as resize) to `size`. */
export function randomResizedCrop(size: ImageSize, opts: RandomResizedCropOptions = {}): SampleTransform {
  const [th, tw] = cropSize(size, 'randomResizedCrop');
  const scale = range(opts.scale ?? [0.08, 1], 'scale');
  const ratio = range(opts.ratio ?? [3 / 4, 4 / 3], 'ratio');
  const toSize = resize([th, tw], { antialias: opts.antialias ?? true });
  return (img: Tensor, g: Generator): Tensor => {
    const [, H, W] = imageDims(img, 'randomResizedCrop');
    const [i, j, h, w] = randomResizedCropParams(H, W, g, scale, ratio);
    return toSize(crop(img, i, j, h, w));
  };
}

/** A deterministic Transform (normalize, resize, …) as a SampleTransform that ignores the generator. */
export function liftTransform(t: Transform): SampleTransform {
  if (typeof t !== 'function') throw new ArgumentError('liftTransform expects a function (image) => image');
  return (img: Tensor): Tensor => t(img);
}

/**
 * Applies the steps left to right, all drawing from the sample's one generator in turn
 * (Compose for SampleTransforms). Deterministic Transforms can be steps as they are.
 */
export function composeSample(...steps: SampleTransform[]): SampleTransform {
  steps.forEach((f, i) => {
    if (typeof f !== 'function') throw new ArgumentError(`composeSample: argument ${i} is not a function`);
  });
  return (img: Tensor, g: Generator): Tensor => steps.reduce((x, f) => f(x, g), img);
}
