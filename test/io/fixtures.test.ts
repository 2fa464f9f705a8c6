/** Reads every fixture written by generate.py and compares with what torch itself loaded. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CheckpointError } from '../../src/io/errors.js';
import { detectFormat, decodeRawStateDict } from '../../src/io/load.js';
import { decodeRawPth, decodePthObject } from '../../src/io/pth.js';
import { TensorRef } from '../../src/io/pth-tensors.js';
import { toFloat32 } from '../../src/io/raw-tensor.js';
import { decodeRawSafetensors } from '../../src/io/safetensors.js';
import { readZip } from '../../src/io/zip.js';
import { assertMatches, expectedFixtures, fixture, rejects } from './helpers.js';

const expected = expectedFixtures();

describe('fixtures written by PyTorch 1.13', () => {
  test('generate.py recorded every kind of fixture the tests rely on', () => {
    for (const name of [
      'conv_zip.pt',
      'conv_legacy.pt',
      'checkpoint_zip.pt',
      'checkpoint_legacy.pt',
      'views_zip.pt',
      'views_legacy.pt',
      'dtypes_zip.pt',
      'dtypes_legacy.pt',
      'custom-archive.v2.pt',
      'rebuild_v1_legacy.pt',
      'conv.safetensors',
    ]) {
      assert.ok(expected.has(name), name);
    }
  });

  for (const [name, exp] of expected) {
    test(`${name} reads back exactly what torch.load returned`, () => {
      const bytes = fixture(name);
      const tensors = name.endsWith('.safetensors')
        ? decodeRawSafetensors(bytes).tensors
        : decodeRawPth(bytes, exp.options);
      assertMatches(tensors, exp.tensors, toFloat32);
      // The format-sniffing entry point agrees.
      assertMatches(decodeRawStateDict(bytes, exp.options), exp.tensors, toFloat32);
    });
  }

  test('formats are detected from the first bytes', () => {
    assert.equal(detectFormat(fixture('conv_zip.pt')), 'pth-zip');
    assert.equal(detectFormat(fixture('conv_legacy.pt')), 'pth-legacy');
    assert.equal(detectFormat(fixture('conv.safetensors')), 'safetensors');
    assert.equal(detectFormat(new Uint8Array(0)), undefined);
  });

  test('the archive folder is found whatever it is called', () => {
    const names = [...readZip(fixture('custom-archive.v2.pt')).keys()];
    assert.ok(
      names.every((n) => n.startsWith('custom-archive.v2/')),
      names.join(', '),
    );
    assert.deepEqual([...decodeRawPth(fixture('custom-archive.v2.pt')).keys()], ['weight', 'bias']);
    assert.ok([...readZip(fixture('checkpoint_zip.pt')).keys()].every((n) => n.startsWith('archive/')));
  });

  test('BatchNorm buffers, including num_batches_tracked (int64), are present', () => {
    const sd = decodeRawPth(fixture('conv_zip.pt'));
    const nbt = sd.get('1.num_batches_tracked')!;
    assert.equal(nbt.dtype, 'int64');
    assert.deepEqual(nbt.shape, []);
    assert.deepEqual([...toFloat32(nbt)], [3]);
    assert.ok(sd.has('1.running_mean') && sd.has('1.running_var'));
  });

  test('views sharing one storage are materialised as independent contiguous tensors', () => {
    for (const file of ['views_zip.pt', 'views_legacy.pt']) {
      const sd = decodeRawPth(fixture(file));
      const base = toFloat32(sd.get('base')!);
      const t = toFloat32(sd.get('transposed')!);
      assert.deepEqual(sd.get('transposed')!.shape, [4, 3]);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) assert.equal(t[j * 3 + i], base[i * 4 + j]);
      assert.deepEqual(sd.get('broadcast')!.shape, [2, 3]);
    }
  });

  test('a training checkpoint needs the key option, and the error lists the keys', () => {
    for (const file of ['checkpoint_zip.pt', 'checkpoint_legacy.pt']) {
      const err = rejects(() => decodeRawPth(fixture(file)));
      assert.match(err.message, /'key' option/);
      assert.match(err.message, /"state_dict" \(holds tensors\)/);
      assert.match(err.message, /"epoch"/);
      const unstripped = decodeRawPth(fixture(file), { key: 'state_dict' });
      assert.ok([...unstripped.keys()].every((k) => k.startsWith('module.')));
      const missing = rejects(() => decodeRawPth(fixture(file), { key: 'model' }));
      assert.match(missing.message, /no entry 'model'.*"state_dict"/);
      rejects(() => decodeRawPth(fixture(file), { key: 'epoch' }));
      // The optimizer's state dict holds no tensors at its top level.
      const optimizer = rejects(() => decodeRawPth(fixture(file), { key: 'optimizer' }));
      assert.match(optimizer.message, /'optimizer' holds no tensors; its keys are: "state", "param_groups"/);
    }
  });

  test('decodePthObject exposes non-tensor entries and lazy tensors', () => {
    const obj = decodePthObject(fixture('checkpoint_zip.pt'));
    assert.ok(obj instanceof Map);
    assert.equal(obj.get('epoch'), 7);
    assert.equal(obj.get('arch'), 'tiny');
    assert.equal(obj.get('best_acc1'), 0.5);
    const sd = obj.get('state_dict') as Map<string, unknown>;
    assert.ok(sd.get('module.0.weight') instanceof TensorRef);
  });

  test('errors are CheckpointErrors with a readable name', () => {
    const err = rejects(() => decodeRawPth(new Uint8Array([1, 2, 3])));
    assert.ok(err instanceof CheckpointError);
    assert.equal(err.name, 'CheckpointError');
  });
});
