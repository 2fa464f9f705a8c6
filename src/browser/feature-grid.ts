/**
 * A layer's feature maps as one picture: a grey tile per channel, each stretched to its own min..max
 * (black at its minimum, white at its maximum), laid out in a near-square grid with a 1-pixel gap.
 * WorkerClassifier.featureGrid renders it inside the worker, so a page only copies the finished
 * ImageBitmap: turning millions of activations into pixels would otherwise block the page's thread.
 */
import type { FeatureMaps } from './worker-protocol.js';

export interface FeatureGridOptions {
  /**
   * Small maps (e.g. 28×28 Fashion-MNIST) are enlarged by the largest whole factor that keeps the grid
   * within this width, and never shrunk; default 360.
   */
  maxWidth?: number;
}

export interface FeatureGridLayout {
  channels: number;
  cols: number;
  rows: number;
  /** One map's size, in feature-map pixels. */
  height: number;
  width: number;
  /** Picture pixels per feature-map pixel. */
  scale: number;
}

/** A rectangle of the picture, in its pixels. */
export interface GridRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The rendered grid of one layer: `bitmap` is `layout`'s picture, whose owner should close() it once drawn. */
export interface FeatureGrid {
  layer: string;
  shape: [number, number, number];
  layout: FeatureGridLayout;
  bitmap: ImageBitmap;
}

const GAP = 1;

/** Where the tiles of maps shaped `[channels, height, width]` go, and how much they are enlarged. */
export function featureGridLayout(
  [channels, height, width]: readonly [number, number, number],
  opts: FeatureGridOptions = {},
): FeatureGridLayout {
  const cols = Math.ceil(Math.sqrt(channels));
  const rows = Math.ceil(channels / cols);
  const scale = Math.max(1, Math.floor((opts.maxWidth ?? 360) / (cols * (width + GAP))));
  return { channels, cols, rows, height, width, scale };
}

/** The whole picture's size, in its pixels. */
export function featureGridSize(layout: FeatureGridLayout): { width: number; height: number } {
  return {
    width: layout.cols * (layout.width + GAP) * layout.scale,
    height: layout.rows * (layout.height + GAP) * layout.scale,
  };
}

/** Channel `c`'s tile in the picture (without its gap). */
export function featureGridTile(layout: FeatureGridLayout, c: number): GridRect {
  const { cols, width, height, scale } = layout;
  return {
    x: (c % cols) * (width + GAP) * scale,
    y: Math.floor(c / cols) * (height + GAP) * scale,
    width: width * scale,
    height: height * scale,
  };
}

/** The channel drawn at picture pixel (x, y), or null over a gap or past the last tile. */
export function featureGridChannelAt(layout: FeatureGridLayout, x: number, y: number): number | null {
  const col = Math.floor(x / ((layout.width + GAP) * layout.scale));
  const c = Math.floor(y / ((layout.height + GAP) * layout.scale)) * layout.cols + col;
  const tile = featureGridTile(layout, c);
  const inside = x >= 0 && y >= 0 && x < tile.x + tile.width && y < tile.y + tile.height;
  return col < layout.cols && c < layout.channels && inside ? c : null;
}

/**
 * The picture at scale 1 as RGBA bytes (ImageData's layout): opaque greys in the tiles, transparent
 * gaps. Shape: maps.data [C, H, W] -> [rows·(H+1), cols·(W+1), 4].
 */
export function featureGridPixels(maps: FeatureMaps, layout: FeatureGridLayout): Uint8ClampedArray<ArrayBuffer> {
  const { channels, cols, rows, height: h, width: w } = layout;
  const stride = cols * (w + GAP);
  const rgba = new Uint8ClampedArray(stride * rows * (h + GAP) * 4);
  // One 32-bit store per pixel (grey, opaque; little-endian as every browser): 64 maps of 224×224 are 3.2M
  // of them. `level` rounds and clamps as ImageData's own bytes do.
  const pixels = new Uint32Array(rgba.buffer);
  const level = new Uint8ClampedArray(1);
  for (let c = 0; c < channels; c++) {
    const plane = maps.data.subarray(c * h * w, (c + 1) * h * w);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < plane.length; i++) {
      if (plane[i] < lo) lo = plane[i];
      if (plane[i] > hi) hi = plane[i];
    }
    const span = hi > lo ? 255 / (hi - lo) : 0;
    const origin = Math.floor(c / cols) * (h + GAP) * stride + (c % cols) * (w + GAP);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        level[0] = (plane[y * w + x] - lo) * span;
        pixels[origin + y * stride + x] = 0xff000000 | (level[0] * 0x010101);
      }
    }
  }
  return rgba;
}

/**
 * The grid of `maps` as an ImageBitmap, drawn on OffscreenCanvases (in a Web Worker or on a page):
 * `createWorkerClassifier().featureGrid` calls it in its worker and transfers the bitmap.
 */
export function renderFeatureGrid(maps: FeatureMaps, opts: FeatureGridOptions = {}): FeatureGrid {
  const layout = featureGridLayout(maps.shape, opts);
  const tiles = new OffscreenCanvas(layout.cols * (layout.width + GAP), layout.rows * (layout.height + GAP));
  tiles.getContext('2d')!.putImageData(new ImageData(featureGridPixels(maps, layout), tiles.width), 0, 0);
  let picture = tiles;
  if (layout.scale > 1) {
    const size = featureGridSize(layout);
    picture = new OffscreenCanvas(size.width, size.height);
    const ctx = picture.getContext('2d')!;
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(tiles, 0, 0, size.width, size.height);
  }
  return { layer: maps.layer, shape: maps.shape, layout, bitmap: picture.transferToImageBitmap() };
}
