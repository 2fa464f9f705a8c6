/** loadCheckpoint / decodeCheckpoint / saveSafetensors / savePth in terms of model state dicts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  VGG,
  makeLayers,
  loadCheckpoint,
  decodeCheckpoint,
  saveSafetensors,
  savePth,
  encodeSafetensors,
  encodePth,
  decodeRawSafetensors,
  randn,
  noGrad,
  CheckpointError,
  StateDictError,
} from '../src/index.js';
import { fixturePath } from './helpers/paths.js';

const tiny = () => new VGG(makeLayers([4, 'M', 8, 'M'], { batchNorm: true }), { numClasses: 3 });

describe('checkpoint API', () => {
  it('save → load round trips through both formats, and the model gives the same outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-ckpt-'));
    try {
      const a = tiny().eval();
      a.train().forward(randn([2, 3, 32, 32]));
      a.eval();
      await saveSafetensors(join(dir, 'm.safetensors'), a.stateDict(), { format: 'pt' });
      await savePth(join(dir, 'm.pth'), a.stateDict());
      assert.deepEqual(readdirSync(dir).sort(), ['m.pth', 'm.safetensors'], 'no temporary files left behind');
      const x = randn([1, 3, 32, 32]);
      const want = noGrad(() => a.forward(x)).data;
      for (const file of ['m.safetensors', 'm.pth']) {
        const b = tiny();
        b.loadStateDict(await loadCheckpoint(join(dir, file)));
        assert.deepEqual(noGrad(() => b.eval().forward(x)).data, want, file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('num_batches_tracked is written as int64, the dtype PyTorch gives it', () => {
    const st = decodeRawSafetensors(encodeSafetensors(tiny().stateDict(), { format: 'pt' }));
    assert.equal(st.tensors.get('features.1.num_batches_tracked')!.dtype, 'int64');
    assert.equal(st.tensors.get('features.1.weight')!.dtype, 'float32');
    assert.equal(st.metadata.get('format'), 'pt');
  });

  it('Uint8Array input, key and stripPrefix for wrapped DataParallel checkpoints', async () => {
    const sd = await loadCheckpoint(fixturePath('checkpoints', 'checkpoint_zip.pt'), {
      key: 'state_dict',
      stripPrefix: 'module.',
    });
    assert.ok([...sd.keys()].every((k) => !k.startsWith('module.')));
    const bytes = encodePth(tiny().stateDict());
    assert.equal(decodeCheckpoint(bytes).size, tiny().stateDict().size);
  });

  it('bad files give CheckpointError; wrong models give StateDictError', async () => {
    assert.throws(() => decodeCheckpoint(new Uint8Array(0)), CheckpointError);
    assert.throws(() => decodeCheckpoint(new Uint8Array([1, 2, 3, 4, 5])), CheckpointError);
    const other = new VGG(makeLayers([5, 'M']), { numClasses: 3 });
    assert.throws(() => other.loadStateDict(new Map(tiny().stateDict())), StateDictError);
  });
});

describe('loading from a path reuses the file buffer', () => {
  it('legacy storages are aligned in place, so float32 tensors are views, with the same values as from bytes', async () => {
    const { readFileSync } = await import('node:fs');
    const path = fixturePath('checkpoints', 'conv_legacy.pt');
    const fromPath = await loadCheckpoint(path);
    const fromBytes = decodeCheckpoint(new Uint8Array(readFileSync(path)));
    assert.deepEqual([...fromPath.keys()], [...fromBytes.keys()]);
    for (const [k, t] of fromPath) assert.deepEqual(t.data, fromBytes.get(k)!.data, k);
    const { decodeRawStateDict } = await import('../src/io/load.js');
    const float32Keys = [...decodeRawStateDict(readFileSync(path))]
      .filter(([, t]) => t.dtype === 'float32')
      .map(([k]) => k);
    assert.ok(float32Keys.length >= 2);
    const buffers = new Set(float32Keys.map((k) => fromPath.get(k)!.data.buffer));
    assert.equal(buffers.size, 1, 'every float32 tensor is a view of the one file buffer');
  });
});
