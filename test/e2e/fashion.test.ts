/** The embedded fashion_vgg model: loads from the package with no download, and the README's main command works offline. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getModel, listModels, loadEmbeddedModel, noGrad, FASHION_MNIST_CLASSES } from '../../src/index.js';
import { DEBIAN_FASHION_MNIST_DIR, loadMnistSplit } from '../../src/data/datasets/mnist.js';
import { DataLoader } from '../../src/data/loader.js';
import { imageClassification } from '../../src/data/transforms.js';
import { liftTransform } from '../../src/data/augment.js';
import { repoRoot } from '../helpers/paths.js';

const samples = readdirSync(join(repoRoot, 'examples', 'fashion'))
  .filter((f) => f.endsWith('.png'))
  .sort()
  .map((f) => join('examples', 'fashion', f));

describe('fashion_vgg', () => {
  it('is listed, loads with its categories and preprocessing, and records the command that trained it', async () => {
    assert.ok(listModels().includes('fashion_vgg'));
    const { model, categories, transforms, architecture } = await loadEmbeddedModel('fashion_vgg');
    assert.deepEqual(categories, FASHION_MNIST_CLASSES);
    assert.equal(transforms!.grayscale, true);
    assert.equal(architecture.inChannels, 1);
    const viaGetModel = await getModel('fashion_vgg', { weights: 'DEFAULT' });
    assert.deepEqual(
      viaGetModel.stateDict().get('features.0.weight')!.data,
      model.stateDict().get('features.0.weight')!.data,
    );
    const record = JSON.parse(readFileSync(join(repoRoot, 'models', 'fashion_vgg.json'), 'utf8')) as {
      testAccuracy: number;
      command: string;
    };
    assert.ok(record.testAccuracy > 0.9, `recorded test accuracy ${record.testAccuracy}`);
    assert.match(record.command, /vgg train/);
  });

  it(
    'scores on the Fashion-MNIST test set exactly what models/fashion_vgg.json records',
    {
      skip: existsSync(DEBIAN_FASHION_MNIST_DIR)
        ? false
        : `needs Debian's dataset-fashion-mnist in ${DEBIAN_FASHION_MNIST_DIR}`,
    },
    async () => {
      const { model, transforms } = await loadEmbeddedModel('fashion_vgg');
      const test = await loadMnistSplit(DEBIAN_FASHION_MNIST_DIR, 'test');
      model.eval();
      let correct = 0;
      for await (const { x, y } of new DataLoader(test, {
        batchSize: 500,
        transform: liftTransform(imageClassification(transforms!)),
      }).epoch(0)) {
        const pred = noGrad(() => model.forward(x)).argmax(1).data;
        y.forEach((label, i) => {
          if (pred[i] === label) correct++;
        });
      }
      const record = JSON.parse(readFileSync(join(repoRoot, 'models', 'fashion_vgg.json'), 'utf8')) as {
        testAccuracy: number;
      };
      // Float32 kernels may order sums differently from the run's own evaluation: allow a near-tie or two to flip.
      assert.ok(
        Math.abs(correct / test.length - record.testAccuracy) <= 2e-4,
        `measured ${correct / test.length}, recorded ${record.testAccuracy}`,
      );
    },
  );

  it('`vgg classify --model fashion_vgg examples/fashion/*.png --json` works offline', () => {
    assert.equal(samples.length, 10);
    const r = spawnSync(
      process.execPath,
      [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'classify', '--model', 'fashion_vgg', '--json', ...samples],
      { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, VGG_OFFLINE: '1' } },
    );
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
