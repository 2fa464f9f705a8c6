/**
 * Full-size vgg16 state dicts written by real PyTorch, in both torch.save
 * layouts, load into our vgg16 and give PyTorch's logits; the same file in
 * the torch.hub cache serves `vgg16({ weights: 'DEFAULT' })`. Skipped, with a
 * message, where Debian's python3-torch is not installed.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, renameSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadCheckpoint,
  vgg16,
  noGrad,
  Tensor,
  decodeRawSafetensors,
  WeightsNotCachedError,
  getModel,
  OfflineError,
} from '../src/index.js';
import { toFloat32 } from '../src/io/raw-tensor.js';
import { fixturePath } from './helpers/paths.js';
import { relError } from './helpers/golden.js';

const hasTorch = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;
const skip = hasTorch ? false : 'python3-torch not installed (apt-get install python3-torch python3-torchvision)';

describe('vgg16 checkpoints written by PyTorch 1.13', { skip }, () => {
  let dir = '';
  let input: Tensor;
  let expected: Float32Array;
  const savedHome = process.env.TORCH_HOME;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'vgg-torch-'));
    const r = spawnSync('/usr/bin/python3', [fixturePath('checkpoints', 'torch_vgg16.py'), dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { tensors } = decodeRawSafetensors(readFileSync(join(dir, 'expected.safetensors')));
    const x = tensors.get('input')!;
    input = new Tensor(toFloat32(x), x.shape);
    expected = toFloat32(tensors.get('logits')!);
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    if (savedHome === undefined) delete process.env.TORCH_HOME;
    else process.env.TORCH_HOME = savedHome;
  });

  for (const layout of ['zip', 'legacy']) {
    it(`${layout} layout: loads strictly and gives PyTorch's logits`, async () => {
      const sd = await loadCheckpoint(join(dir, `vgg16_${layout}.pth`));
      assert.equal(sd.size, 32);
      const model = vgg16({ initWeights: false });
      model.loadStateDict(sd);
      const y = noGrad(() => model.eval().forward(input));
      const err = relError(y.data, expected);
      assert.ok(err <= 1e-4, `logits relative error ${err}`);
    });
  }

  it('vgg16({ weights: "DEFAULT" }) reads the torch.hub cache, and says how to download when it is empty', async () => {
    process.env.TORCH_HOME = join(dir, 'torch');
    assert.throws(() => vgg16({ weights: 'DEFAULT' }), WeightsNotCachedError);
    await assert.rejects(getModel('vgg16', { weights: 'DEFAULT', offline: true }), OfflineError);
    mkdirSync(join(dir, 'torch', 'hub', 'checkpoints'), { recursive: true });
    renameSync(join(dir, 'vgg16_legacy.pth'), join(dir, 'torch', 'hub', 'checkpoints', 'vgg16-397923af.pth'));
    const model = await getModel('vgg16', { weights: 'IMAGENET1K_V1', offline: true });
    const y = noGrad(() => model.eval().forward(input));
    assert.ok(relError(y.data, expected) <= 1e-4);
    assert.throws(() => vgg16({ weights: 'DEFAULT', numClasses: 10 }), /has 1000 classes but numClasses 10/);
  });
});
