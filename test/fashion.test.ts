/** The embedded fashion_vgg model: loads from the package with no download, and the README's main command works offline. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getModel, listModels, loadEmbeddedModel, FASHION_MNIST_CLASSES } from '../src/index.js';
import { repoRoot } from './helpers/paths.js';

const samples = readdirSync(join(repoRoot, 'examples', 'fashion')).filter((f) => f.endsWith('.png')).sort().map((f) => join('examples', 'fashion', f));

describe('fashion_vgg', () => {
  it('is listed, loads with its categories and preprocessing, and its recorded accuracy is what the run measured', async () => {
    assert.ok(listModels().includes('fashion_vgg'));
    const { model, categories, transforms, architecture } = await loadEmbeddedModel('fashion_vgg');
    assert.deepEqual(categories, FASHION_MNIST_CLASSES);
    assert.equal(transforms!.grayscale, true);
    assert.equal(architecture.inChannels, 1);
    const viaGetModel = await getModel('fashion_vgg', { weights: 'DEFAULT' });
    assert.deepEqual(viaGetModel.stateDict().get('features.0.weight')!.data, model.stateDict().get('features.0.weight')!.data);
    const record = JSON.parse(readFileSync(join(repoRoot, 'models', 'fashion_vgg.json'), 'utf8')) as { testAccuracy: number; command: string };
    assert.ok(record.testAccuracy > 0.9, `recorded test accuracy ${record.testAccuracy}`);
    assert.match(record.command, /vgg train/);
  });

  it('`vgg classify --model fashion_vgg examples/fashion/*.png --json` works offline', () => {
    assert.equal(samples.length, 10);
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'classify', '--model', 'fashion_vgg', '--json', ...samples],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, VGG_OFFLINE: '1' } });
    assert.equal(r.status, 0, r.stderr);
    const results = JSON.parse(r.stdout) as { file: string; top: { index: number; label: string; prob: number }[] }[];
    assert.equal(results.length, 10);
    let right = 0;
    for (const res of results) {
      const top = res.top[0];
      assert.ok(Number.isInteger(top.index) && top.index >= 0 && top.index <= 9);
      assert.equal(top.label, FASHION_MNIST_CLASSES[top.index]);
      // File names carry the true class: test<N>-<class>-<name>.png
      if (Number(/-(\d)-/.exec(res.file)![1]) === top.index) right++;
    }
    assert.ok(right >= 8, `${right}/10 sample images classified correctly`);
  });
});
