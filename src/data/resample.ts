/**
 * Pillow's separable resampling (`ImagingResample` in libImaging/Resample.c) with the
 * bilinear (triangle) filter, which is what torchvision 0.14 runs when it resizes a PIL
 * image: `F.resize(pil, size, BILINEAR)` → `Image.resize(size, Image.BILINEAR)`.
 *
 * The algorithm, as Pillow implements it:
 * - one output pixel `i` along an axis is centred at `(i + 0.5) * scale` in input
 *   coordinates, where `scale = inSize / outSize`;
 * - when shrinking (`scale > 1`) the triangle filter is stretched by `scale`, so every
 *   output pixel averages all the input pixels under it (antialiasing); when enlarging
 *   it keeps its width of one pixel each side, which is plain bilinear interpolation;
 * - the taps are the input pixels `j` in `[trunc(center - support + 0.5),
 *   trunc(center + support + 0.5))` clipped to the image, weighted
 *   `tri((j - center + 0.5) / filterScale)` and normalised to sum to one;
 * - the horizontal pass runs first (only over the rows the vertical pass will read),
 *   then the vertical pass; an axis whose size does not change is not filtered.
 *
 * Pillow stores 8-bit images, so after each pass it rounds to a byte: the weights are
 * turned into 22-bit fixed point, the sum starts at half a unit and is shifted down
 * and clipped to 0..255. Byte input reproduces that bit for bit; float input
 * keeps everything in floating point (which is also what torch's antialiased tensor
 * resize computes, up to float32 rounding).
 *
 * `antialias: false` keeps the filter one pixel wide even when shrinking: that is the
 * plain bilinear interpolation of `torch.nn.functional.interpolate(mode='bilinear',
 * align_corners=False)`, torchvision's tensor path without antialiasing (the
 * normalisation makes the clamped borders agree too).
 */

/** Filter taps of one axis: output pixel `i` reads `count[i]` inputs from `start[i]`. */
export interface AxisCoefficients {
  start: Int32Array;
  count: Int32Array;
  /** Row `i` of `ksize` weights (unused tails are zero). */
  weights: Float64Array;
  ksize: number;
}

/** Pillow's fixed-point precision for 8-bit images: 32 - 8 - 2 bits. */
const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

function triangle(x: number): number {
  const a = x < 0 ? -x : x;
  return a < 1 ? 1 - a : 0;
}

/** Pillow's `precompute_coeffs` for the bilinear filter (support 1). */
export function axisCoefficients(inSize: number, outSize: number, antialias: boolean): AxisCoefficients {
  const scale = inSize / outSize;
  const filterScale = antialias && scale > 1 ? scale : 1;
  const support = 1 * filterScale;
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * ksize);
  const ss = 1 / filterScale;
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) * scale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    const row = i * ksize;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = triangle((x + xmin - center + 0.5) * ss);
      weights[row + x] = w;
      total += w;
    }
    if (total !== 0) {
      for (let x = 0; x < xmax; x++) weights[row + x] /= total;
    }
    start[i] = xmin;
    count[i] = Math.max(xmax, 0);
  }
  return { start, count, weights, ksize };
}

/** Pillow's `normalize_coeffs_8bpc`: weights as 22-bit fixed point, rounded half away from zero. */
function fixedPoint(weights: Float64Array): Int32Array {
  const out = new Int32Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    out[i] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
  }
  return out;
}

/** Pillow's `clip8`: the fixed-point sum shifted down (flooring) and clipped to a byte. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Planes of `height × width` values, `planes` of them back to back (CHW or NCHW). */
type Planes = Float64Array | Float32Array | Uint8Array;

/**
 * Filters along x: rows `[rowFirst, rowFirst + rows)` of every plane. Byte output takes
 * Pillow's fixed-point weights and rounding; float64 output keeps the weights as they are.
 */
