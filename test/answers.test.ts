/**
 * Images in, answers out, end to end: a committed tiny VGG (test/fixtures/models,
 * written by PyTorch with its answers for committed sample images) through the
 * classify API, the feature extractor, embeddings, and the classify / features /
 * similar commands.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  loadModel,
  classify,
  readImage,
  imageClassification,
  createFeatureExtractor,
  featureLayerNames,
  embed,
  perceptualLoss,
  noGrad,
  vgg16,
  randn,
  decodeRawSafetensors,
  Tensor,
  ArgumentError,
} from '../src/index.js';
import { fixturePath, repoRoot } from './helpers/paths.js';

interface Expected {
  samples: string[];
  categories: string[];
  expected: Record<
    string,
    {
      input_sum: number;
      probs: number[];
      relu1_1_sum: number;
      pool2_sum: number;
      pool2_shape: number[];
      embed_avg: number[];
      embed_max: number[];
    }
  >;
}
const fx = JSON.parse(readFileSync(fixturePath('models', 'expected.json'), 'utf8')) as Expected;
const tinyPath = fixturePath('models', 'tiny.safetensors');
const image = (name: string) => fixturePath('images', name);
const sum = (t: Tensor) => t.data.reduce((a, v) => a + v, 0);
const bin = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const vgg = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, VGG_OFFLINE: '1' } });

describe('classify against torchvision + Pillow', () => {
  it('loadModel rebuilds the tiny VGG with its categories and preprocessing', async () => {
    const { model, categories, transforms, architecture } = await loadModel(tinyPath);
    assert.deepEqual(categories, fx.categories);
    assert.equal(transforms!.cropSize, 56);
    assert.equal(architecture.hiddenFeatures, 32);
    assert.match(String(model), /\(avgpool\): AdaptiveAvgPool2d\(output_size=\(2, 2\)\)/);
  });

  it('same preprocessed pixels and the same probabilities as PyTorch, image by image', async () => {
    const { model, categories, transforms } = await loadModel(tinyPath);
    const transform = imageClassification(transforms!);
    for (const name of fx.samples) {
      const x = transform(await readImage(image(name)));
      assert.ok(Math.abs(sum(x) - fx.expected[name].input_sum) < 1e-2, `${name} input`);
    }
    const results = await classify(model, fx.samples.map(image), { transform, categories, topk: 3, batchSize: 2 });
    results.forEach((r, i) => {
      const want = fx.expected[fx.samples[i]].probs;
      assert.equal(r.file, image(fx.samples[i]));
      assert.equal(r.top.length, 3);
      for (const t of r.top) {
        assert.ok(Math.abs(t.prob - want[t.index]) < 1e-4, `${r.file} ${t.label}: ${t.prob} vs ${want[t.index]}`);
        assert.equal(t.label, fx.categories[t.index]);
      }
      assert.ok(r.top[0].prob >= r.top[1].prob && r.top[1].prob >= r.top[2].prob);
    });
  });

  it('a corrupt or too-small image gets an error naming it, and the rest of the batch goes on', async () => {
    const { model, categories, transforms } = await loadModel(tinyPath);
    const results = await classify(model, [image('truncated.jpg'), image('landscape.jpg'), image('tiny.png')], {
      transform: imageClassification(transforms!),
      categories,
      minSize: [32, 32],
    });
    assert.match(results[0].error!, /truncated\.jpg/);
    assert.equal(results[1].error, undefined);
    assert.equal(results[1].top[0].label, 'cat');
    assert.match(results[2].error!, /tiny\.png.*smaller than/i);
  });
});

describe('features and embeddings', () => {
  it('classic layer names for every config, with and without batch norm', () => {
    const names = featureLayerNames(vgg16({ initWeights: false }));
    assert.equal(names.get('conv1_1'), 0);
    assert.equal(names.get('relu1_2'), 3);
    assert.equal(names.get('pool1'), 4);
    assert.equal(names.get('relu4_3'), 22);
    assert.equal(names.get('pool5'), 30);
  });

  it('activations match PyTorch, and an in-place ReLU does not corrupt a captured conv output', async () => {
    const { model, transforms } = await loadModel(tinyPath);
    const x = imageClassification(transforms!)(await readImage(image('landscape.jpg'))).unsqueeze(0);
    const extractor = createFeatureExtractor(model.eval(), ['relu1_1', 'pool2', 'bn1_1', 'features.0']);
    const maps = noGrad(() => extractor.forward(x));
    const e = fx.expected['landscape.jpg'];
    assert.ok(Math.abs(sum(maps.get('relu1_1')!) - e.relu1_1_sum) < 1e-2);
    assert.deepEqual(maps.get('pool2')!.shape, e.pool2_shape);
    assert.ok(Math.abs(sum(maps.get('pool2')!) - e.pool2_sum) < 1e-2);
    assert.ok(
      maps.get('bn1_1')!.data.some((v) => v < 0),
      'the BatchNorm output kept its negative values',
    );
    assert.throws(() => createFeatureExtractor(model, ['relu9_9']), ArgumentError);
  });

  it('avg and max embeddings match PyTorch', async () => {
    const { model, transforms } = await loadModel(tinyPath);
    const x = imageClassification(transforms!)(await readImage(image('portrait.png'))).unsqueeze(0);
    const e = fx.expected['portrait.png'];
    for (const [pooling, want] of [
      ['avg', e.embed_avg],
      ['max', e.embed_max],
    ] as const) {
      const got = noGrad(() => embed(model.eval(), x, pooling)).data;
      want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-4, `${pooling}[${i}]`));
    }
  });

  it('the perceptual loss is zero for identical images and differentiable', async () => {
    const { model } = await loadModel(tinyPath);
    const extractor = createFeatureExtractor(model.eval(), ['relu1_1', 'relu2_1']);
    const a = randn([1, 3, 32, 32]);
    assert.equal(noGrad(() => perceptualLoss(extractor, a, a)).item(), 0);
    const b = randn([1, 3, 32, 32], { requiresGrad: true });
    const loss = perceptualLoss(extractor, b, a, { weights: { relu1_1: 1, relu2_1: 0.5 } });
    loss.backward();
    assert.ok(loss.item() > 0 && b.grad!.data.some((v) => v !== 0));
  });
});

describe('vgg classify, features and similar', () => {
  it('classify --json prints the same array as the API, walks folders, notes non-images, exit code 1 on a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-classify-'));
    try {
      mkdirSync(join(dir, 'sub'));
      copyFileSync(image('landscape.jpg'), join(dir, 'a.jpg'));
      copyFileSync(image('odd.png'), join(dir, 'sub', 'b.png'));
      writeFileSync(join(dir, 'notes.txt'), 'not an image');
      const ok = vgg('classify', '--weights', tinyPath, '--json', '--topk', '2', dir);
      assert.equal(ok.status, 0, ok.stderr);
      const parsed = JSON.parse(ok.stdout) as { file: string; top: { label: string; index: number; prob: number }[] }[];
      assert.deepEqual(
        parsed.map((r) => r.file),
        [join(dir, 'a.jpg'), join(dir, 'sub', 'b.png')],
      );
      assert.equal(parsed[0].top.length, 2);
      assert.ok(Math.abs(parsed[0].top[0].prob - fx.expected['landscape.jpg'].probs[parsed[0].top[0].index]) < 1e-4);
      assert.match(ok.stderr, /skipping .*notes\.txt: not an image file/);
      const bad = vgg('classify', '--weights', tinyPath, image('truncated.jpg'), image('landscape.jpg'));
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /landscape\.jpg\n.*cat/);
      assert.match(bad.stderr, /truncated\.jpg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a model file, offline: a clear message, no network', () => {
    const home = mkdtempSync(join(tmpdir(), 'vgg-home-'));
    try {
      const r = spawnSync(process.execPath, [bin, 'classify', image('landscape.jpg')], {
        encoding: 'utf8',
        env: { ...process.env, VGG_OFFLINE: '1', TORCH_HOME: home },
      });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /VGG16_Weights\.IMAGENET1K_V1.*--weights <file>/s);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('features --layers writes one [N, C, H, W] tensor per layer; similar ranks a copy of the query first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-features-'));
    try {
      const out = join(dir, 'f.safetensors');
      const r = vgg(
        'features',
        '--weights',
        tinyPath,
        '--layers',
        'relu1_1,pool2',
        '--out',
        out,
        image('landscape.jpg'),
        image('portrait.png'),
      );
      assert.equal(r.status, 0, r.stderr);
      const { tensors, metadata } = decodeRawSafetensors(readFileSync(out));
      assert.deepEqual(tensors.get('pool2')!.shape, [2, 16, 14, 14]);
      assert.deepEqual(JSON.parse(metadata.get('files')!), [image('landscape.jpg'), image('portrait.png')]);
      const gallery = join(dir, 'gallery');
      mkdirSync(gallery);
      for (const f of ['landscape.jpg', 'portrait.png', 'odd.png']) copyFileSync(image(f), join(gallery, f));
      copyFileSync(image('portrait.png'), join(gallery, 'copy-of-query.png'));
      const s = vgg('similar', '--weights', tinyPath, '--json', image('portrait.png'), gallery);
      assert.equal(s.status, 0, s.stderr);
      const ranked = JSON.parse(s.stdout) as { file: string; similarity: number }[];
      assert.equal(ranked.length, 4);
      assert.ok(ranked[0].file.endsWith('copy-of-query.png') || ranked[0].file.endsWith('portrait.png'));
      assert.ok(Math.abs(ranked[0].similarity - 1) < 1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
