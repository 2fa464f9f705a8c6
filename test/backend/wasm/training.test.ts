/**
 * A few training steps of the fashion_vgg architecture (batch norm, dropout, nesterov SGD with weight
 * decay, label-smoothed cross entropy) on wasm end with the same weights as on native (or, without
 * the addon, the reference backend) within 1e-4, parameter by parameter. Errors are relative to
 * max(max |w|, 1e-3): a conv bias in front of a BatchNorm gets only rounding noise as gradient and
 * stays near 1e-10, where relative errors mean nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildVgg, listBackends, manualSeed, nn, optim, randn, withBackend } from '../../../src/index.js';

const TOL = 1e-4;

/** max |a − e| over max(max |e|, 1e-3). */
function error(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 1e-3;
  expected.forEach((e, i) => {
    diff = Math.max(diff, Math.abs(actual[i] - e));
    scale = Math.max(scale, Math.abs(e));
  });
  return diff / scale;
}

const architecture = {
  cfg: [32, 32, 'M', 64, 64, 'M', 128, 'M'] as (number | 'M')[],
  batchNorm: true,
  inChannels: 1,
  numClasses: 10,
  hiddenFeatures: 256,
  dropout: 0.3,
  poolSize: 3,
};

/** Every parameter after `steps` SGD steps on one fixed batch, on backend `name`. */
function train(name: string, steps: number): Float32Array[] {
  return withBackend(name, () => {
    manualSeed(3);
    const model = buildVgg(architecture).train();
    const opt = new optim.SGD([...model.parameters()], { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
    const x = randn([16, 1, 28, 28]);
    const y = Array.from({ length: 16 }, (_, i) => i % 10);
    for (let s = 0; s < steps; s++) {
      const loss = nn.crossEntropy(model.forward(x), y, { labelSmoothing: 0.1 });
      opt.zeroGrad();
      loss.backward();
      opt.step();
    }
    return [...model.parameters()].map((p) => p.data.slice());
  });
}

describe('training on wasm', () => {
  it(`3 steps of the fashion_vgg architecture match the other backend within ${TOL}`, () => {
    const other = listBackends().includes('native') ? 'native' : 'ref';
    const want = train(other, 3);
    const got = train('wasm', 3);
    assert.equal(got.length, want.length);
    got.forEach((w, i) => assert.ok(error(w, want[i]) <= TOL, `parameter ${i}: ${error(w, want[i])}`));
  });
});
