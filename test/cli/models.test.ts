/** Every command that takes a model accepts every listModels() name, and a saveModel file alone. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionFeaturesArgs, fashionModel, runVgg } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
import { listModels, decodeRawSafetensors } from '../../src/index.js';

const image = (name: string) => fixturePath('images', name);
const tinyModel = fixturePath('models', 'tiny.safetensors');

describe('models by name and by file', () => {
  it('vgg export fashion_vgg writes an ONNX model onnxruntime runs on a 1x28x28 image', async () => {
    const ort = await import('onnxruntime-node');
    const dir = mkdtempSync(join(tmpdir(), 'vgg-models-'));
    try {
      const out = join(dir, 'f.onnx');
      const r = runVgg(['export', 'fashion_vgg', '--out', out]);
      assert.equal(r.status, 0, r.stderr);
      const session = await ort.InferenceSession.create(out);
      const x = new ort.Tensor('float32', new Float32Array(28 * 28).fill(0.5), [1, 1, 28, 28]);
      const y = (await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]];
      assert.deepEqual(y.dims, [1, 10]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a saveModel file alone is enough for export, features and similar', async () => {
    const ort = await import('onnxruntime-node');
    const dir = mkdtempSync(join(tmpdir(), 'vgg-models-'));
    try {
      const onnx = join(dir, 'tiny.onnx');
      const e = runVgg(['export', '--weights', tinyModel, '--out', onnx]);
      assert.equal(e.status, 0, e.stderr);
      const session = await ort.InferenceSession.create(onnx);
      const x = new ort.Tensor('float32', new Float32Array(3 * 56 * 56), [1, 3, 56, 56]);
      assert.deepEqual((await session.run({ [session.inputNames[0]]: x }))[session.outputNames[0]].dims, [1, 3]);
      const out = join(dir, 'f.safetensors');
      const f = runVgg(fashionFeaturesArgs(out, image('odd.png')));
      assert.equal(f.status, 0, f.stderr);
      assert.deepEqual(decodeRawSafetensors(readFileSync(out)).tensors.get('features.0')!.shape, [1, 32, 28, 28]);
      const s = runVgg(['similar', '--weights', fashionModel, '--json', image('odd.png'), image('portrait.png')]);
      assert.equal(s.status, 0, s.stderr);
      assert.equal((JSON.parse(s.stdout) as unknown[]).length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every command that takes a model accepts every listModels() name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-models-'));
    try {
      const home = join(dir, 'torch-home');
      // Offline with an empty cache: torchvision names get as far as the download, fashion_vgg runs.
      const commands = (name: string): string[][] => [
        ['classify', '--model', name, image('odd.png')],
        [
          'features',
          '--model',
          name,
          '--layers',
          'features.0',
          '--out',
          join(dir, `${name}.safetensors`),
          image('odd.png'),
        ],
        ['similar', '--model', name, image('odd.png'), image('portrait.png')],
        ['export', name, '--weights', 'DEFAULT', '--out', join(dir, `${name}.onnx`)],
      ];
      for (const name of listModels()) {
        for (const args of name === 'fashion_vgg' || name === 'vgg16' ? commands(name) : commands(name).slice(3)) {
          const r = runVgg(args, { env: { TORCH_HOME: home } });
          assert.doesNotMatch(r.stderr, /unknown model/, args.join(' '));
          if (name === 'fashion_vgg') assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
          else assert.match(r.stderr, /not cached/, args.join(' '));
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
