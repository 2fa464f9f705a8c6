/** Exported graphs run in onnxruntime give the same numbers as the models themselves. */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { VGG, makeLayers, manualSeed, randn, vgg11, nn, type Tensor } from '../../../src/index.js';
import { exportOnnxBytes, type ExportOnnxOptions } from '../../../src/io/onnx.js';
import {
  createSession,
  decode,
  messages,
  randomizeBatchNorm,
  referenceOutput,
  runSession,
  str,
} from '../../helpers/onnx.js';
import { relError } from '../../helpers/golden.js';

const TOLERANCE = 1e-4;

/** Op types of the exported graph, in order. */
function opTypes(bytes: Uint8Array): string[] {
  const graph = messages(decode(bytes), 7)[0];
  return messages(graph, 1).map((n) => str(n, 4) ?? '');
}

/** Exports, runs each batch size through one session, and checks against the model's forward. */
async function check(
  t: TestContext,
  model: nn.Module,
  opts: ExportOnnxOptions & { inputShape: [number, number, number, number] },
  batches: number[] = [opts.inputShape[0]],
): Promise<Uint8Array> {
  const bytes = exportOnnxBytes(model, opts);
  const session = await createSession(bytes);
  const [, c, h, w] = opts.inputShape;
  for (const n of batches) {
    const x: Tensor = randn([n, c, h, w]);
    const expected = referenceOutput(model, x);
    const got = await runSession(session, x, opts.inputName, opts.outputName);
    assert.deepEqual([...got.dims], [...expected.shape], `batch ${n}: output shape`);
    const err = relError(got.data, expected.data);
    t.diagnostic(`batch ${n}, output ${JSON.stringify(expected.shape)}: max relative error ${err.toExponential(2)}`);
    assert.ok(err <= TOLERANCE, `batch ${n}: relative error ${err} > ${TOLERANCE}`);
  }
  await session.release();
  return bytes;
}

