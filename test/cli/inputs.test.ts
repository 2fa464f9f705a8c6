/** What the image commands do with the inputs they are given: none, unreadable ones, tiny ones. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionFeaturesArgs, fashionModel, runVgg } from '../helpers/cli.js';
import { fixturePath } from '../helpers/paths.js';
import { decodeRawSafetensors } from '../../src/index.js';

const image = (name: string) => fixturePath('images', name);
const tinyModel = fixturePath('models', 'tiny.safetensors');
const count = (text: string, part: string) => text.split(part).length - 1;

function withDir(run: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'vgg-inputs-'));
  try {
    run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('no images found', () => {
  it('classify, features and similar name the paths and exit with code 1', () => {
    withDir((dir) => {
      const empty = join(dir, 'empty');
      mkdirSync(empty);
      for (const args of [
        ['classify', '--model', 'fashion_vgg', empty],
        ['classify', '--model', 'fashion_vgg', '--json', empty],
        ['features', '--model', 'fashion_vgg', '--layers', 'features.0', '--out', join(dir, 'f.safetensors'), empty],
        ['similar', '--model', 'fashion_vgg', image('odd.png'), empty],
      ]) {
        const r = runVgg(args);
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, '', args.join(' '));
        assert.equal(
          r.stderr,
          `vgg: no images found in ${empty} (image files end in .jpg, .jpeg, .png, .webp, .gif, .tif, .tiff, .avif)\n`,
        );
      }
    });
  });
});

describe('an unreadable image among others', () => {
  it('classify names it once, on stderr only, and classifies the rest (exit code 1)', () => {
    const r = runVgg(['classify', '--model', 'fashion_vgg', image('truncated.jpg'), image('odd.png')]);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout, /truncated/);
    assert.match(r.stdout, /odd\.png\n +\d+\.\d+%/);
    assert.equal(count(r.stderr, 'truncated.jpg'), 1, r.stderr);
    assert.match(r.stderr, /^vgg: .*truncated\.jpg: /);
  });

  it('features reports it and writes the others (exit code 1)', () => {
    withDir((dir) => {
      const out = join(dir, 'f.safetensors');
      const r = runVgg(fashionFeaturesArgs(out, image('truncated.jpg'), image('odd.png')));
      assert.equal(r.status, 1, r.stderr);
      assert.equal(count(r.stderr, 'truncated.jpg'), 1, r.stderr);
      const { tensors, metadata } = decodeRawSafetensors(readFileSync(out));
      assert.deepEqual(tensors.get('features.0')!.shape, [1, 32, 28, 28]);
      assert.deepEqual(JSON.parse(metadata.get('files')!), [image('odd.png')]);
    });
  });

  it('similar reports it and ranks the others (exit code 1)', () => {
    withDir((dir) => {
      for (const f of ['truncated.jpg', 'odd.png', 'landscape.jpg']) copyFileSync(image(f), join(dir, f));
      const r = runVgg(['similar', '--weights', fashionModel, '--json', image('portrait.png'), dir]);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(count(r.stderr, 'truncated.jpg'), 1, r.stderr);
      const ranked = JSON.parse(r.stdout) as { file: string }[];
      assert.deepEqual(ranked.map((x) => x.file).sort(), [join(dir, 'landscape.jpg'), join(dir, 'odd.png')]);
    });
  });
});

describe('a 1x1 image', () => {
  it('is classified as torchvision + Pillow classify it (the preset resizes it first)', () => {
    const fx = JSON.parse(readFileSync(fixturePath('models', 'expected.json'), 'utf8')) as {
      one_pixel: { probs: number[] };
    };
    const r = runVgg(['classify', '--weights', tinyModel, '--json', fixturePath('models', 'one-pixel.png')]);
    assert.equal(r.status, 0, r.stderr);
    const [result] = JSON.parse(r.stdout) as { top: { index: number; prob: number }[] }[];
    assert.equal(result.top.length, 3);
    for (const t of result.top)
      assert.ok(Math.abs(t.prob - fx.one_pixel.probs[t.index]) < 1e-4, JSON.stringify(result));
    const f = runVgg(['classify', '--model', 'fashion_vgg', fixturePath('models', 'one-pixel.png')]);
    assert.equal(f.status, 0, f.stderr);
  });
});
