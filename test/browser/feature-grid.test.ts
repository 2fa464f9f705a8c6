/** The feature-map grid's layout, hit-testing and pixels (the OffscreenCanvas part runs in page.test.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  featureGridChannelAt,
  featureGridLayout,
  featureGridPixels,
  featureGridSize,
  featureGridTile,
} from '../../src/browser/feature-grid.js';

describe('featureGridLayout', () => {
  it('puts the channels in a near-square grid, enlarging small maps to the minimum width', () => {
    assert.deepEqual(featureGridLayout([64, 224, 224]), {
      channels: 64,
      cols: 8,
      rows: 8,
      height: 224,
      width: 224,
      scale: 1,
    });
    // 6 columns of 28+1 pixels are 174 wide: doubled they fit in 360, tripled in 600.
    const small = featureGridLayout([32, 28, 28]);
    assert.deepEqual([small.cols, small.rows, small.scale], [6, 6, 2]);
    assert.equal(featureGridLayout([32, 28, 28], { maxWidth: 600 }).scale, 3);
    assert.deepEqual(featureGridSize(featureGridLayout([128, 3, 3])), { width: 12 * 4 * 7, height: 11 * 4 * 7 });
  });
});

describe('featureGridChannelAt', () => {
  it('finds every channel inside its own tile, and none in the gaps or past the last tile', () => {
    const layout = featureGridLayout([10, 5, 7], { maxWidth: 100 });
    for (let c = 0; c < layout.channels; c++) {
      const t = featureGridTile(layout, c);
      assert.equal(featureGridChannelAt(layout, t.x, t.y), c);
      assert.equal(featureGridChannelAt(layout, t.x + t.width - 0.5, t.y + t.height - 0.5), c);
      assert.equal(featureGridChannelAt(layout, t.x + t.width, t.y), null, `gap right of ${c}`);
      assert.equal(featureGridChannelAt(layout, t.x, t.y + t.height), null, `gap below ${c}`);
    }
    const size = featureGridSize(layout);
    assert.equal(featureGridChannelAt(layout, size.width - 1, size.height - 1), null);
    assert.equal(featureGridChannelAt(layout, -1, 0), null);
  });
});

describe('featureGridPixels', () => {
  it('stretches each channel to its own min..max in opaque greys, leaving the gaps transparent', () => {
    // Channel 0 ramps 0..3, channel 1 is -10 and 10, channel 2 is constant.
    const maps = {
      layer: 'conv',
      shape: [3, 2, 2] as [number, number, number],
      data: Float32Array.of(0, 1, 2, 3, -10, 10, 10, -10, 5, 5, 5, 5),
    };
    const layout = featureGridLayout(maps.shape, { maxWidth: 1 });
    const rgba = featureGridPixels(maps, layout);
    const stride = layout.cols * 3;
    const grey = (c: number, y: number, x: number) => {
      const t = featureGridTile(layout, c);
      const i = ((t.y + y) * stride + t.x + x) * 4;
      assert.equal(rgba[i + 3], 255);
      assert.equal(rgba[i], rgba[i + 1]);
      return rgba[i];
    };
    assert.deepEqual([grey(0, 0, 0), grey(0, 0, 1), grey(0, 1, 0), grey(0, 1, 1)], [0, 85, 170, 255]);
    assert.deepEqual([grey(1, 0, 0), grey(1, 0, 1), grey(1, 1, 0)], [0, 255, 255]);
    assert.equal(grey(2, 1, 1), 0);
    assert.deepEqual([...rgba.subarray(2 * 4, 3 * 4)], [0, 0, 0, 0], 'the gap right of channel 0');
    assert.equal(rgba.length, stride * layout.rows * 3 * 4);
  });
});
