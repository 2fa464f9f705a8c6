/**
 * Training steps of the fashion_vgg architecture (batch norm, dropout, nesterov SGD with weight decay,
 * label-smoothed cross entropy) on wasm give the same weights as on native (or, without the addon, the
 * reference backend) within 1e-3 (the golden tests' gradient tolerance; a ReLU input within rounding of 0
 * still routes a gradient differently), parameter by parameter, step after step.
 *
 * Each step starts both models from the same state (weights, BatchNorm statistics, momentum, dropout
 * generator), and a step is compared only when both backends made the same max-pool choices: two correct
 * backends part ways at a window whose two largest values differ by less than float32 rounding (mostly a
 * post-ReLU 0 against 1e-7; a 28×28 pool over 16×32 planes has 50,176 windows, and with seeds 1–7 native,
 * wasm or ref routed a gradient elsewhere within 3 steps), which says nothing about either backend.
 * Errors are relative to max(max |w|, 1e-2): BatchNorm biases start at 0 and move by about lr · 0.1 per
 * step, a ReLU input within rounding of 0 moves one by about 1e-6 either way, and a conv bias in front of a
 * BatchNorm gets only rounding noise as gradient, so relative to their own size such errors mean nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '../../../src/backend/backend.js';
import {
  buildVgg,
  defaultGenerator,
  listBackends,
  manualSeed,
  nn,
  optim,
  randn,
  registerBackend,
  setBackend,
  withBackend,
} from '../../../src/index.js';

const TOL = 1e-3;
const STEPS = 4;

/** max |a − e| over max(max |e|, 1e-2). */
function error(actual: Float32Array, expected: Float32Array): number {
  let diff = 0;
  let scale = 1e-2;
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

/** Backend `name` under the name `recording-<name>`, keeping every max-pool's choices in `choices`. */
function recording(name: string, choices: Int32Array[]): string {
  const inner = withBackend(name, () => setBackend(name));
  const wrapped: Backend = Object.create(inner);
  wrapped.maxPool2d = (x, p) => {
    const out = inner.maxPool2d(x, p);
    choices.push(out.indices);
    return out;
  };
  registerBackend(`recording-${name}`, () => wrapped);
  return `recording-${name}`;
}

function trainer() {
  const model = buildVgg(architecture).train();
  const opt = new optim.SGD([...model.parameters()], { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  return { model, opt };
}

describe('training on wasm', () => {
  it(`${STEPS} steps of the fashion_vgg architecture match the other backend within ${TOL}, step by step`, () => {
    const other = listBackends().includes('native') ? 'native' : 'ref';
    const otherChoices: Int32Array[] = [];
    const wasmChoices: Int32Array[] = [];
    const backends = { want: recording(other, otherChoices), got: recording('wasm', wasmChoices) };
    manualSeed(3);
    const want = trainer();
    const got = trainer();
    got.model.loadStateDict(want.model.stateDict());
    const x = randn([16, 1, 28, 28]);
    const y = Array.from({ length: 16 }, (_, i) => i % 10);
    const step = (name: string, t: ReturnType<typeof trainer>) =>
      withBackend(name, () => {
        const loss = nn.crossEntropy(t.model.forward(x), y, { labelSmoothing: 0.1 });
        t.opt.zeroGrad();
        loss.backward();
        t.opt.step();
      });
    let compared = 0;
    for (let s = 0; s < STEPS; s++) {
      otherChoices.length = wasmChoices.length = 0;
      const dropoutState = defaultGenerator.getState();
      step(backends.want, want);
      defaultGenerator.setState(dropoutState);
      step(backends.got, got);
      const sameChoices = otherChoices.every((c, i) => c.every((v, j) => v === wasmChoices[i][j]));
      if (sameChoices) {
        compared++;
        const wanted = [...want.model.parameters()];
        [...got.model.parameters()].forEach((p, i) => {
          const e = error(p.data, wanted[i].data);
          assert.ok(e <= TOL, `step ${s + 1}, parameter ${i}: ${e}`);
        });
      }
      got.model.loadStateDict(want.model.stateDict());
      got.opt.loadStateDict(want.opt.stateDict());
    }
    assert.ok(compared >= 2, `only ${compared} of ${STEPS} steps had the same max-pool choices on both backends`);
  });
});
