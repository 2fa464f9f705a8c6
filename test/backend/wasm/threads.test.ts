/**
 * Threads change nothing but speed: each GEMM value is computed by one thread with the same K blocking,
 * and col2im gives each thread whole input channels, so 1-thread and 3-thread results agree bit for bit.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Backend } from '../../../src/backend/backend.js';
import { createWasmBackend } from '../../../src/backend/wasm/index.js';
import type { WasmKernels } from '../../../src/backend/wasm/kernels.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';
import { Generator } from '../../../src/tensor/rng.js';
import { convParams } from '../../helpers/native.js';
import { allThreadsReady } from './helpers.js';

const gen = new Generator(77);
const random = (n: number): Float32Array => {
  const a = new Float32Array(n);
  gen.fillUniform(a, -1, 1);
  return a;
};

describe('wasm backend: 3 threads give the 1-thread results bit for bit', () => {
  let one: WasmKernels;
  let three: WasmKernels;
  let b1: Backend;
  let b3: Backend;
  before(async () => {
    one = loadWasmKernels({ threads: 1 });
    three = loadWasmKernels({ threads: 3 });
    b1 = createWasmBackend(one);
    b3 = createWasmBackend(three);
    await allThreadsReady(three);
  });
  after(() => three.terminate());

  it('runs on a shared memory with 3 threads', () => {
    assert.equal(three.threads, 3);
    assert.equal(three.shared, true);
    assert.equal(one.threads, 1);
  });

  it('gemm: every transpose, the dot-product path, rows and columns split', () => {
    for (const [transA, transB, M, N, K] of [
      [false, false, 70, 300, 129],
      [true, false, 300, 33, 70],
      [false, true, 3, 517, 260],
      [true, true, 97, 101, 300],
      [false, true, 9, 40, 1000],
    ] as const) {
      const A = random(M * K);
      const B = random(K * N);
      const C = random(M * N);
      const c1 = C.slice();
      const c3 = C.slice();
      b1.gemm(transA, transB, M, N, K, 0.75, A, B, 0.5, c1);
      b3.gemm(transA, transB, M, N, K, 0.75, A, B, 0.5, c3);
      assert.deepEqual(c3, c1, `${transA} ${transB} ${M}x${N}x${K}`);
    }
  });

  it('conv2d and both gradients', () => {
    for (const p of [
      convParams({ batch: 2, inC: 5, outC: 7, inH: 13, inW: 11, k: [3, 3], pad: [1, 1] }),
      convParams({ batch: 2, inC: 3, outC: 4, inH: 9, inW: 10, k: [3, 2], stride: [2, 1], pad: [1, 0] }),
      convParams({ batch: 2, inC: 6, outC: 5, inH: 7, inW: 7, k: [1, 1] }),
    ]) {
      const x = random(p.batch * p.inChannels * p.inH * p.inW);
      const w = random(p.outChannels * p.inChannels * p.kernelH * p.kernelW);
      const bias = random(p.outChannels);
      const gy = random(p.batch * p.outChannels * p.outH * p.outW);
      assert.deepEqual(b3.conv2d(x, w, bias, p), b1.conv2d(x, w, bias, p));
      assert.deepEqual(b3.conv2dBackwardInput(gy, w, p), b1.conv2dBackwardInput(gy, w, p));
      assert.deepEqual(b3.conv2dBackwardWeight(gy, x, p), b1.conv2dBackwardWeight(gy, x, p));
    }
  });
});
