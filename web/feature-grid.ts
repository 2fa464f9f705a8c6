/** Feature maps on a canvas: one tile per channel, each stretched to its own min..max. */
import type { FeatureMaps } from '../src/browser/worker-classifier.js';

export interface GridLayout {
  cols: number;
  /** Canvas pixels per feature-map pixel. */
  scale: number;
  channels: number;
  height: number;
  width: number;
}

const GAP = 1;
/** Small maps (28×28 Fashion-MNIST) are drawn larger, so the grid is at least this wide. */
const MIN_WIDTH = 360;

/** Grey levels of channel `c`, darkest at its minimum, white at its maximum. */
function channelLevels(maps: FeatureMaps, c: number): Uint8ClampedArray {
  const [, h, w] = maps.shape;
  const plane = maps.data.subarray(c * h * w, (c + 1) * h * w);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of plane) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const span = hi > lo ? 255 / (hi - lo) : 0;
  return Uint8ClampedArray.from(plane, (v) => (v - lo) * span);
}

function putPlane(
  ctx: CanvasRenderingContext2D,
  levels: Uint8ClampedArray,
  w: number,
  h: number,
  x: number,
  y: number,
) {
  const image = ctx.createImageData(w, h);
  // One 32-bit store per pixel (grey, opaque): large maps (64 × 224 × 224) must not stall the page.
  const pixels = new Uint32Array(image.data.buffer);
  for (let i = 0; i < levels.length; i++) pixels[i] = 0xff000000 | (levels[i] * 0x010101);
  ctx.putImageData(image, x, y);
}

export function drawFeatureGrid(canvas: HTMLCanvasElement, maps: FeatureMaps): GridLayout {
  const [channels, height, width] = maps.shape;
  const cols = Math.ceil(Math.sqrt(channels));
  const rows = Math.ceil(channels / cols);
  const scale = Math.max(1, Math.floor(MIN_WIDTH / (cols * (width + GAP))));
  const tiles = document.createElement('canvas');
  tiles.width = cols * (width + GAP);
  tiles.height = rows * (height + GAP);
  const tctx = tiles.getContext('2d')!;
  for (let c = 0; c < channels; c++) {
    putPlane(
      tctx,
      channelLevels(maps, c),
      width,
      height,
      (c % cols) * (width + GAP),
      Math.floor(c / cols) * (height + GAP),
    );
  }
  canvas.width = tiles.width * scale;
  canvas.height = tiles.height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tiles, 0, 0, canvas.width, canvas.height);
  return { cols, scale, channels, height, width };
}

/** The channel drawn at canvas pixel (x, y), or null over a gap or past the last tile. */
export function channelAt(layout: GridLayout, x: number, y: number): number | null {
  const tileW = (layout.width + GAP) * layout.scale;
  const tileH = (layout.height + GAP) * layout.scale;
  const col = Math.floor(x / tileW);
  const c = Math.floor(y / tileH) * layout.cols + col;
  return col < layout.cols && c >= 0 && c < layout.channels ? c : null;
}

/** Channel `c` stretched over the whole zoom canvas. */
export function drawChannel(zoom: HTMLCanvasElement, maps: FeatureMaps, c: number): void {
  const [, h, w] = maps.shape;
  const plane = document.createElement('canvas');
  plane.width = w;
  plane.height = h;
  putPlane(plane.getContext('2d')!, channelLevels(maps, c), w, h, 0, 0);
  const ctx = zoom.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, zoom.width, zoom.height);
  ctx.drawImage(plane, 0, 0, zoom.width, zoom.height);
}
