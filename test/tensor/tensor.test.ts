/** Tensor creation, views, broadcasting, autograd mechanics and errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  Tensor,
  tensor,
  zeros,
  ones,
  randn,
  rand,
  arange,
  manualSeed,
  noGrad,
  enableGrad,
  isGradEnabled,
  Generator,
  ShapeError,
  ArgumentError,
} from '../../src/index.js';

describe('creation', () => {
  it('tensor() from flat values with a shape, and from nested arrays', () => {
    const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.strides, [3, 1]);
    assert.deepEqual(t.toArray(), [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    assert.deepEqual(
      tensor([
        [1, 2],
        [3, 4],
      ]).shape,
      [2, 2],
    );
    assert.throws(() => tensor([[1, 2], [3]]), ShapeError);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), ShapeError);
  });

  it('copies a Float32Array so later writes do not leak in', () => {
    const src = new Float32Array([1, 2]);
    const t = tensor(src, [2]);
    src[0] = 9;
    assert.equal(t.data[0], 1);
    const copy = t.toFloat32Array();
    copy[1] = 7;
    assert.equal(t.data[1], 2);
  });

  it('zeros, ones, arange', () => {
    assert.deepEqual([...zeros([2, 2]).data], [0, 0, 0, 0]);
    assert.deepEqual([...ones([3]).data], [1, 1, 1]);
    assert.deepEqual([...arange(2, 8, 2).data], [2, 4, 6]);
  });

  it('seeded random draws repeat, and have the right moments', () => {
    manualSeed(7);
    const a = randn([10000]);
    manualSeed(7);
    const b = randn([10000]);
    assert.deepEqual(a.data, b.data);
    const mean = a.mean().item();
    const std = Math.sqrt(a.pow(2).mean().item() - mean * mean);
    assert.ok(Math.abs(mean) < 0.03 && Math.abs(std - 1) < 0.03, `mean ${mean} std ${std}`);
    const u = rand([10000], { generator: new Generator(3) });
    assert.ok(u.data.every((v) => v >= 0 && v < 1));
    assert.ok(Math.abs(u.mean().item() - 0.5) < 0.02);
  });

  it('generator state can be saved and restored mid-stream', () => {
    const g = new Generator(11);
    g.normal();
    const state = g.getState();
    const first = [g.normal(), g.normal(), g.random()];
    g.setState(state);
    assert.deepEqual([g.normal(), g.normal(), g.random()], first);
  });
});

describe('views and shapes', () => {
  it('reshape shares the buffer and infers -1', () => {
    const t = arange(12);
    const v = t.reshape(3, -1);
    assert.deepEqual(v.shape, [3, 4]);
    assert.equal(v.data, t.data);
    assert.throws(() => t.reshape(5, -1), ShapeError);
    assert.throws(() => t.view([-1, -1]), ShapeError);
  });

  it('flatten, squeeze, unsqueeze, transpose, permute', () => {
    const t = arange(24).reshape(2, 3, 4);
    assert.deepEqual(t.flatten(1).shape, [2, 12]);
    assert.deepEqual(t.unsqueeze(0).shape, [1, 2, 3, 4]);
    assert.deepEqual(t.unsqueeze(0).squeeze().shape, [2, 3, 4]);
    const tr = t.transpose(0, 2);
    assert.deepEqual(tr.shape, [4, 3, 2]);
    assert.equal(
      tr.toArray().valueOf() && (tr.toArray() as number[][][])[3][2][1],
      (t.toArray() as number[][][])[1][2][3],
    );
    assert.deepEqual(t.permute(1, 2, 0).shape, [3, 4, 2]);
    assert.throws(() => t.permute(0, 0, 1), ShapeError);
    assert.throws(() => t.sum(3), ArgumentError);
  });
});

describe('broadcasting and reductions', () => {
  it('adds a row and a column with broadcasting', () => {
    const y = tensor([1, 2, 3], [1, 3]).add(tensor([10, 20], [2, 1]));
    assert.deepEqual(y.toArray(), [
      [11, 12, 13],
      [21, 22, 23],
    ]);
    assert.throws(() => zeros([2, 3]).add(zeros([4])), ShapeError);
  });

  it('sum, mean, max, argmax', () => {
    const t = tensor([
      [1, 5, 3],
      [7, 2, 9],
    ]);
    assert.equal(t.sum().item(), 27);
    assert.deepEqual([...t.sum(0).data], [8, 7, 12]);
    assert.deepEqual([...t.mean(1, true).data], [3, 6]);
    assert.equal(t.max().item(), 9);
    const { values, indices } = t.max(1);
    assert.deepEqual([...values.data], [5, 9]);
    assert.deepEqual([...indices.data], [1, 2]);
    assert.equal(t.argmax().item(), 5);
  });

  it('softmax rows sum to one even for large logits', () => {
    const p = tensor([
      [1000, 1001, 1002],
      [-5, 0, 5],
    ]).softmax(1);
    for (const s of p.sum(1).data) assert.ok(Math.abs(s - 1) < 1e-6);
    assert.ok(!p.data.some(Number.isNaN));
  });
});

describe('autograd', () => {
  it('accumulates gradients across uses and backward calls', () => {
    const x = tensor([2, 3], [2], { requiresGrad: true });
    x.mul(x).sum().backward();
    assert.deepEqual([...x.grad!.data], [4, 6]);
    x.mul(3).sum().backward();
    assert.deepEqual([...x.grad!.data], [7, 9]);
  });

  it('noGrad records nothing and restores the mode, even after a throw', () => {
    const x = ones([2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(isGradEnabled(), true);
    assert.throws(() =>
      noGrad(() => {
        throw new Error('boom');
      }),
    );
    assert.equal(isGradEnabled(), true);
    assert.equal(noGrad(() => enableGrad(() => x.mul(2))).requiresGrad, true);
  });

  it('backward needs a scalar or an explicit gradient, and a graph', () => {
    const x = ones([2], { requiresGrad: true });
    assert.throws(() => x.mul(2).backward(), ShapeError);
    assert.throws(() => ones([1]).backward(), ArgumentError);
    x.mul(2).backward(tensor([1, 10]));
    assert.deepEqual([...x.grad!.data], [2, 20]);
  });

  it('detach cuts the graph; retainGrad keeps a non-leaf gradient', () => {
    const x = ones([3], { requiresGrad: true });
    const h = x.mul(2).retainGrad();
    h.mul(h.detach()).sum().backward();
    assert.deepEqual([...h.grad!.data], [2, 2, 2]);
    assert.deepEqual([...x.grad!.data], [4, 4, 4]);
  });

  it('a long chain does not overflow the stack', () => {
    const x = ones([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = y.add(1);
    y.sum().backward();
    assert.equal(x.grad!.data[0], 1);
  });
});
