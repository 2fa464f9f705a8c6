/** Initialisation statistics against torch's formulas (golden/init_stats.json comes from the generator). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nn, vgg11, zeros } from '../../src/index.js';
import { loadGoldenJson } from '../helpers/golden.js';

const stats = loadGoldenJson<{ conv0_std: number; linear_std: number }>('init_stats.json');

function moments(a: Float32Array): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of a) {
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean), min, max };
}

describe('VGG initialisation (torchvision _initialize_weights)', () => {
  const m = vgg11({ numClasses: 10 });
  it('convs: kaiming normal, fan_out, relu; zero bias', () => {
    const conv = m.features.at(0) as nn.Conv2d;
    const { mean, std } = moments(conv.weight.data);
    assert.ok(Math.abs(mean) < 0.01 && Math.abs(std / stats.conv0_std - 1) < 0.1, `std ${std} vs ${stats.conv0_std}`);
    const deep = m.features.at(8) as nn.Conv2d;
    const big = moments(deep.weight.data);
    assert.ok(Math.abs(big.std / Math.sqrt(2 / (deep.outChannels * 9)) - 1) < 0.01, `features.8 std ${big.std}`);
    assert.ok(conv.bias!.data.every((v) => v === 0));
  });
  it('linears: normal(0, 0.01); zero bias', () => {
    const fc = m.classifier.at(0) as nn.Linear;
    const { mean, std } = moments(fc.weight.data);
    assert.ok(Math.abs(mean) < 1e-4 && Math.abs(std / stats.linear_std - 1) < 0.01, `std ${std}`);
    assert.ok(fc.bias!.data.every((v) => v === 0));
  });
});

describe('nn.init', () => {
  const w = () => zeros([256, 128, 3, 3]);
  it('kaimingUniform_ bounds and default layer init (a = √5)', () => {
    const t = nn.init.kaimingUniform_(w(), { mode: 'fan_in', nonlinearity: 'relu' });
    const bound = Math.sqrt(6 / (128 * 9));
    const r = moments(t.data);
    assert.ok(r.min >= -bound && r.max <= bound && r.max > 0.99 * bound);
    const conv = new nn.Conv2d(128, 256, 3);
    const layerBound = 1 / Math.sqrt(128 * 9);
    const c = moments(conv.weight.data);
    assert.ok(c.max <= layerBound && c.max > 0.99 * layerBound);
    assert.ok(moments(conv.bias!.data).max <= layerBound);
  });
  it('xavierUniform_, normal_, uniform_, constant_', () => {
    const x = moments(nn.init.xavierUniform_(zeros([300, 200])).data);
    const b = Math.sqrt(6 / 500);
    assert.ok(x.max <= b && x.max > 0.99 * b && x.min >= -b);
    const n = moments(nn.init.normal_(zeros([100000]), 2, 3).data);
    assert.ok(Math.abs(n.mean - 2) < 0.05 && Math.abs(n.std - 3) < 0.05);
    const u = moments(nn.init.uniform_(zeros([100000]), -1, 5).data);
    assert.ok(u.min >= -1 && u.max < 5 && Math.abs(u.mean - 2) < 0.05);
    assert.ok(nn.init.constant_(zeros([3]), 0.5).data.every((v) => v === 0.5));
  });
  it('refuses fans of 1-D tensors', () => {
    assert.throws(() => nn.init.kaimingNormal_(zeros([5])), /fewer than 2 dimensions/);
  });
});
