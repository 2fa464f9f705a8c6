/**
 * Training runs end to end on small synthetic datasets (grayscale IDX: each
 * class a bar at its own column; CIFAR-like RGB: a coloured bar at its own
 * row; both with noise): accuracy rises well above chance, a run stopped
 * midway and resumed ends with exactly the weights of an uninterrupted run
 * (also with augmentation and prefetching on), divergence keeps the last
 * good checkpoint, and bad datasets or resumes give clear errors.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Trainer, type TrainOptions } from '../../src/train/trainer.js';
import { trainingPreset } from '../../src/train/presets.js';
import { loadMnistSplit, FASHION_MNIST_CLASSES } from '../../src/data/datasets/mnist.js';
import { loadCifar10 } from '../../src/data/datasets/cifar.js';
import { composeSample, liftTransform, randomCrop, randomHorizontalFlip } from '../../src/data/augment.js';
import { normalize, type ImageClassificationSpec } from '../../src/data/transforms.js';
import { loadModel } from '../../src/models/saved.js';
import { replaceClassifierHead } from '../../src/models/finetune.js';
import type { Module } from '../../src/nn/module.js';
import type { Linear } from '../../src/nn/layers/linear.js';
import { Generator } from '../../src/tensor/rng.js';
import { ArgumentError } from '../../src/errors.js';
import { repoRoot } from '../helpers/paths.js';
import { backend, setBackend } from '../../src/backend/registry.js';
import { registerCountingBackend } from '../helpers/counting-backend.js';
import { inferencePlanUnavailable, tryCompileInferencePlan } from '../../src/models/plan.js';
import { buildVgg } from '../../src/models/vgg.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { randn } from '../../src/tensor/creation.js';
import { idxFile, writeSyntheticCifar } from '../helpers/datasets.js';

/** n images of 28×28: a bright 3-pixel-wide vertical bar at column 2 + 2.5·label, plus noise. */
function writeSynthetic(dir: string, split: 'train' | 't10k', n: number, seed: number, badLabel = false): void {
  const g = new Generator(seed);
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = g.randint(10);
    labels[i] = badLabel && i === 3 ? 12 : label;
    const col = 2 + Math.round(label * 2.5);
    for (let p = 0; p < 784; p++) {
      const c = p % 28;
      images[i * 784 + p] = Math.min(255, g.randint(60) + (c >= col && c < col + 3 ? 180 : 0));
    }
  }
  writeFileSync(join(dir, `${split}-images-idx3-ubyte.gz`), idxFile([n, 28, 28], images));
  writeFileSync(join(dir, `${split}-labels-idx1-ubyte.gz`), idxFile([n], labels));
}

const arch = {
  cfg: [8, 'M', 16, 'M'] as (number | 'M')[],
  batchNorm: true,
  inChannels: 1,
  numClasses: 10,
  hiddenFeatures: 32,
  dropout: 0.2,
  poolSize: 2,
};
let root = '';
let data = '';

const preprocessing: ImageClassificationSpec = {
  kind: 'ImageClassification',
  grayscale: true,
  resizeSize: 28,
  cropSize: 28,
  mean: [0.3],
  std: [0.3],
};

function options(outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return {
    architecture: arch,
    epochs: 2,
    batchSize: 32,
    lr: 0.05,
    optimizer: 'sgd',
    schedule: 'cosine',
    weightDecay: 5e-4,
    labelSmoothing: 0.1,
    seed: 3,
    outDir,
    trainTransform: liftTransform(normalize([0.3], [0.3])),
    preprocessing,
    ...extra,
  };
}

/** Runs whole, then stopped after `stopAt` steps and resumed: the final weights and metrics must be identical. */
async function assertResumeExact(name: string, extra: Partial<TrainOptions>, stopAt: number): Promise<void> {
  const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
  const whole = await new Trainer(train, test, options(join(root, `${name}-whole`), extra)).run();
  const part = join(root, `${name}-part`);
  const first = await new Trainer(train, test, options(part, { ...extra, maxSteps: stopAt })).run();
  assert.equal(first.status, 'stopped');
  const state = JSON.parse(readFileSync(join(part, 'state.json'), 'utf8')) as { epoch: number; stepInEpoch: number };
  assert.deepEqual([state.epoch, state.stepInEpoch], [2, stopAt - 20]);
  const second = await new Trainer(train, test, options(part, { ...extra, resume: true })).run();
  assert.equal(second.status, 'finished');
  const a = whole.model.stateDict();
  for (const [k, t] of second.model.stateDict()) assert.deepEqual(t.data, a.get(k)!.data, k);
  // The interrupted epoch's training loss and accuracy count the batches before the stop too.
  const reported = (ms: typeof whole.metrics) => ms.map((m) => [m.testAccuracy, m.trainLoss, m.trainAccuracy]);
  assert.deepEqual(reported(second.metrics), reported(whole.metrics));
}

