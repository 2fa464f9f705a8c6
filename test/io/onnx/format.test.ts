/** The bytes themselves: ModelProto fields read back with a minimal protobuf reader, and writing files. */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { VGG, makeLayers, manualSeed, randn, nn } from '../../../src/index.js';
import { exportOnnx, exportOnnxBytes, onnxIrVersion, ONNX_MAX_OPSET, ONNX_MIN_OPSET } from '../../../src/io/onnx.js';
import {
  bytes,
  createSession,
  decode,
  floats,
  int,
  ints,
  messages,
  runSession,
  str,
  strings,
  valueInfo,
} from '../../helpers/onnx.js';

manualSeed(21);
const model = new VGG(makeLayers([4, 'M', 8, 'M'], { batchNorm: true }), { numClasses: 3 });
const small = new nn.Sequential(
  new nn.Conv2d(3, 2, 3, { padding: [1, 2], stride: [1, 2] }),
  new nn.ReLU(),
  new nn.Flatten(),
);

describe('ONNX protobuf fields', () => {
  test('ModelProto: ir_version 8, opset_import domain "" version 17, producer, graph name', () => {
    const m = decode(exportOnnxBytes(model, { inputShape: [1, 3, 28, 28] }));
    assert.equal(int(m, 1), 8);
    assert.equal(str(m, 2), 'vgg-ts');
    const opsets = messages(m, 8);
    assert.equal(opsets.length, 1);
    assert.equal(str(opsets[0], 1) ?? '', '');
    assert.equal(int(opsets[0], 2), 17);
    assert.equal(str(messages(m, 7)[0], 2), 'VGG');
  });

  test('opset and matching ir_version, producer name', () => {
    for (const [opset, ir] of [
      [13, 8],
      [18, 8],
      [19, 9],
      [21, 10],
      [23, 11],
      [24, 12],
      [25, 13],
    ]) {
      assert.equal(onnxIrVersion(opset), ir);
      const m = decode(exportOnnxBytes(small, { inputShape: [1, 3, 4, 4], opset, producerName: 'me' }));
      assert.equal(int(m, 1), ir);
      assert.equal(int(messages(m, 8)[0], 2), opset);
      assert.equal(str(m, 2), 'me');
    }
    assert.equal(ONNX_MIN_OPSET, 13);
    assert.ok(ONNX_MAX_OPSET >= 17);
  });

  test('graph input and output: static dims, or dim_param "batch" with dynamicBatch', () => {
    for (const dynamicBatch of [false, true]) {
      const graph = messages(decode(exportOnnxBytes(model, { inputShape: [2, 3, 28, 28], dynamicBatch })), 7)[0];
      const [input] = messages(graph, 11).map(valueInfo);
      const [output] = messages(graph, 12).map(valueInfo);
      const batch = dynamicBatch ? 'batch' : 2;
      assert.deepEqual(input, { name: 'input', elemType: 1, dims: [batch, 3, 28, 28] });
      assert.deepEqual(output, { name: 'output', elemType: 1, dims: [batch, 3] });
    }
  });

  test('initializers: state-dict names, FLOAT, dims, little-endian raw_data', () => {
    const graph = messages(decode(exportOnnxBytes(model, { inputShape: [1, 3, 28, 28] })), 7)[0];
    const inits = messages(graph, 5);
    const sd = model.stateDict();
    const expected = [...sd.keys()].filter((k) => !k.endsWith('num_batches_tracked'));
    assert.deepEqual(inits.map((t) => str(t, 8)).sort(), expected.sort());
    for (const t of inits) {
      const key = str(t, 8) ?? '';
      const ref = sd.get(key)!;
      assert.equal(int(t, 2), 1, key);
      assert.deepEqual(ints(t, 1), [...ref.shape], key);
      const [raw] = bytes(t, 9);
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      assert.equal(raw.length, ref.data.length * 4, key);
      for (let i = 0; i < ref.data.length; i += 97) assert.equal(view.getFloat32(i * 4, true), ref.data[i], key);
    }
  });

  test('nodes: inputs, outputs, attributes with their types and values', () => {
    const graph = messages(decode(exportOnnxBytes(model, { inputShape: [1, 3, 28, 28] })), 7)[0];
    const nodes = messages(graph, 1);
    const attrs = (n: (typeof nodes)[number]): Map<string, { type: number; i?: number; f?: number; ints: number[] }> =>
      new Map(
        messages(n, 5).map((a) => [
          str(a, 1) ?? '',
          { type: int(a, 20) ?? 0, i: int(a, 3), f: floats(a, 2)[0], ints: ints(a, 8) },
        ]),
      );
    const conv = nodes[0];
    assert.equal(str(conv, 4), 'Conv');
    assert.deepEqual(strings(conv, 1), ['input', 'features.0.weight', 'features.0.bias']);
    const ca = attrs(conv);
    assert.deepEqual(ca.get('kernel_shape'), { type: 7, i: undefined, f: undefined, ints: [3, 3] });
    assert.deepEqual(ca.get('pads')?.ints, [1, 1, 1, 1]);
    assert.deepEqual(ca.get('strides')?.ints, [1, 1]);
    assert.deepEqual(ca.get('dilations')?.ints, [1, 1]);
    const bn = nodes[1];
    assert.equal(str(bn, 4), 'BatchNormalization');
    assert.deepEqual(strings(bn, 1).slice(1), [
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
    ]);
    assert.equal(attrs(bn).get('epsilon')?.type, 1);
    assert.equal(attrs(bn).get('epsilon')?.f, Math.fround(1e-5));
    const pool = nodes.find((n) => str(n, 4) === 'MaxPool')!;
    assert.deepEqual(attrs(pool).get('ceil_mode'), { type: 2, i: 0, f: undefined, ints: [] });
    const gemm = nodes.find((n) => str(n, 4) === 'Gemm')!;
    assert.equal(attrs(gemm).get('transB')?.i, 1);
    assert.deepEqual(strings(gemm, 1).slice(1), ['classifier.0.weight', 'classifier.0.bias']);
    assert.equal(attrs(nodes.find((n) => str(n, 4) === 'Flatten')!).get('axis')?.i, 1);
    assert.deepEqual(strings(nodes.at(-1)!, 2), ['output']);
    // Every value is produced once, and node names are unique.
    const produced = nodes.flatMap((n) => strings(n, 2));
    assert.equal(new Set(produced).size, produced.length);
    const names = nodes.map((n) => str(n, 3));
    assert.equal(new Set(names).size, names.length);
  });

  test('ceil-mode max pooling whose last window would start in the padding: floor mode with explicit end pads', () => {
    const attrsOf = (net: nn.Module, h: number): Map<string, number[]> => {
      const graph = messages(decode(exportOnnxBytes(net, { inputShape: [1, 1, h, h] })), 7)[0];
      const node = messages(graph, 1)[0];
      return new Map(
        messages(node, 5).map((a) => [str(a, 1) ?? '', int(a, 20) === 2 ? [int(a, 3) ?? NaN] : ints(a, 8)]),
      );
    };
    const net = new nn.Sequential(new nn.MaxPool2d(2, { stride: 2, padding: 1, ceilMode: true }));
    // 5 → PyTorch 3 windows; ONNX's ceil formula would give 4.
    let a = attrsOf(net, 5);
    assert.deepEqual(a.get('ceil_mode'), [0]);
    assert.deepEqual(a.get('pads'), [1, 1, 0, 0]);
    // 6 → both give 4: ceil mode kept.
    a = attrsOf(net, 6);
    assert.deepEqual(a.get('ceil_mode'), [1]);
    assert.deepEqual(a.get('pads'), [1, 1, 1, 1]);
  });

  test('uneven adaptive pooling: a constant pooling matrix with PyTorch bins and reshape shapes keeping the batch', () => {
    const net = new nn.Sequential(new nn.AdaptiveAvgPool2d([2, 3]));
    const graph = messages(decode(exportOnnxBytes(net, { inputShape: [1, 1, 3, 2], dynamicBatch: true })), 7)[0];
    const inits = new Map(messages(graph, 5).map((t) => [str(t, 8) ?? '', t]));
    const matrix = [...inits.values()].find((t) => int(t, 2) === 1)!;
    assert.deepEqual(ints(matrix, 1), [6, 6]);
    const [raw] = bytes(matrix, 9);
    const m = new Float32Array(raw.slice().buffer);
    // Output (0, 0): rows [0, 2) × cols [0, 1) of a 3×2 input = pixels 0 and 2, each 1/2.
    const column = (c: number): number[] => Array.from({ length: 6 }, (_, r) => m[r * 6 + c]);
    assert.deepEqual(column(0), [0.5, 0, 0.5, 0, 0, 0]);
    // Output (1, 1): rows [1, 3) × cols [0, 2) = pixels 2, 3, 4, 5, each 1/4.
    assert.deepEqual(column(4), [0, 0, 0.25, 0.25, 0.25, 0.25]);
    const shapes = [...inits.values()]
      .filter((t) => int(t, 2) === 7)
      .map((t) => {
        const [raw] = bytes(t, 9);
        return Array.from(new BigInt64Array(raw.slice().buffer), Number);
      });
    assert.deepEqual(shapes, [
      [0, 1, 6],
      [0, 1, 2, 3],
    ]);
  });
});

