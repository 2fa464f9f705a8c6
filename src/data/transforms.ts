/**
 * Image transforms with torchvision 0.14's semantics, each a function Tensor → Tensor
 * on float images `[C, H, W]` or batches `[N, C, H, W]` with values in [0, 1]:
 * `resize`, `centerCrop`, `normalize`, `compose`, and the `imageClassification`
 * preset (torchvision's `transforms._presets.ImageClassification`, the inference
 * transform of every pretrained VGG).
 *
 * torchvision runs the preset on PIL images: Pillow resizes 8-bit pixels with an
 * antialiased bilinear filter, rounding to a byte after each of its two passes, then
 * the crop is converted to float and normalised. `resize` reproduces that to the byte:
 * when every value of its input is a multiple of 1/255 (as from `readImage` or
 * `imageFromPixels`) it resamples bytes with Pillow's fixed-point arithmetic, otherwise
 * it filters in floating point (torch's antialiased tensor resize). See resample.ts.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { imageFromPixels } from './image.js';
import { resamplePlanes } from './resample.js';
import { cropSize, positiveInt, sizeList, type ImageSize } from './sizes.js';

/** A transform: takes an image (or batch) tensor and returns a new one. */
export type Transform = (img: Tensor) => Tensor;

export type { ImageSize } from './sizes.js';

export interface ResizeOptions {
  /**
   * Stretch the filter when shrinking, as Pillow always does (torchvision's PIL path).
   * Default true. `false` is plain bilinear interpolation: torchvision's tensor path
   * (`antialias=False`, its default for tensors in 0.14).
   */
  antialias?: boolean;
  /** Only `'bilinear'`, the preset's interpolation. */
  interpolation?: 'bilinear';
  /** torchvision's `max_size`: cap on the longer side when `size` is an int. */
  maxSize?: number;
  /**
   * Round to 8-bit values after each pass exactly like Pillow on 8-bit images. `'auto'`
   * (default): when every input value is a multiple of 1/255.
   */
  uint8?: boolean | 'auto';
}

/** Channel mean/std and sizes of the classification preset, as in `Weights.transformsSpec`. */
export interface ImageClassificationSpec {
  kind?: 'ImageClassification';
  cropSize: number;
  resizeSize: number;
  mean: readonly number[];
  std: readonly number[];
  interpolation?: 'bilinear';
  /** Default true (PIL semantics); false gives torchvision's plain tensor resize. */
  antialias?: boolean;
  /** Convert RGB to one luminance channel first (PIL's convert('L')); mean and std then have 1 value. */
  grayscale?: boolean;
}

interface Dims {
  planes: number;
  channels: number;
  height: number;
  width: number;
  /** The leading dimensions: `[C]` or `[N, C]`. */
  lead: number[];
}

function dims(img: Tensor, what: string): Dims {
  if (!(img instanceof Tensor)) throw new ArgumentError(`${what} expects a Tensor, got ${describe(img)}`);
  const s = img.shape;
  if (s.length !== 3 && s.length !== 4) {
    throw new ShapeError(`${what} expects an image [C, H, W] or a batch [N, C, H, W], got shape [${s.join(', ')}]`);
  }
  const lead = s.slice(0, -2);
  return {
    planes: lead.reduce((a, b) => a * b, 1),
    channels: s[s.length - 3],
    height: s[s.length - 2],
    width: s[s.length - 1],
    lead,
  };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/** Python's `round()`: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The output `[height, width]` of torchvision 0.14's `resize` (`_compute_resized_output_size`):
 * an int (or `[n]`) sets the shorter side to `n` and the longer to `int(n * long / short)`
 * (truncated), capped by `maxSize`; `[h, w]` is taken as is.
 */
export function resizedSize(height: number, width: number, size: ImageSize, maxSize?: number): [number, number] {
  const list = sizeList(size, 'resize');
  if (list.length === 2) {
    if (maxSize !== undefined) {
      throw new ArgumentError('resize: maxSize is only allowed when size is an int (the shorter side)');
    }
    return [list[0], list[1]];
  }
  const [short, long] = width <= height ? [width, height] : [height, width];
  const requested = list[0];
  let newShort = requested;
  let newLong = Math.trunc((requested * long) / short);
  if (maxSize !== undefined) {
    positiveInt(maxSize, 'resize: maxSize');
    if (maxSize <= requested) {
      throw new ArgumentError(
        `resize: maxSize = ${maxSize} must be strictly greater than the requested size for the shorter side, ${requested}`,
      );
    }
    if (newLong > maxSize) {
      newShort = Math.trunc((maxSize * newShort) / newLong);
      newLong = maxSize;
    }
  }
  const [newW, newH] = width <= height ? [newShort, newLong] : [newLong, newShort];
  if (newW < 1 || newH < 1) {
    throw new ArgumentError(
      `resize: ${height}×${width} (height×width) to ${JSON.stringify(size)} gives an empty image (${newH}×${newW})`,
    );
  }
  return [newH, newW];
}

const BYTE_TO_FLOAT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

/**
 * The values as bytes when every one is k/255 for an integer k in 0..255 (as stored by
 * `readImage`/`imageFromPixels`), else null.
 */
function eightBitValues(data: Float32Array): Uint8Array | null {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    const k = Math.round(v * 255);
    if (!(k >= 0 && k <= 255 && BYTE_TO_FLOAT[k] === v)) return null;
    out[i] = k;
  }
  return out;
}

