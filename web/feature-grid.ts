/**
 * The layer explorer's canvases. The worker renders the grid (renderFeatureGrid), so the page only
 * copies pixels: the bitmap onto the grid canvas, and a tile of that canvas onto the zoom.
 */
import { featureGridTile, type FeatureGrid, type FeatureGridLayout } from '../src/browser/feature-grid.js';

/** Draws `grid` on `canvas`, sized to it, and frees the bitmap. */
export function showGrid(canvas: HTMLCanvasElement, grid: FeatureGrid): void {
  canvas.width = grid.bitmap.width;
  canvas.height = grid.bitmap.height;
  canvas.getContext('2d')!.drawImage(grid.bitmap, 0, 0);
  grid.bitmap.close();
}

/** Channel `c`'s tile of the grid canvas, stretched over the whole zoom canvas. */
export function zoomChannel(zoom: HTMLCanvasElement, grid: HTMLCanvasElement, layout: FeatureGridLayout, c: number) {
  const tile = featureGridTile(layout, c);
  const ctx = zoom.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.clearRect(0, 0, zoom.width, zoom.height);
  ctx.drawImage(grid, tile.x, tile.y, tile.width, tile.height, 0, 0, zoom.width, zoom.height);
}
