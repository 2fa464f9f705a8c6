/** Module traversal, state dicts, modes, layer errors and the VGG's bad-input messages. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  nn,
  vgg11_bn,
  VGG,
  makeLayers,
  cfgs,
  randn,
  zeros,
  Tensor,
  ShapeError,
  StateDictError,
  ArgumentError,
  noGrad,
} from '../../src/index.js';

const tiny = () => new VGG(makeLayers([4, 'M', 8, 'M'], { batchNorm: true }), { numClasses: 3 });

describe('traversal', () => {
  it('names parameters and buffers with torchvision keys, in order', () => {
    const m = tiny();
    const keys = [...m.stateDict().keys()];
    assert.deepEqual(keys.slice(0, 7), [
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
    ]);
    assert.equal(keys.at(-1), 'classifier.6.bias');
    assert.deepEqual(
      [...m.namedBuffers()].map(([k]) => k).filter((k) => k.startsWith('features.1.')),
      ['features.1.running_mean', 'features.1.running_var', 'features.1.num_batches_tracked'],
    );
    assert.equal([...m.namedParameters()].length, 4 + 4 + 6);
    assert.deepEqual(
      [...m.namedChildren()].map(([k]) => k),
      ['features', 'avgpool', 'classifier'],
    );
    assert.equal([...m.namedModules()][0][0], '');
    assert.ok(m.getSubmodule('classifier.6') instanceof nn.Linear);
    assert.throws(() => m.getSubmodule('classifier.9'), ArgumentError);
  });

  it('stateDict values share memory with the model', () => {
    const m = tiny();
    m.stateDict().get('features.0.bias')!.fill_(3);
    assert.equal((m.features.at(0) as nn.Conv2d).bias!.data[0], 3);
  });

  it('train/eval reach every descendant; apply visits children first', () => {
    const m = tiny().eval();
    assert.ok([...m.modules()].every((x) => !x.training));
    const order: string[] = [];
    new nn.Sequential(new nn.ReLU(), new nn.Flatten()).apply((x) => order.push(x.typeName()));
    assert.deepEqual(order, ['ReLU', 'Flatten', 'Sequential']);
  });
});

describe('loadStateDict', () => {
  it('round-trips between two models', () => {
    const a = tiny();
    const b = tiny();
    b.loadStateDict(a.stateDict());
    const x = randn([2, 3, 32, 32]);
    assert.deepEqual(b.eval().forward(x).data, a.eval().forward(x).data);
  });

  it('strict mode reports every missing, unexpected and mismatched key in one error, and writes nothing', () => {
    const m = tiny();
    const before = m.stateDict().get('features.0.weight')!.toFloat32Array();
    const sd = new Map(tiny().stateDict());
    sd.delete('features.0.bias');
    sd.delete('classifier.6.weight');
    sd.set('features.9.weight', zeros([1]));
    sd.set('classifier.0.weight', zeros([4096, 10]));
    const err = assert.throws(
      () => m.loadStateDict(sd),
      (e: unknown) => {
        assert.ok(e instanceof StateDictError);
        assert.deepEqual(e.missingKeys, ['features.0.bias', 'classifier.6.weight']);
        assert.deepEqual(e.unexpectedKeys, ['features.9.weight']);
        assert.equal(e.shapeMismatches[0].key, 'classifier.0.weight');
        assert.match(
          e.message,
          /size mismatch for classifier\.0\.weight: copying a param with shape \[4096, 10\] from checkpoint, the shape in current model is \[4096, 392\]/,
        );
        assert.match(e.message, /Missing key\(s\).*"features\.0\.bias".*"classifier\.6\.weight"/);
        assert.match(e.message, /Unexpected key\(s\).*"features\.9\.weight"/);
        return true;
      },
    );
    void err;
    assert.deepEqual(m.stateDict().get('features.0.weight')!.data, before);
  });

  it('non-strict mode returns missing and unexpected keys but still refuses shape mismatches', () => {
    const m = tiny();
    const sd = new Map(tiny().stateDict());
    sd.delete('features.0.bias');
    sd.set('extra', zeros([1]));
    assert.deepEqual(m.loadStateDict(sd, { strict: false }), {
      missingKeys: ['features.0.bias'],
      unexpectedKeys: ['extra'],
    });
    sd.set('features.0.weight', zeros([1]));
    assert.throws(() => m.loadStateDict(sd, { strict: false }), StateDictError);
  });

  it('accepts old BatchNorm state dicts without num_batches_tracked', () => {
    const m = tiny();
    const sd = new Map([...tiny().stateDict()].filter(([k]) => !k.endsWith('num_batches_tracked')));
    assert.deepEqual(m.loadStateDict(sd).missingKeys, []);
  });
});

describe('BatchNorm2d', () => {
  it('counts batches and uses a cumulative average when momentum is null', () => {
    const bn = new nn.BatchNorm2d(2, { momentum: null });
    bn.forward(zeros([2, 2, 2, 2]).add(1));
    bn.forward(zeros([2, 2, 2, 2]).add(3));
    assert.equal(bn.numBatchesTracked!.item(), 2);
    assert.deepEqual([...bn.runningMean!.data], [2, 2]);
  });

  it('refuses a single value per channel in training, as PyTorch does', () => {
    assert.throws(() => new nn.BatchNorm2d(3).forward(zeros([1, 3, 1, 1])), ShapeError);
  });
});

describe('in-place ReLU', () => {
  it('writes into its input only when no gradient flows through it', () => {
    const x = randn([10]);
    const y = noGrad(() => new nn.ReLU(true).forward(x));
    assert.equal(y.data, x.data);
    const leaf = randn([10], { requiresGrad: true });
    const before = leaf.toFloat32Array();
    new nn.ReLU(true).forward(leaf);
    assert.deepEqual(leaf.data, before);
  });
});

describe('VGG bad input names the layer and both shapes', () => {
  const m = vgg11_bn({ numClasses: 10, initWeights: false }).eval();
  const message = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      assert.ok(e instanceof ShapeError, `expected a ShapeError, got ${String(e)}`);
      return e.message;
    }
    assert.fail('no error');
  };

  it('wrong channel count', () => {
    assert.match(
      message(() => m.forward(randn([1, 1, 32, 32]))),
      /^features\.0: expected input with 3 channels \(weight \[64, 3, 3, 3\]\), got input \[1, 1, 32, 32\]/,
    );
  });
  it('wrong rank', () => {
    assert.match(
      message(() => m.forward(randn([3, 32]))),
      /^features\.0: conv2d expects input \[N, C, H, W\] or \[C, H, W\], got \[3, 32\]/,
    );
  });
  it('input too small for the pools', () => {
    assert.match(
      message(() => m.forward(randn([1, 3, 31, 40]))),
      /^features\.28: input \[1, 512, 1, 2\] is too small .*at least 32x32/,
    );
  });
  it('a classifier that does not fit the features', () => {
    const bad = new VGG(makeLayers(cfgs.A), { numClasses: 10, initWeights: false });
    bad.classifier.set(0, new nn.Linear(100, 4096));
    assert.match(
      message(() => bad.eval().forward(randn([1, 3, 32, 32]))),
      /^classifier\.0: .*input \[1, 25088\].*weight \[4096, 100\]/,
    );
  });
  it('any input of at least 32x32 works, including odd sizes', () => {
    const small = new VGG(makeLayers([4, 'M', 4, 'M', 4, 'M', 4, 'M', 4, 'M']), { numClasses: 2 }).eval();
    for (const [h, w] of [
      [32, 32],
      [33, 47],
      [224, 224],
    ]) {
      const y: Tensor = noGrad(() => small.forward(randn([1, 3, h, w])));
      assert.deepEqual(y.shape, [1, 2]);
      assert.ok(!y.data.some(Number.isNaN));
    }
  });
  it('bad options are refused when the model is built', () => {
    assert.throws(() => makeLayers([64, 'X' as never]), ArgumentError);
    assert.throws(() => new VGG(makeLayers([8]), { numClasses: 0 }), ArgumentError);
    assert.throws(() => new nn.Dropout(1.5), ArgumentError);
  });
});
