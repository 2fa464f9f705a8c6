/**
 * Native conv2d (Winograd and im2col) and both gradients vs float64 direct
 * convolution, on every ISA the CPU supports and with each algorithm forced.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Conv2dParams } from '../../../src/backend/backend.js';
import type { NativeConvAlgo } from '../../../src/backend/native/index.js';
import {
  addonOrSkip,
  convParams,
  describeConv,
  forEachIsa,
  makeRng,
  naiveConv2d,
  naiveConv2dBackwardInput,
  naiveConv2dBackwardWeight,
  randomArray,
  relError,
  type ConvShape,
} from '../../helpers/native.js';

const { addon, skip } = addonOrSkip('native/conv.test');

const FORWARD_TOL = 1e-4;
const GRAD_TOL = 1e-3;

// Winograd-eligible shapes (3×3, stride 1) cover both tiling modes (few tiles:
// all threads share a block; many tiles: a block per thread), partial edge
// tiles, padding 0/1/2 and channel counts that are not multiples of the tiles.
const SHAPES: ConvShape[] = [
  { batch: 2, inC: 3, outC: 13, inH: 31, inW: 29, k: [3, 3], pad: [1, 1] },
  { batch: 1, inC: 35, outC: 67, inH: 30, inW: 30, k: [3, 3], pad: [1, 1] },
  { batch: 3, inC: 13, outC: 35, inH: 5, inW: 7, k: [3, 3], pad: [1, 1] },
  { batch: 2, inC: 67, outC: 35, inH: 23, inW: 19, k: [3, 3], pad: [0, 0] },
  { batch: 1, inC: 16, outC: 24, inH: 9, inW: 11, k: [3, 3], pad: [2, 2] },
  { batch: 4, inC: 24, outC: 40, inH: 36, inW: 37, k: [3, 3], pad: [1, 1] },
  { batch: 1, inC: 13, outC: 17, inH: 70, inW: 69, k: [3, 3], pad: [1, 1] },
  { batch: 8, inC: 9, outC: 11, inH: 6, inW: 5, k: [3, 3], pad: [1, 0] },
  { batch: 2, inC: 270, outC: 9, inH: 6, inW: 6, k: [3, 3], pad: [1, 1] },
  // Maps narrower than a vector of tiles: lanes gathered across tile rows and images.
  { batch: 40, inC: 8, outC: 16, inH: 14, inW: 14, k: [3, 3], pad: [1, 1] },
  { batch: 24, inC: 10, outC: 9, inH: 7, inW: 7, k: [3, 3], pad: [1, 1] },
  // im2col-only shapes.
  { batch: 2, inC: 5, outC: 7, inH: 17, inW: 19, k: [5, 5], stride: [2, 2], pad: [2, 2] },
  { batch: 1, inC: 6, outC: 10, inH: 15, inW: 14, k: [3, 2], stride: [2, 1], pad: [1, 0], dilation: [1, 2] },
  { batch: 3, inC: 35, outC: 13, inH: 11, inW: 9, k: [1, 1] },
  { batch: 2, inC: 8, outC: 5, inH: 12, inW: 10, k: [1, 1], stride: [2, 2] },
  { batch: 1, inC: 4, outC: 6, inH: 13, inW: 13, k: [3, 3], dilation: [2, 2], pad: [2, 2] },
];

interface Data {
  p: Conv2dParams;
  x: Float32Array;
  w: Float32Array;
  bias: Float32Array;
  gy: Float32Array;
}

function makeData(s: ConvShape, seed: number): Data {
  const rng = makeRng(seed);
  const p = convParams(s);
  const fanIn = p.inChannels * p.kernelH * p.kernelW;
  return {
    p,
    x: randomArray(p.batch * p.inChannels * p.inH * p.inW, rng),
    w: randomArray(p.outChannels * fanIn, rng, 1 / Math.sqrt(fanIn)),
    bias: randomArray(p.outChannels, rng),
    gy: randomArray(p.batch * p.outChannels * p.outH * p.outW, rng),
  };
}

const ALGOS: NativeConvAlgo[] = ['auto', 'winograd', 'im2col'];

function withAlgo<T>(algo: NativeConvAlgo, fn: () => T): T {
  assert.ok(addon);
  const before = addon.getConvAlgo();
  addon.setConvAlgo(algo);
  try {
    return fn();
  } finally {
    addon.setConvAlgo(before);
  }
}

function paramsArray(p: Conv2dParams): number[] {
  return [
    p.batch,
    p.inChannels,
    p.outChannels,
    p.inH,
    p.inW,
    p.outH,
    p.outW,
    p.kernelH,
    p.kernelW,
    p.strideH,
    p.strideW,
    p.padH,
    p.padW,
    p.dilationH,
    p.dilationW,
  ];
}

describe('native conv2d', { skip }, () => {
  test('forward vs direct convolution', () => {
    assert.ok(addon);
    SHAPES.forEach((s, i) => {
      const d = makeData(s, 100 + i);
      const withBias = i % 3 !== 2;
      const want = naiveConv2d(d.x, d.w, withBias ? d.bias : null, d.p);
      forEachIsa(addon, (isa) => {
        for (const algo of ALGOS) {
          withAlgo(algo, () => {
            const y = new Float32Array(want.length).fill(Number.NaN);
            addon.conv2d(d.x, d.w, withBias ? d.bias : null, y, paramsArray(d.p));
            const err = relError(y, want);
            assert.ok(err <= FORWARD_TOL, `${isa}/${algo} ${describeConv(d.p)}: rel err ${err}`);
          });
        }
      });
    });
  });

  test('backward input vs direct convolution', () => {
    assert.ok(addon);
    SHAPES.forEach((s, i) => {
      const d = makeData(s, 200 + i);
      const want = naiveConv2dBackwardInput(d.gy, d.w, d.p);
      forEachIsa(addon, (isa) => {
        for (const algo of ALGOS) {
          withAlgo(algo, () => {
            const gx = new Float32Array(want.length).fill(Number.NaN);
            addon.conv2dBackwardInput(d.gy, d.w, gx, paramsArray(d.p));
            const err = relError(gx, want);
            assert.ok(err <= GRAD_TOL, `${isa}/${algo} ${describeConv(d.p)}: rel err ${err}`);
          });
        }
      });
    });
  });

  test('backward weight vs direct convolution', () => {
    assert.ok(addon);
    SHAPES.forEach((s, i) => {
      const d = makeData(s, 300 + i);
      const want = naiveConv2dBackwardWeight(d.gy, d.x, d.p);
      forEachIsa(addon, (isa) => {
        const gw = new Float32Array(want.length).fill(Number.NaN);
        addon.conv2dBackwardWeight(d.gy, d.x, gw, paramsArray(d.p));
        const err = relError(gw, want);
        assert.ok(err <= GRAD_TOL, `${isa} ${describeConv(d.p)}: rel err ${err}`);
      });
    });
  });

  test('VGG first layer at 224×224 (3 -> 64)', () => {
    assert.ok(addon);
    const d = makeData({ batch: 1, inC: 3, outC: 64, inH: 224, inW: 224, k: [3, 3], pad: [1, 1] }, 9);
    const want = naiveConv2d(d.x, d.w, d.bias, d.p);
    forEachIsa(addon, (isa) => {
      const y = new Float32Array(want.length);
      addon.conv2d(d.x, d.w, d.bias, y, paramsArray(d.p));
      const err = relError(y, want);
      assert.ok(err <= FORWARD_TOL, `${isa}: rel err ${err}`);
    });
  });

  test('one and three threads (both Winograd tiling modes)', () => {
    assert.ok(addon);
    const threads = addon.getNumThreads();
    const shapes: ConvShape[] = [
      { batch: 2, inC: 19, outC: 21, inH: 40, inW: 33, k: [3, 3], pad: [1, 1] },
      { batch: 1, inC: 21, outC: 19, inH: 10, inW: 10, k: [3, 3], pad: [1, 1] },
    ];
    try {
      shapes.forEach((s, i) => {
        const d = makeData(s, 400 + i);
        const wantY = naiveConv2d(d.x, d.w, d.bias, d.p);
        const wantGx = naiveConv2dBackwardInput(d.gy, d.w, d.p);
        const wantGw = naiveConv2dBackwardWeight(d.gy, d.x, d.p);
        for (const t of [1, 3]) {
          addon.setNumThreads(t);
          forEachIsa(addon, (isa) => {
            const y = new Float32Array(wantY.length);
            addon.conv2d(d.x, d.w, d.bias, y, paramsArray(d.p));
            assert.ok(relError(y, wantY) <= FORWARD_TOL, `${isa} forward, ${t} threads, ${describeConv(d.p)}`);
            const gx = new Float32Array(wantGx.length);
            addon.conv2dBackwardInput(d.gy, d.w, gx, paramsArray(d.p));
            assert.ok(relError(gx, wantGx) <= GRAD_TOL, `${isa} grad input, ${t} threads`);
            const gw = new Float32Array(wantGw.length);
            addon.conv2dBackwardWeight(d.gy, d.x, gw, paramsArray(d.p));
            assert.ok(relError(gw, wantGw) <= GRAD_TOL, `${isa} grad weight, ${t} threads`);
          });
        }
      });
    } finally {
      addon.setNumThreads(threads);
    }
  });

  test('rejects bad parameters', () => {
    assert.ok(addon);
    const p = convParams({ batch: 1, inC: 2, outC: 3, inH: 5, inW: 5, k: [3, 3], pad: [1, 1] });
    const x = new Float32Array(50);
    const w = new Float32Array(54);
    assert.throws(() => addon.conv2d(x, w, null, new Float32Array(74), paramsArray(p)), RangeError);
    assert.throws(() => addon.conv2d(x, w.subarray(1), null, new Float32Array(75), paramsArray(p)), RangeError);
    assert.throws(() => addon.conv2d(x, w, new Float32Array(2), new Float32Array(75), paramsArray(p)), RangeError);
    assert.throws(() => addon.conv2d(x, w, null, new Float32Array(75), paramsArray(p).slice(1)), RangeError);
    assert.throws(
      () => addon.conv2d(x, w, null, new Float32Array(75), [...paramsArray(p).slice(0, 9), 0, 1, 1, 1, 1, 1]),
      RangeError,
    );
  });
});
