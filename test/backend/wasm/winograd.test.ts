/**
 * Winograd F(4×4,3×3) on the WebAssembly backend (3×3 stride-1 convolutions over at least 1024 output
 * positions; smaller ones take im2col, which the shared kernel tables cover) against the float64
 * oracles: forward and input gradient, paddings 0–2, maps that are not multiples of the 4×4 tile,
 * several images per block of tiles and blocks that split an image, 1 and 3 threads.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Conv2dParams } from '../../../src/backend/backend.js';
import { naiveConv2d, naiveConv2dBackwardInput } from '../../../src/backend/ref/naive.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { Generator } from '../../../src/tensor/rng.js';
import { relError } from '../../helpers/golden.js';
import { allThreadsReady } from './helpers.js';

const TOL = 1e-5;
const gen = new Generator(4);
const random = (n: number): Float32Array => {
  const a = new Float32Array(n);
  gen.fillUniform(a, -1, 1);
  return a;
};

function conv3x3(
  batch: number,
  inChannels: number,
  outChannels: number,
  inH: number,
  inW: number,
  pad: number,
): Conv2dParams {
  const [outH, outW] = [inH + 2 * pad - 2, inW + 2 * pad - 2];
  return {
    batch,
    inChannels,
    outChannels,
    inH,
    inW,
    outH,
    outW,
    kernelH: 3,
    kernelW: 3,
    strideH: 1,
    strideW: 1,
    padH: pad,
    padW: pad,
    dilationH: 1,
    dilationW: 1,
  };
}

const shapes = [
  conv3x3(1, 8, 8, 34, 35, 1),
  conv3x3(3, 9, 13, 23, 21, 0),
  conv3x3(2, 16, 12, 30, 23, 2),
  conv3x3(1, 32, 24, 37, 33, 1),
  // 1,980 tiles of 16 + 16 channels: two blocks of tiles (ops.ts), the second starting inside the
  // second image and inside a tile row.
  conv3x3(2, 16, 16, 130, 118, 1),
];

describe('wasm Winograd F(4x4,3x3) vs float64 oracles', () => {
  const kernels: WasmKernels[] = [];
  before(async () => {
    kernels.push(loadWasmKernels({ threads: 1 }), loadWasmKernels({ threads: 3 }));
    await allThreadsReady(kernels[1]);
  });
  after(() => kernels[1].terminate());

  for (const p of shapes) {
    it(`${p.batch}×${p.inChannels}×${p.inH}×${p.inW} -> ${p.outChannels}, pad ${p.padH}`, () => {
      const x = random(p.batch * p.inChannels * p.inH * p.inW);
      const w = random(p.outChannels * p.inChannels * 9);
      const bias = random(p.outChannels);
      const gy = random(p.batch * p.outChannels * p.outH * p.outW);
      const wantY = naiveConv2d(x, w, bias, p);
      const wantGx = naiveConv2dBackwardInput(gy, w, p);
      for (const k of kernels) {
        const b = createWasmBackend(k);
        const im2col = createWasmBackend(k, { conv: 'im2col' });
        const y = b.conv2d(x, w, bias, p);
        assert.ok(relError(y, wantY) <= TOL, `forward, ${k.threads} threads: ${relError(y, wantY)}`);
        const gx = b.conv2dBackwardInput(gy, w, p);
        assert.ok(relError(gx, wantGx) <= TOL, `input gradient, ${k.threads} threads: ${relError(gx, wantGx)}`);
        // The two algorithms differ (Winograd rounds differently), which shows Winograd really ran.
        assert.notDeepEqual(y, im2col.conv2d(x, w, bias, p));
      }
    });
  }
});