describe('batch dimension in onnxruntime', () => {
  test('a static export rejects batch 3; a dynamic one takes it', async () => {
    const staticSession = await createSession(exportOnnxBytes(small, { inputShape: [1, 3, 5, 5] }));
    assert.deepEqual(staticSession.inputNames, ['input']);
    assert.deepEqual(staticSession.outputNames, ['output']);
    await runSession(staticSession, randn([1, 3, 5, 5]));
    await assert.rejects(runSession(staticSession, randn([3, 3, 5, 5])));
    const dynamicSession = await createSession(
      exportOnnxBytes(small, { inputShape: [1, 3, 5, 5], dynamicBatch: true }),
    );
    const out = await runSession(dynamicSession, randn([3, 3, 5, 5]));
    assert.deepEqual([...out.dims], [3, 2 * 5 * 4]);
    // Spatial sizes stay fixed.
    await assert.rejects(runSession(dynamicSession, randn([1, 3, 6, 5])));
  });
});

describe('exportOnnx(path)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vgg-onnx-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the same bytes as exportOnnxBytes, leaving no temporary file', async () => {
    const file = join(dir, 'small.onnx');
    await exportOnnx(small, file, { inputShape: [1, 3, 8, 8] });
    assert.deepEqual(new Uint8Array(readFileSync(file)), exportOnnxBytes(small, { inputShape: [1, 3, 8, 8] }));
    // Overwrites an existing file.
    await exportOnnx(small, file, { inputShape: [1, 3, 6, 6] });
    assert.deepEqual(new Uint8Array(readFileSync(file)), exportOnnxBytes(small, { inputShape: [1, 3, 6, 6] }));
    assert.deepEqual(readdirSync(dir), ['small.onnx']);
  });

  test('a missing folder rejects and leaves nothing behind', async () => {
    await assert.rejects(exportOnnx(small, join(dir, 'missing', 'x.onnx'), { inputShape: [1, 3, 8, 8] }), {
      code: 'ENOENT',
    });
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.endsWith('.partial')),
      [],
    );
  });
});
