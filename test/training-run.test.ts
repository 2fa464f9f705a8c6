/**
 * Training runs end to end on a small synthetic IDX dataset (each class a bar
 * at its own position, with noise): accuracy rises well above chance, a run
 * stopped midway and resumed ends with exactly the weights of an
 * uninterrupted run, divergence keeps the last good checkpoint, and bad
 * datasets or resumes give clear errors.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Trainer, type TrainOptions } from '../src/train/trainer.js';
import { loadMnistSplit, FASHION_MNIST_CLASSES } from '../src/data/datasets/mnist.js';
import { Generator } from '../src/tensor/rng.js';
import { ArgumentError } from '../src/errors.js';
import { repoRoot } from './helpers/paths.js';

function idx(dims: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  return gzipSync(Buffer.concat([header, data]));
}

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
  writeFileSync(join(dir, `${split}-images-idx3-ubyte.gz`), idx([n, 28, 28], images));
  writeFileSync(join(dir, `${split}-labels-idx1-ubyte.gz`), idx([n], labels));
}

const arch = { cfg: [8, 'M', 16, 'M'] as (number | 'M')[], batchNorm: true, inChannels: 1, numClasses: 10, hiddenFeatures: 32, dropout: 0.2, poolSize: 2 };
let root = '';
let data = '';

function options(outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { architecture: arch, epochs: 2, batchSize: 32, lr: 0.05, optimizer: 'sgd', schedule: 'cosine', weightDecay: 5e-4, labelSmoothing: 0.1, seed: 3, outDir, mean: 0.3, std: 0.3, augment: false, ...extra };
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
    for (const f of ['best.safetensors', 'last.safetensors', 'state.json', 'state.safetensors', 'metrics.csv', 'metrics.json', 'chart.html']) {
      assert.ok(existsSync(join(out, f)), f);
    }
    assert.equal(readFileSync(join(out, 'metrics.csv'), 'utf8').trim().split('\n').length, 3);
    assert.match(readFileSync(join(out, 'chart.html'), 'utf8'), /<svg/);
  });

  it('a run stopped midway and resumed ends with the same weights as an uninterrupted one', async () => {
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const whole = await new Trainer(train, test, options(join(root, 'whole'))).run();
    const part = join(root, 'part');
    const first = await new Trainer(train, test, options(part, { maxSteps: 27 })).run();
    assert.equal(first.status, 'stopped');
    const second = await new Trainer(train, test, options(part, { resume: true })).run();
    assert.equal(second.status, 'finished');
    const a = whole.model.stateDict();
    for (const [k, t] of second.model.stateDict()) assert.deepEqual(t.data, a.get(k)!.data, k);
    assert.deepEqual(second.metrics.map((m) => m.testAccuracy), whole.metrics.map((m) => m.testAccuracy));
  });

  it('a diverging run stops with a message and overwrites no checkpoint', async () => {
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const out = join(root, 'diverge');
    await new Trainer(train, test, options(out, { epochs: 1 })).run();
    const before = readFileSync(join(out, 'last.safetensors'));
    const r = await new Trainer(train, test, options(out, { epochs: 2, lr: 1e30, schedule: 'none' })).run();
    assert.equal(r.status, 'diverged');
    assert.match(r.message!, /loss became (NaN|Infinity|-Infinity)/);
    assert.deepEqual(readFileSync(join(out, 'last.safetensors')), before);
  });

  it('bad input: missing folder, out-of-range labels, a resume from another model, a config that pools below 1x1', async () => {
    await assert.rejects(loadMnistSplit(join(root, 'nope'), 'train'), /does not exist/);
    const bad = join(root, 'bad');
    mkdirSync(bad);
    writeSynthetic(bad, 'train', 20, 5, true);
    await assert.rejects(loadMnistSplit(bad, 'train'), /label 12 at index 3 is out of range for 10 classes/);
    const [train, test] = await Promise.all([loadMnistSplit(data, 'train'), loadMnistSplit(data, 'test')]);
    const other = { ...arch, hiddenFeatures: 16 };
    await assert.rejects(new Trainer(train, test, { ...options(join(root, 'learn'), { resume: true }), architecture: other }).run(), (e: unknown) => e instanceof ArgumentError && /different model/.test(e.message));
    const tooDeep = { ...arch, cfg: [8, 'M', 'M', 'M', 'M', 'M'] as (number | 'M')[] };
    await assert.rejects(new Trainer(train, test, options(join(root, 'deep'), { architecture: tooDeep })).run(), /too small/);
    assert.equal(FASHION_MNIST_CLASSES.length, 10);
  });

  it('vgg train on the command line', () => {
    const out = join(root, 'cli');
    const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'train', '--data', data, '--cfg', '8,M,16,M', '--batch-norm',
      '--hidden', '32', '--pool', '2', '--epochs', '1', '--batch-size', '32', '--out', out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /epoch 1\/1: train loss [\d.]+ acc [\d.]+% \| test loss [\d.]+ acc [\d.]+%/);
    assert.ok(existsSync(join(out, 'best.safetensors')));
    const missing = spawnSync(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'train', '--data', join(root, 'nope'), '--out', out], { encoding: 'utf8' });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /does not exist/);
  });
});