/** True when every value is k/255 for an integer k in 0..255 (stored as float32). */
export function isEightBitValued(data: Float32Array): boolean {
  return eightBitValues(data) !== null;
}

/**
 * torchvision's `Resize(size, interpolation=BILINEAR)` as applied to PIL images
 * (antialiased, Pillow's rounding), or to tensors with `antialias: false`.
 * Returns the input itself when the size does not change, as torchvision does.
 */
export function resize(size: ImageSize, opts: ResizeOptions = {}): Transform {
  sizeList(size, 'resize');
  if (opts.interpolation !== undefined && opts.interpolation !== 'bilinear') {
    throw new ArgumentError(
      `resize: only 'bilinear' interpolation is supported, got ${JSON.stringify(opts.interpolation)}`,
    );
  }
  const antialias = opts.antialias ?? true;
  const mode = opts.uint8 ?? 'auto';
  return (img: Tensor): Tensor => {
    const d = dims(img, 'resize');
    const [outH, outW] = resizedSize(d.height, d.width, size, opts.maxSize);
    if (outH === d.height && outW === d.width) return img;
    const shape = [...d.lead, outH, outW];
    let bytes: Uint8Array | null = null;
    if (mode === 'auto') {
      bytes = eightBitValues(img.data);
    } else if (mode) {
      bytes = new Uint8Array(img.data.length);
      for (let i = 0; i < bytes.length; i++) {
        const k = Math.round(img.data[i] * 255);
        bytes[i] = k < 0 ? 0 : k > 255 ? 255 : k;
      }
    }
    if (!bytes) {
      return new Tensor(resamplePlanes(img.data, d.planes, d.height, d.width, outH, outW, { antialias }), shape);
    }
    const res = resamplePlanes(bytes, d.planes, d.height, d.width, outH, outW, { antialias });
    const out = new Float32Array(res.length);
    for (let i = 0; i < res.length; i++) out[i] = BYTE_TO_FLOAT[res[i]];
    return new Tensor(out, shape);
  };
}

/**
 * torchvision's `CenterCrop(size)`: the crop starts at `round((H - h) / 2)` (Python's
 * rounding, halves to even) and likewise for the width; where the image is smaller than
 * the crop it is first padded with zeros, `floor((h - H) / 2)` before and the rest after.
 */
export function centerCrop(size: ImageSize): Transform {
  const [ch, cw] = cropSize(size, 'centerCrop');
  return (img: Tensor): Tensor => {
    const d = dims(img, 'centerCrop');
    const { height: H, width: W } = d;
    if (ch === H && cw === W) return img;
    const top = ch > H ? -Math.floor((ch - H) / 2) : roundHalfEven((H - ch) / 2);
    const left = cw > W ? -Math.floor((cw - W) / 2) : roundHalfEven((W - cw) / 2);
    const out = new Float32Array(d.planes * ch * cw);
    const x0 = Math.max(0, -left);
    const x1 = Math.min(cw, W - left);
    for (let p = 0; p < d.planes; p++) {
      for (let y = 0; y < ch; y++) {
        const sy = top + y;
        if (sy < 0 || sy >= H || x1 <= x0) continue;
        const src = (p * H + sy) * W + left;
        out.set(img.data.subarray(src + x0, src + x1), (p * ch + y) * cw + x0);
      }
    }
    return new Tensor(out, [...d.lead, ch, cw]);
  };
}

/**
 * torchvision's `Normalize(mean, std)`: `(x - mean[c]) / std[c]` per channel, computed
 * in float32 like `tensor.sub_(mean).div_(std)`. A single value applies to every channel.
 */
