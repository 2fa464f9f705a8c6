/** What cannot be exported is refused with an OnnxExportError that says what and where. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VGG, makeLayers, nn, type Tensor } from '../../../src/index.js';
import { exportOnnx, exportOnnxBytes, OnnxExportError, type ExportOnnxOptions } from '../../../src/io/onnx.js';

class Swish extends nn.Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}

class LeakyReLU extends nn.ReLU {
  override forward(x: Tensor): Tensor {
    return x;
  }
}

/** Checks the error type, its module path, and that the message contains every fragment. */
function refuses(fn: () => unknown, fragments: (string | RegExp)[], modulePath?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OnnxExportError, `expected an OnnxExportError, got ${String(e)}`);
    assert.equal(e.name, 'OnnxExportError');
    for (const f of fragments) {
      if (typeof f === 'string')
        assert.ok(e.message.includes(f), `message ${JSON.stringify(e.message)} lacks ${JSON.stringify(f)}`);
      else assert.match(e.message, f);
    }
    if (modulePath !== undefined) assert.equal(e.modulePath, modulePath);
    return true;
  });
}

const features = (): nn.Sequential => makeLayers([4, 'M', 8, 'M']);
const vgg = new VGG(features(), { numClasses: 2 });

describe('unsupported layers', () => {
  test('an unknown layer type is named with its path', () => {
    const f = features();
    f.set(1, new Swish());
    const model = new VGG(f, { numClasses: 2 });
    refuses(
      () => exportOnnxBytes(model, { inputShape: [1, 3, 28, 28] }),
      ['features.1', 'Swish', 'unsupported layer type'],
      'features.1',
    );
  });

  test('an unknown container is refused rather than walked', () => {
    class Block extends nn.Module {
      constructor() {
        super();
        this.registerModule('conv', new nn.Conv2d(3, 3, 1));
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const model = new nn.Sequential(new nn.ReLU(), new nn.Sequential(new nn.ReLU(), new Block()));
    refuses(() => exportOnnxBytes(model, { inputShape: [1, 3, 4, 4] }), ['1.1 (Block)'], '1.1');
  });

  test('a subclass that overrides forward is refused', () => {
    const model = new nn.Sequential(new nn.Conv2d(3, 3, 1), new LeakyReLU());
    refuses(() => exportOnnxBytes(model, { inputShape: [1, 3, 4, 4] }), ['1 (LeakyReLU)', 'subclass of ReLU'], '1');
  });

  test('a root module of unknown type', () => {
    refuses(() => exportOnnxBytes(new Swish(), { inputShape: [1, 3, 4, 4] }), ['root module (Swish)'], '');
  });

  test('BatchNorm2d without running statistics', () => {
    const model = new nn.Sequential(new nn.Conv2d(3, 4, 3), new nn.BatchNorm2d(4, { trackRunningStats: false }));
    refuses(() => exportOnnxBytes(model, { inputShape: [1, 3, 8, 8] }), ['1 (BatchNorm2d)', 'running statistics'], '1');
  });

  test('Flatten into the batch dimension', () => {
    refuses(
      () => exportOnnxBytes(new nn.Sequential(new nn.Flatten(0)), { inputShape: [1, 3, 8, 8] }),
      ['0 (Flatten)', 'batch'],
      '0',
    );
  });

  test('exportOnnx rejects without writing', async () => {
    await assert.rejects(
      exportOnnx(new Swish(), '/nonexistent-dir/x.onnx', { inputShape: [1, 3, 4, 4] }),
      OnnxExportError,
    );
  });
});

describe('shapes', () => {
  test('the input channel count must match the first conv', () => {
    refuses(
      () => exportOnnxBytes(vgg, { inputShape: [1, 1, 32, 32] }),
      ['features.0 (Conv2d)', 'expects 3 input channels', '[1, 1, 32, 32]'],
      'features.0',
    );
  });

  test('the default inputShape is [1, 3, 224, 224]', () => {
    const oneChannel = new VGG(makeLayers([4, 'M'], { inChannels: 1 }), { numClasses: 2 });
    refuses(() => exportOnnxBytes(oneChannel), ['expects 1 input channels', 'inputShape [1, 3, 224, 224]']);
  });

  test('a map too small to pool names the pool', () => {
    refuses(
      () => exportOnnxBytes(vgg, { inputShape: [1, 3, 3, 3] }),
      ['features.5 (MaxPool2d)', 'too small'],
      'features.5',
    );
  });

  test('a Linear whose in_features do not match', () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(10, 2));
    refuses(
      () => exportOnnxBytes(model, { inputShape: [1, 3, 2, 2] }),
      ['1 (Linear)', 'expects 10 input features', '[1, 12]'],
      '1',
    );
  });

  test('a conv after flattening', () => {
    const model = new nn.Sequential(new nn.Flatten(), new nn.Conv2d(12, 2, 1));
    refuses(() => exportOnnxBytes(model, { inputShape: [1, 3, 2, 2] }), ['1 (Conv2d)', '4-D'], '1');
  });
});

describe('options', () => {
  const bad: [string, unknown, string][] = [
    ['inputShape of 3 dims', { inputShape: [1, 3, 32] }, 'inputShape'],
    ['zero size', { inputShape: [1, 3, 0, 32] }, 'inputShape'],
    ['fractional size', { inputShape: [1, 3, 32.5, 32] }, 'inputShape'],
    ['non-array inputShape', { inputShape: '1,3,32,32' }, 'inputShape'],
    ['negative batch', { inputShape: [-1, 3, 32, 32] }, 'inputShape'],
    ['opset 12', { opset: 12 }, 'opset'],
    ['opset too new', { opset: 99 }, 'opset'],
    ['fractional opset', { opset: 17.5 }, 'opset'],
    ['empty input name', { inputName: '' }, 'inputName'],
    ['same names', { inputName: 'x', outputName: 'x' }, 'must differ'],
    ['a weight name', { outputName: 'features.0.weight' }, 'weight'],
    ['dynamicBatch not boolean', { dynamicBatch: 'yes' }, 'dynamicBatch'],
    ['options not an object', 5, 'options'],
  ];
  for (const [what, opts, fragment] of bad) {
    test(what, () => {
      refuses(() => exportOnnxBytes(vgg, opts as ExportOnnxOptions), [fragment]);
    });
  }

  test('not a module', () => {
    refuses(() => exportOnnxBytes({} as nn.Module), ['Module']);
  });
});
