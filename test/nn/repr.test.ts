/** Printed forms and parameter counts, byte for byte against torchvision 0.14. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { loadGoldenJson } from '../helpers/golden.js';
import { vggBuilders, makeLayers, cfgs, VGG } from '../../src/models/vgg.js';
import { nn } from '../../src/index.js';

const reprs = loadGoldenJson<Record<string, string>>('reprs.json');
const counts = loadGoldenJson<Record<string, number>>('param_counts.json');

describe('printed form', () => {
  for (const name of Object.keys(vggBuilders)) {
    it(`${name} and ${name}(numClasses: 10)`, () => {
      const model = vggBuilders[name]({ initWeights: false });
      assert.equal(String(model), reprs[name]);
      assert.equal(inspect(model), reprs[name], 'console.log prints the same');
      assert.equal(String(vggBuilders[name]({ numClasses: 10, initWeights: false })), reprs[`${name}_10`]);
    });
  }

  it('makeLayers trunks', () => {
    assert.equal(String(makeLayers([64, 64, 64, 'M', 128, 128, 128, 'M', 256, 256, 256, 'M'])), reprs.custom_features);
    assert.equal(String(makeLayers(cfgs.A, { batchNorm: true })), reprs.features_A_bn);
  });

  it('single layers with non-default options', () => {
    assert.equal(String(new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2 })), reprs.layer_maxpool);
    assert.equal(
      String(new nn.MaxPool2d(3, { stride: 2, padding: 1, dilation: 2, ceilMode: true })),
      reprs.layer_maxpool_ceil,
    );
    assert.equal(String(new nn.BatchNorm2d(7, { eps: 1e-3, momentum: 0.01 })), reprs.layer_bn);
    assert.equal(String(new nn.Dropout(0.25)), reprs.layer_dropout);
    assert.equal(
      String(new nn.Conv2d(3, 8, [3, 5], { stride: [2, 1], padding: [0, 2], dilation: 2, bias: false })),
      reprs.layer_conv,
    );
    assert.equal(String(new nn.AdaptiveAvgPool2d([3, 4])), reprs.layer_adaptive_tuple);
    assert.equal(String(new nn.AdaptiveAvgPool2d(5)), reprs.layer_adaptive_int);
    assert.equal(String(new nn.Linear(4, 2, { bias: false })), reprs.layer_linear_nobias);
    assert.equal(String(new nn.ReLU()), reprs.layer_relu);
    assert.equal(String(new nn.Flatten()), reprs.layer_flatten);
  });
});

describe('parameter counts', () => {
  for (const name of Object.keys(vggBuilders)) {
    it(name, () => {
      const count = (m: VGG) => [...m.parameters()].reduce((n, p) => n + p.numel, 0);
      assert.equal(count(vggBuilders[name]({ initWeights: false })), counts[name]);
      assert.equal(count(vggBuilders[name]({ numClasses: 10, initWeights: false })), counts[`${name}_10`]);
    });
  }
  it('the walkthrough custom net sizes its classifier from the last conv (256·7·7)', () => {
    const m = new VGG(makeLayers([64, 64, 64, 'M', 128, 128, 128, 'M', 256, 256, 256, 'M']), {
      numClasses: 10,
      initWeights: false,
    });
    assert.equal(
      [...m.parameters()].reduce((n, p) => n + p.numel, 0),
      counts.custom_walkthrough,
    );
  });
});