export function normalize(mean: readonly number[], std: readonly number[]): Transform {
  const check = (v: readonly number[], what: string): Float32Array => {
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      throw new ArgumentError(
        `normalize: ${what} must be a non-empty array of finite numbers, got ${JSON.stringify(v)}`,
      );
    }
    return Float32Array.from(v);
  };
  const m = check(mean, 'mean');
  const s = check(std, 'std');
  if (s.some((x) => x === 0)) {
    throw new ArgumentError(
      `normalize: std evaluated to zero after conversion to float32, leading to division by zero (std ${JSON.stringify(std)})`,
    );
  }
  return (img: Tensor): Tensor => {
    const d = dims(img, 'normalize');
    for (const [v, what] of [
      [m, 'mean'],
      [s, 'std'],
    ] as const) {
      if (v.length !== 1 && v.length !== d.channels) {
        throw new ShapeError(
          `normalize: ${what} has ${v.length} values for an image with ${d.channels} channels (shape [${img.shape.join(', ')}])`,
        );
      }
    }
    const plane = d.height * d.width;
    const out = new Float32Array(img.data.length);
    for (let p = 0; p < d.planes; p++) {
      const c = p % d.channels;
      const mc = m.length === 1 ? m[0] : m[c];
      const sc = s.length === 1 ? s[0] : s[c];
      const base = p * plane;
      for (let i = base; i < base + plane; i++) out[i] = Math.fround(img.data[i] - mc) / sc;
    }
    return new Tensor(out, img.shape);
  };
}

/** Applies the transforms left to right (torchvision's `Compose`). */
export function compose(...fns: Transform[]): Transform {
  fns.forEach((f, i) => {
    if (typeof f !== 'function') throw new ArgumentError(`compose: argument ${i} is not a function (${describe(f)})`);
  });
  return (img: Tensor): Tensor => fns.reduce((x, f) => f(x), img);
}

/** Raw interleaved 8-bit pixels (RGB, RGBA or grey) → `[3, H, W]` in [0, 1]; same as `imageFromPixels`. */
export const toTensor = imageFromPixels;

/**
 * torchvision 0.14's `ImageClassification` preset: `resize([resizeSize])` (bilinear,
 * antialiased like PIL), `centerCrop(cropSize)`, then `normalize(mean, std)`. Pass
 * `weights.transformsSpec` straight in. Takes `[3, H, W]` or `[N, 3, H, W]` in [0, 1].
 */
export function imageClassification(spec: ImageClassificationSpec): Transform {
  if (spec === null || typeof spec !== 'object') throw new ArgumentError('imageClassification expects a spec object');
  if (spec.kind !== undefined && spec.kind !== 'ImageClassification') {
    throw new ArgumentError(`imageClassification cannot build a ${JSON.stringify(spec.kind)} preset`);
  }
  positiveInt(spec.cropSize, 'imageClassification: cropSize');
  positiveInt(spec.resizeSize, 'imageClassification: resizeSize');
  const channels = spec.grayscale ? 1 : 3;
  for (const key of ['mean', 'std'] as const) {
    if (!Array.isArray(spec[key]) || spec[key].length !== channels) {
      throw new ArgumentError(
        `imageClassification: ${key} must have ${channels} value(s), got ${JSON.stringify(spec[key])}`,
      );
    }
  }
  const steps = [
    resize([spec.resizeSize], { antialias: spec.antialias ?? true, interpolation: spec.interpolation ?? 'bilinear' }),
    centerCrop(spec.cropSize),
    normalize(spec.mean, spec.std),
  ];
  return compose(...(spec.grayscale ? [toGrayscale(), ...steps] : steps));
}

/**
 * RGB [3,H,W] (or [N,3,H,W]) to luminance [1,H,W] with PIL's integer formula
 * L = (19595·R + 38470·G + 7471·B + 2^15) >> 16 on the 8-bit values, so a
 * grayscale model sees the pixels PIL's convert('L') would give it.
 */
export function toGrayscale(): Transform {
  return (img: Tensor): Tensor => {
    const lead = img.shape.slice(0, -3);
    const [c, h, w] = img.shape.slice(-3);
    if (c === 1) return img;
    if (c !== 3) throw new ShapeError(`toGrayscale expects 3 channels, got shape [${img.shape.join(', ')}]`);
    const plane = h * w;
    const planes = lead.reduce((p, d) => p * d, 1);
    const out = new Float32Array(planes * plane);
    for (let n = 0; n < planes; n++) {
      const src = n * 3 * plane;
      for (let i = 0; i < plane; i++) {
        const r = Math.round(img.data[src + i] * 255);
        const g = Math.round(img.data[src + plane + i] * 255);
        const b = Math.round(img.data[src + 2 * plane + i] * 255);
        out[n * plane + i] = ((19595 * r + 38470 * g + 7471 * b + 0x8000) >> 16) / 255;
      }
    }
    return new Tensor(out, [...lead, 1, h, w]);
  };
}
