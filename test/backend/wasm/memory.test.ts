/** A request larger than wasm32's 4 GiB memory fails with a typed error that says how much was needed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WasmOutOfMemoryError, createWasmBackend } from '../../../src/backend/wasm/index.js';
import { loadWasmKernels } from '../../../src/backend/wasm/load-node.js';

describe('wasm backend memory limit', () => {
  it('a convolution whose output exceeds 4 GiB throws WasmOutOfMemoryError, and the backend keeps working', () => {
    const b = createWasmBackend(loadWasmKernels({ threads: 1 }));
    const p = {
      batch: 4,
      inChannels: 1,
      outChannels: 4096,
      inH: 256,
      inW: 256,
      outH: 256,
      outW: 256,
      kernelH: 1,
      kernelW: 1,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
      dilationH: 1,
      dilationW: 1,
    };
    const x = new Float32Array(p.batch * p.inH * p.inW);
    const w = new Float32Array(p.outChannels);
    const outputBytes = p.batch * p.outChannels * p.outH * p.outW * 4;
    assert.throws(
      () => b.conv2d(x, w, null, p),
      (e: unknown) =>
        e instanceof WasmOutOfMemoryError &&
        e.bytesNeeded > outputBytes &&
        /smaller batch/.test(e.message) &&
        e.message.includes(String(e.bytesNeeded)),
    );
    const y = b.conv2d(Float32Array.of(2), Float32Array.of(3), Float32Array.of(1), {
      ...p,
      batch: 1,
      outChannels: 1,
      inH: 1,
      inW: 1,
      outH: 1,
      outW: 1,
    });
    assert.deepEqual(y, Float32Array.of(7));
  });
});