/** A copy of a module's state (parameters and buffers), detached from the live tensors. */
function snapshot(m: Module): Map<string, Float32Array> {
  return new Map([...m.stateDict()].map(([k, t]) => [k, Float32Array.from(t.data)]));
}

function assertSameState(m: Module, expected: Map<string, Float32Array>, what: string): void {
  const now = snapshot(m);
  assert.deepEqual([...now.keys()], [...expected.keys()]);
  for (const [k, v] of expected) assert.deepEqual(now.get(k), v, `${what}: ${k}`);
}

describe('training runs', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'vgg-train-'));
    data = join(root, 'data');
    mkdirSync(data);
    writeSynthetic(data, 'train', 640, 1);
    writeSynthetic(data, 't10k', 200, 2);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('learns: test accuracy well above chance, with metrics, chart and checkpoints written', async () => {
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const out = join(root, 'learn');
    const result = await new Trainer(train, test, options(out)).run();
    assert.equal(result.status, 'finished');
    assert.ok(result.metrics[1].testAccuracy > 0.6, `test accuracy ${result.metrics[1].testAccuracy} (chance is 0.1)`);
    for (const f of [
      'best.safetensors',
      'last.safetensors',
      'state.json',
      'checkpoint',
      'metrics.csv',
      'metrics.json',
      'chart.html',
    ]) {
      assert.ok(existsSync(join(out, f)), f);
    }
    assert.equal(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').length, 3);
    assert.match(readFileSync(join(out, 'chart.html'), 'utf8'), /<svg/);
    const saved = await loadModel(join(out, 'best.safetensors'));
    assert.deepEqual(saved.transforms, preprocessing);
    assert.deepEqual(saved.categories, FASHION_MNIST_CLASSES);
  });

  it('learns on RGB 32×32 (CIFAR-10 batch files), and the saved model classifies an image file with its recorded preprocessing', async () => {
    const dir = join(root, 'cifar');
    writeSyntheticCifar(dir, 128, 200, 7);
    const [train, test] = await Promise.all([loadCifar10(dir, 'train'), loadCifar10(dir, 'test')]);
    const preset = trainingPreset('cifar10', { augment: false });
    const out = join(root, 'cifar-run');
    const result = await new Trainer(
      train,
      test,
      options(out, { ...preset, architecture: { ...arch, inChannels: 3 } }),
    ).run();
    assert.equal(result.status, 'finished');
    assert.ok(result.metrics[1].testAccuracy > 0.6, `test accuracy ${result.metrics[1].testAccuracy} (chance is 0.1)`);
    const saved = await loadModel(join(out, 'best.safetensors'));
    assert.deepEqual(saved.transforms, {
      kind: 'ImageClassification',
      resizeSize: 32,
      cropSize: 32,
      mean: [0.4914, 0.4822, 0.4465],
      std: [0.247, 0.2435, 0.2616],
    });
    // A test image as a PNG: classify reads it, applies the recorded preprocessing, and names a class.
    const sample = test.images.subarray(0, 3072);
    const hwc = Buffer.alloc(3072);
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) hwc[p * 3 + c] = sample[c * 1024 + p];
    const png = join(root, 'cifar-sample.png');
    await sharp(hwc, { raw: { width: 32, height: 32, channels: 3 } })
      .png()
      .toFile(png);
    const r = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
        'classify',
        '--weights',
        join(out, 'best.safetensors'),
        '--json',
        png,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const [top] = (JSON.parse(r.stdout) as { top: { index: number; label: string }[] }[])[0].top;
    assert.equal(top.label, train.classes[top.index]);
    assert.equal(top.index, test.labels[0], 'the clearly-marked sample is classified as its class');
  });

  it('a run stopped midway and resumed ends with the same weights as an uninterrupted one', async () => {
    await assertResumeExact('plain', {}, 27);
  });

  it('the same with random crops and flips, and batches prefetched three deep', async () => {
    const trainTransform = composeSample(
      randomCrop(28, { padding: 2 }),
      randomHorizontalFlip(0.5),
      normalize([0.3], [0.3]),
    );
    await assertResumeExact('augmented', { trainTransform, prefetch: 3 }, 33);
  });

  it('a diverging run stops with a message and overwrites no checkpoint; a resume with other settings needs allowChanges', async () => {
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const out = join(root, 'diverge');
    await new Trainer(train, test, options(out, { epochs: 1, schedule: 'none' })).run();
    const before = readFileSync(join(out, 'last.safetensors'));
    const diverging = { epochs: 2, lr: 1e30, schedule: 'none', resume: true } as const;
    await assert.rejects(
      new Trainer(train, test, options(out, diverging)).run(),
      (e: unknown) =>
        e instanceof ArgumentError &&
        e.message.includes('was trained with other settings (lr: 0.05 → 1e+30)') &&
        e.message.includes('--allow-changes'),
    );
    const r = await new Trainer(train, test, options(out, { ...diverging, allowChanges: true })).run();
    assert.equal(r.status, 'diverged');
    assert.match(
      r.message!,
      /loss became (NaN|Infinity|-Infinity) at epoch 2, step \d+; the checkpoint in .*diverge \(last.safetensors, to continue at epoch 2, step 0\) was kept/,
    );
    assert.deepEqual(readFileSync(join(out, 'last.safetensors')), before);
    const fresh = await new Trainer(train, test, options(join(root, 'diverge-fresh'), { lr: 1e30 })).run();
    assert.equal(fresh.status, 'diverged');
    assert.match(fresh.message!, /at epoch 1, step \d+; no checkpoint had been saved yet/);
  });

  it('bad input: missing folder, out-of-range labels, a resume from another model, a config that pools below 1x1', async () => {
    await assert.rejects(loadMnistSplit(join(root, 'nope'), 'train'), /does not exist/);
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeSynthetic(bad, 'train', 20, 5, true);
    await assert.rejects(loadMnistSplit(bad, 'train'), /label 12 at index 3 is out of range for 10 classes/);
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const other = { ...arch, hiddenFeatures: 16 };
    await assert.rejects(
      new Trainer(train, test, { ...options(join(root, 'learn'), { resume: true }), architecture: other }).run(),
      (e: unknown) => e instanceof ArgumentError && /different model/.test(e.message),
    );
    const tooDeep = { ...arch, cfg: [8, 'M', 'M', 'M', 'M', 'M'] as (number | 'M')[] };
    await assert.rejects(
      new Trainer(train, test, options(join(root, 'deep'), { architecture: tooDeep })).run(),
      /too small/,
    );
    assert.throws(
      () =>
        new Trainer(train, test, {
          ...options(join(root, 'rgb')),
          architecture: { ...arch, inChannels: 3 },
          preprocessing: undefined,
        }),
      (e: unknown) =>
        e instanceof ArgumentError &&
        /the model takes 3 input channel\(s\) but the images have 1 \(grayscale\)/.test(e.message),
    );
    const renamed = Object.assign(Object.create(test) as typeof test, {
      classes: [...test.classes.slice(0, 9), 'Boot'],
    });
    assert.throws(
      () => new Trainer(train, renamed, options(join(root, 'classes'))),
      /the test set's classes \(.*Boot\) differ from the training set's/,
    );
    assert.throws(
      () => new Trainer(train, test, { ...options(join(root, 'n')), architecture: { ...arch, numClasses: 5 } }),
      /the dataset has 10 classes but the model 5/,
    );
  });

  it('vgg train on the command line', () => {
    const out = join(root, 'cli');
    const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
    const model = ['--cfg', '8,M,16,M', '--batch-norm', '--hidden', '32', '--pool', '2'];
    const r = spawnSync(
      process.execPath,
      [cli, 'train', '--data', data, ...model, '--epochs', '1', '--batch-size', '32', '--out', out],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /epoch 1\/1: train loss [\d.]+ acc [\d.]+% \| test loss [\d.]+ acc [\d.]+%/);
    assert.ok(existsSync(join(out, 'best.safetensors')));
    const again = spawnSync(process.execPath, [cli, 'train', '--data', data, '--out', out], { encoding: 'utf8' });
    assert.equal(again.status, 2);
    assert.match(
      again.stderr,
      /^vgg: .*cli already holds a training run .*; continue it with --resume or replace it with --overwrite\n$/,
    );
    const changed = spawnSync(
      process.execPath,
      [
        cli,
        'train',
        '--data',
        data,
        ...model,
        '--epochs',
        '2',
        '--batch-size',
        '16',
        '--lr',
        '0.1',
        '--out',
        out,
        '--resume',
      ],
      { encoding: 'utf8' },
    );
    assert.equal(changed.status, 2);
    assert.match(changed.stderr, /other settings \(lr: 0\.05 → 0\.1; batchSize: 32 → 16\); .*--allow-changes/);
    const missing = spawnSync(process.execPath, [cli, 'train', '--data', join(root, 'nope'), '--out', out], {
      encoding: 'utf8',
    });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /the fashion-mnist train files are not in .*nope; allow downloading .*--download/);
  });

  it('Ctrl-C (SIGINT) saves the run and exits cleanly; --resume finishes it', async () => {
    const out = join(root, 'sigint');
    const args = [
      join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
      'train',
      '--data',
      data,
      '--cfg',
      '8,M,16,M',
      '--hidden',
      '32',
      '--pool',
      '2',
      '--batch-size',
      '32',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, [...args, '--epochs', '1000'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      // Once: a second Ctrl-C is the user's way to quit without waiting for the save.
      if (!sent && /epoch 1\/1000/.test(stderr)) sent = child.kill('SIGINT');
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, stderr);
    assert.match(stderr, /interrupted; saving the run so --resume can continue it/);
    assert.match(stderr, /stopped at epoch \d+, step \d+; continue with --resume/);
    const state = JSON.parse(readFileSync(join(out, 'state.json'), 'utf8')) as { epoch: number; globalStep: number };
    assert.ok(state.epoch >= 2 && state.globalStep >= 20, `saved at epoch ${state.epoch}, step ${state.globalStep}`);
    await loadModel(join(out, 'last.safetensors'));
    const resumed = spawnSync(process.execPath, [...args, '--epochs', String(state.epoch), '--resume'], {
      encoding: 'utf8',
    });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`epoch ${state.epoch}/${state.epoch}: train loss`));
  });

  it('fine-tunes: a trained model with a new head and frozen features learns the classes again, its features untouched', async () => {
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const source = (await loadModel(join(root, 'learn', 'best.safetensors'))).model;
    const features = snapshot(source.features);
    const { key, previous } = replaceClassifierHead(source, 10, { generator: new Generator(5) });
    assert.equal(key, 'classifier.6');
    const out = join(root, 'finetune');
    const result = await new Trainer(train, test, options(out, { initialModel: source, freezeFeatures: true })).run();
    assert.equal(result.status, 'finished');
    assert.ok(
      result.metrics[1].testAccuracy > 0.5,
      `test accuracy ${result.metrics[1].testAccuracy} after two epochs of the head alone (chance is 0.1)`,
    );
    const tuned = (await loadModel(join(out, 'last.safetensors'))).model;
    assertSameState(tuned.features, features, 'frozen features (weights and BatchNorm statistics)');
    assert.notDeepEqual(
      Float32Array.from((tuned.classifier.at(6) as Linear).weight.data),
      Float32Array.from(previous.weight.data),
    );
    await assert.rejects(
      new Trainer(train, test, options(out, { resume: true, epochs: 3 })).run(),
      /trained with features frozen; resume it the same way/,
    );
    assert.throws(
      () =>
        new Trainer(train, test, options(out, { initialModel: source, architecture: { ...arch, hiddenFeatures: 64 } })),
      /initialModel is .* not the architecture given/,
    );
  });

  it(
    "with the native addon, a frozen trunk and the evaluations run as inference plans (no layer-by-layer conv), giving the model's own logits",
    { skip: inferencePlanUnavailable() ?? false },
    async () => {
      const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
      const active = backend();
      const calls = registerCountingBackend('counting-plan');
      setBackend('counting-plan');
      let result;
      try {
        result = await new Trainer(
          train,
          test,
          options(join(root, 'planned'), { initialModel: buildVgg(arch), freezeFeatures: true, epochs: 1 }),
        ).run();
      } finally {
        setBackend(active.name);
      }
      assert.equal(result.status, 'finished');
      assert.equal(calls.get('conv2d') ?? 0, 0, 'no conv ran layer by layer');
      assert.equal(calls.get('batchNorm') ?? 0, 0, 'no batch norm ran layer by layer');
      assert.ok((calls.get('gemm') ?? 0) > 0, 'the classifier still trains on the backend');
      const model = result.model.eval();
      const plan = tryCompileInferencePlan(model.features).plan;
      assert.ok(plan);
      const x = randn([3, 1, 28, 28], { generator: new Generator(8) });
      const viaPlan = noGrad(() => model.head(plan.forward(x))).data;
      const eager = noGrad(() => model.forward(x)).data;
      plan.dispose();
      const scale = Math.max(...eager.map(Math.abs));
      viaPlan.forEach((v, i) => assert.ok(Math.abs(v - eager[i]) <= 1e-4 * scale, `logit ${i}: ${v} vs ${eager[i]}`));
    },
  );

  it('vgg train --dataset cifar10 and --dataset folder on the command line', async () => {
    const cli = (...args: string[]) =>
      spawnSync(
        process.execPath,
        [
          join(repoRoot, 'dist', 'src', 'cli', 'main.js'),
          'train',
          '--cfg',
          '8,M,16,M',
          '--hidden',
          '16',
          '--pool',
          '2',
          '--epochs',
          '1',
          '--batch-size',
          '16',
          ...args,
        ],
        { encoding: 'utf8', env: { ...process.env, VGG_DATA_DIR: join(root, 'empty-cache') } },
      );
    const cifarDir = join(root, 'cifar-cli');
    writeSyntheticCifar(cifarDir, 16, 16, 3);
    const c = cli('--dataset', 'cifar10', '--data', cifarDir, '--out', join(root, 'cli-cifar'));
    assert.equal(c.status, 0, c.stderr);
    assert.equal((await loadModel(join(root, 'cli-cifar', 'best.safetensors'))).architecture.inChannels, 3);
    // Folder: train/ and val/, two classes of tiny PNGs of different sizes.
    for (const [split, count] of [
      ['train', 8],
      ['val', 2],
    ] as const) {
      for (const [k, cls] of ['cats', 'dogs'].entries()) {
        mkdirSync(join(root, 'folder', split, cls), { recursive: true });
        for (let i = 0; i < count; i++) {
          await sharp({ create: { width: 20 + i, height: 18, channels: 3, background: { r: 200 * k, g: 40, b: 90 } } })
            .png()
            .toFile(join(root, 'folder', split, cls, `${i}.png`));
        }
      }
    }
    const folder = ['--dataset', 'folder', '--data', join(root, 'folder')];
    const f = cli(...folder, '--image-size', '16', '--out', join(root, 'cli-folder'));
    assert.equal(f.status, 0, f.stderr);
    const saved = await loadModel(join(root, 'cli-folder', 'best.safetensors'));
    assert.deepEqual(saved.categories, ['cats', 'dogs']);
    assert.deepEqual([saved.transforms!.resizeSize, saved.transforms!.cropSize], [18, 16]);
    // Fine-tuning the RGB CIFAR-like model onto the two-class folder: new head, same features.
    const source = (await loadModel(join(root, 'cifar-run', 'best.safetensors'))).model;
    const t = cli(
      ...folder,
      '--image-size',
      '16',
      '--finetune',
      join(root, 'cifar-run', 'best.safetensors'),
      '--out',
      join(root, 'cli-tuned'),
    );
    assert.equal(t.status, 0, t.stderr);
    const tuned = await loadModel(join(root, 'cli-tuned', 'best.safetensors'));
    assert.deepEqual(
      [tuned.categories, tuned.architecture.numClasses, tuned.architecture.hiddenFeatures],
      [['cats', 'dogs'], 2, 32],
    );
    assertSameState(tuned.model.features, snapshot(source.features), 'features after --finetune');
    const stray = cli(...folder, '--weights', 'DEFAULT', '--out', join(root, 'cli-stray'));
    assert.equal(stray.status, 2);
    assert.match(stray.stderr, /--weights and --train-features go with --finetune/);
    const m = cli('--dataset', 'mnist', '--out', join(root, 'cli-mnist'));
    assert.equal(m.status, 2);
    assert.match(m.stderr, /the mnist train files are not in .*empty-cache\/mnist; allow downloading/);
  });
});