describe('exportOnnx: outputs match onnxruntime', () => {
  test('small custom VGG without batch norm (map already 7x7: Identity)', async (t) => {
    manualSeed(1);
    const model = new VGG(makeLayers([8, 'M', 16, 'M']), { numClasses: 5 });
    const bytes = await check(t, model, { inputShape: [2, 3, 28, 28] });
    assert.deepEqual(opTypes(bytes), [
      'Conv',
      'Relu',
      'MaxPool',
      'Conv',
      'Relu',
      'MaxPool',
      'Identity',
      'Flatten',
      'Gemm',
      'Relu',
      'Gemm',
      'Relu',
      'Gemm',
    ]);
  });

  test('small custom VGG with batch norm, dynamic batch (1 and 3 through one session)', async (t) => {
    manualSeed(2);
    const model = new VGG(makeLayers([8, 'M', 16, 16, 'M'], { batchNorm: true }), { numClasses: 7 });
    randomizeBatchNorm(model);
    const bytes = await check(t, model, { inputShape: [1, 3, 28, 28], dynamicBatch: true }, [1, 3]);
    assert.equal(opTypes(bytes).filter((op) => op === 'BatchNormalization').length, 3);
  });

  test('a model in training mode exports its eval graph and stays in training mode', async (t) => {
    manualSeed(3);
    const model = new VGG(makeLayers([4, 'M', 8, 'M'], { batchNorm: true }), { numClasses: 3 });
    randomizeBatchNorm(model);
    model.train();
    await check(t, model, { inputShape: [2, 3, 28, 28] });
    assert.ok([...model.modules()].every((m) => m.training));
  });

  test('vgg11, 32x32, 10 classes (1x1 map up-sampled to 7x7), dynamic batch', async (t) => {
    manualSeed(4);
    const model = vgg11({ numClasses: 10, initWeights: false });
    await check(t, model, { inputShape: [1, 3, 32, 32], dynamicBatch: true }, [1, 3]);
  });

  test('walkthrough net [64,64,64,M,128,128,128,M,256,256,256,M] at 32x32: 4x4 -> 7x7', async (t) => {
    manualSeed(5);
    const model = new VGG(makeLayers([64, 64, 64, 'M', 128, 128, 128, 'M', 256, 256, 256, 'M']), { numClasses: 10 });
    const bytes = await check(t, model, { inputShape: [2, 3, 32, 32] });
    const ops = opTypes(bytes);
    assert.deepEqual(ops.slice(ops.lastIndexOf('MaxPool') + 1, ops.indexOf('Flatten')), [
      'Reshape',
      'MatMul',
      'Reshape',
    ]);
  });

  test('64x48 input: 2x1 -> 7x7, with batch norm and dynamic batch', async (t) => {
    manualSeed(6);
    const model = new VGG(makeLayers([8, 'M', 8, 'M', 16, 'M', 16, 'M', 16, 'M'], { batchNorm: true }), {
      numClasses: 4,
    });
    randomizeBatchNorm(model);
    await check(t, model, { inputShape: [2, 3, 64, 48], dynamicBatch: true }, [1, 3]);
  });

  test('224x224 input: the map is already 7x7', async (t) => {
    manualSeed(7);
    const model = new VGG(makeLayers([4, 'M', 4, 'M', 8, 'M', 8, 'M', 8, 'M']), { numClasses: 6 });
    const bytes = await check(t, model, { inputShape: [1, 3, 224, 224] });
    assert.ok(opTypes(bytes).includes('Identity'));
  });

  test('a multiple of 7 (14x14 -> 7x7) becomes an AveragePool; 10x10 -> 7x7 overlapping bins a MatMul', async (t) => {
    manualSeed(8);
    const model = new VGG(makeLayers([4, 'M', 8, 'M']), { numClasses: 3 });
    const pooled = await check(t, model, { inputShape: [2, 3, 56, 56] });
    assert.ok(opTypes(pooled).includes('AveragePool'));
    const uneven = await check(t, model, { inputShape: [2, 3, 40, 40] });
    assert.ok(opTypes(uneven).includes('MatMul'));
  });

  test('a generic Sequential: strides, dilation, padded ceil-mode pools, affine-free BN, partial flatten, 3-D Linear', async (t) => {
    manualSeed(9);
    const model = new nn.Sequential(
      new nn.Conv2d(2, 6, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
      new nn.BatchNorm2d(6, { affine: false, eps: 1e-3 }),
      new nn.ReLU(),
      new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      new nn.Conv2d(6, 5, 1, { bias: false }),
      new nn.BatchNorm2d(5),
      new nn.MaxPool2d([2, 3], { stride: [1, 2], dilation: [2, 1], ceilMode: true }),
      new nn.AdaptiveAvgPool2d([3, null]),
      new nn.Flatten(2, 3),
      new nn.Dropout(0.3),
      new nn.Linear(3 * 2, 8, { bias: false }),
      new nn.ReLU(true),
      new nn.Linear(8, 4),
      new nn.Flatten(),
      new nn.Linear(5 * 4, 3),
    );
    randomizeBatchNorm(model);
    const bytes = await check(t, model, { inputShape: [2, 2, 19, 13], dynamicBatch: true }, [2, 3]);
    assert.ok(!opTypes(bytes).includes('Dropout'));
  });

  test('max pooling sweep: kernel, stride, padding, dilation and ceil mode give identical values', async () => {
    manualSeed(12);
    let cases = 0;
    for (const k of [2, 3]) {
      for (const s of [2, 3]) {
        for (const p of [0, 1]) {
          for (const d of [1, 2]) {
            for (const ceilMode of [false, true]) {
              const model = new nn.Sequential(
                new nn.MaxPool2d([k, 2], { stride: [s, 1], padding: [p, 0], dilation: [d, 1], ceilMode }),
              );
              for (const h of [5, 6]) {
                const x = randn([1, 2, h, 3]);
                const expected = referenceOutput(model, x);
                const session = await createSession(exportOnnxBytes(model, { inputShape: [1, 2, h, 3] }));
                const got = await runSession(session, x);
                const where = `k=${k} s=${s} p=${p} d=${d} ceil=${ceilMode} h=${h}`;
                assert.deepEqual([...got.dims], [...expected.shape], where);
                assert.deepEqual(got.data, expected.data, where);
                cases++;
              }
            }
          }
        }
      }
    }
    assert.equal(cases, 64);
  });

  test('custom input and output names, opsets 13 and 25', async (t) => {
    manualSeed(10);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3),
      new nn.ReLU(),
      new nn.AdaptiveAvgPool2d(2),
      new nn.Flatten(),
      new nn.Linear(16, 2),
    );
    for (const opset of [13, 25]) {
      await check(t, model, { inputShape: [1, 3, 9, 9], opset, inputName: 'images', outputName: 'logits' });
    }
  });

  test('a model that only drops out exports an Identity', async (t) => {
    const bytes = await check(t, new nn.Sequential(new nn.Dropout()), { inputShape: [1, 2, 3, 4] });
    assert.deepEqual(opTypes(bytes), ['Identity']);
  });

  test('a layer used twice stores its weights once', async (t) => {
    manualSeed(11);
    const conv = new nn.Conv2d(3, 3, 3, { padding: 1 });
    const model = new nn.Sequential(conv, new nn.ReLU(), conv);
    const bytes = await check(t, model, { inputShape: [1, 3, 6, 6] });
    const graph = messages(decode(bytes), 7)[0];
    assert.deepEqual(
      messages(graph, 5).map((i) => str(i, 8)),
      ['0.weight', '0.bias'],
    );
  });
});