function horizontal<T extends Float64Array | Uint8Array>(
  src: Float32Array | Uint8Array,
  planes: number,
  height: number,
  width: number,
  rowFirst: number,
  rows: number,
  co: AxisCoefficients,
  out: T,
): T {
  const outW = co.start.length;
  const isInt = out instanceof Uint8Array;
  const k = isInt ? fixedPoint(co.weights) : co.weights;
  const { start, count, ksize } = co;
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < rows; y++) {
      const inRow = (p * height + rowFirst + y) * width;
      const outRow = (p * rows + y) * outW;
      for (let i = 0; i < outW; i++) {
        const s = inRow + start[i];
        const n = count[i];
        const kr = i * ksize;
        let sum = isInt ? HALF : 0;
        for (let x = 0; x < n; x++) sum += src[s + x] * k[kr + x];
        out[outRow + i] = isInt ? clip8(sum) : sum;
      }
    }
  }
  return out;
}

/** Filters along y; `rowOffset` is subtracted from the tap positions (rows the horizontal pass skipped). */
function vertical<T extends Float32Array | Uint8Array>(
  src: Planes,
  planes: number,
  height: number,
  width: number,
  rowOffset: number,
  co: AxisCoefficients,
  out: T,
): T {
  const outH = co.start.length;
  const isInt = out instanceof Uint8Array;
  const k = isInt ? fixedPoint(co.weights) : co.weights;
  const acc = new Float64Array(width);
  for (let p = 0; p < planes; p++) {
    const plane = p * height * width;
    for (let j = 0; j < outH; j++) {
      const first = co.start[j] - rowOffset;
      const n = co.count[j];
      const kr = j * co.ksize;
      acc.fill(isInt ? HALF : 0);
      for (let y = 0; y < n; y++) {
        const w = k[kr + y];
        const row = plane + (first + y) * width;
        for (let x = 0; x < width; x++) acc[x] += src[row + x] * w;
      }
      const outRow = (p * outH + j) * width;
      if (isInt) {
        for (let x = 0; x < width; x++) out[outRow + x] = clip8(acc[x]);
      } else {
        for (let x = 0; x < width; x++) out[outRow + x] = acc[x];
      }
    }
  }
  return out;
}

export interface ResampleOptions {
  /** Stretch the filter when shrinking (Pillow, torchvision's PIL path). Default true. */
  antialias?: boolean;
}

/**
 * Resizes `planes` planes of `inH × inW` values (e.g. an image's channels, CHW) to
 * `outH × outW` with Pillow's bilinear resampling. Bytes in (Uint8Array), bytes out,
 * rounded after each pass exactly as Pillow does on 8-bit images; Float32Array in,
 * Float32Array out, filtered in float64 without rounding.
 */
export function resamplePlanes<T extends Float32Array | Uint8Array>(
  src: T,
  planes: number,
  inH: number,
  inW: number,
  outH: number,
  outW: number,
  opts: ResampleOptions = {},
): T {
  const antialias = opts.antialias ?? true;
  const bytes = src instanceof Uint8Array;
  const alloc = (n: number): T => (bytes ? new Uint8Array(n) : new Float32Array(n)) as T;
  const needH = outW !== inW;
  const needV = outH !== inH;
  if (!needH && !needV) return src.slice() as T;
  const coV = needV ? axisCoefficients(inH, outH, antialias) : null;
  let cur: Planes = src;
  let curH = inH;
  let rowOffset = 0;
  if (needH) {
    const coH = axisCoefficients(inW, outW, antialias);
    // Only the rows the vertical pass reads, like Pillow (it changes nothing in the result).
    let first = 0;
    let last = inH;
    if (coV) {
      first = coV.start[0];
      last = coV.start[outH - 1] + coV.count[outH - 1];
    }
    const rows = last - first;
    // Between the passes the float path keeps float64 (torch keeps float32: differences ~1e-7).
    const tmp = bytes ? new Uint8Array(planes * rows * outW) : new Float64Array(planes * rows * outW);
    cur = horizontal(src, planes, inH, inW, first, rows, coH, tmp);
    curH = rows;
    rowOffset = first;
    if (!coV) {
      const out = alloc(planes * rows * outW);
      out.set(cur);
      return out;
    }
  }
  return vertical(cur, planes, curH, outW, rowOffset, coV as AxisCoefficients, alloc(planes * outH * outW));
}
