/** Tensor.version: which writes count, and that every tensor over the same memory shares the count. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tensor } from '../../src/tensor/tensor.js';
import { randn, zeros } from '../../src/tensor/creation.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { Parameter } from '../../src/nn/parameter.js';
import { ReLU } from '../../src/nn/layers/activation.js';
import { BatchNorm2d } from '../../src/nn/layers/batchnorm.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { SGD } from '../../src/nn/optim/index.js';

/** Asserts that `write` adds exactly one to t's version. */
function countsOnce(t: Tensor, write: () => unknown, what: string): void {
  const before = t.version;
  write();
  assert.equal(t.version, before + 1, what);
}

describe('Tensor.version', () => {
  it('counts every in-place method and markDirty(), and nothing else', () => {
    const t = zeros([2, 3]);
    assert.equal(t.version, 0);
    countsOnce(t, () => t.copy_(randn([2, 3])), 'copy_');
    countsOnce(t, () => t.fill_(1), 'fill_');
    countsOnce(t, () => t.zero_(), 'zero_');
    countsOnce(t, () => t.uniform_(), 'uniform_');
    countsOnce(t, () => t.normal_(), 'normal_');
    countsOnce(t, () => t.markDirty(), 'markDirty');
    const v = t.version;
    t.add(1);
    t.reshape(3, 2);
    t.data[0] = 5;
    assert.equal(t.version, v, 'new tensors and plain writes into data leave it alone');
  });

  it('is shared by every tensor over the same buffer: detach, reshape, Parameter, state dict entries', () => {
    const layer = new Linear(3, 2);
    const w = layer.weight;
    const views = [w.detach(), w.reshape(6), new Parameter(w), layer.stateDict().get('weight')!];
    for (const view of views) countsOnce(w, () => view.fill_(0.5), 'a write through a view');
    countsOnce(views[0], () => w.fill_(0.25), 'a write seen from a view');
    const other = randn([2, 3]);
    const before = other.version;
    w.fill_(1);
    assert.equal(other.version, before, 'a separate buffer keeps its own count');
  });

  it('counts optimizer steps, BatchNorm running statistics and in-place ReLU', () => {
    const layer = new Linear(3, 2);
    layer.weight.grad = randn([2, 3]);
    countsOnce(layer.weight, () => new SGD([layer.weight], { lr: 0.1 }).step(), 'SGD step');
    const bn = new BatchNorm2d(2);
    countsOnce(bn.runningMean!, () => noGrad(() => bn.forward(randn([2, 2, 3, 3]))), 'running mean');
    const x = randn([4]);
    countsOnce(x, () => noGrad(() => new ReLU(true).forward(x)), 'in-place ReLU');
  });
});
