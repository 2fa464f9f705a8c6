/**
 * Expected errors end the command with one clear line and exit code 2 (a state dict mismatch adds
 * its key lists); a closed pipe ends it quietly; a bad flag points to the command's help.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertReported, fashionModel, runVgg, vggBin } from '../helpers/cli.js';
import { fixturePath, repoRoot } from '../helpers/paths.js';

const image = (name: string) => fixturePath('images', name);

describe('a state dict that does not fit: one line and the mismatched keys, exit code 2', () => {
  it('classify --model vgg16 with the Fashion-MNIST model file', () => {
    const r = runVgg(['classify', '--model', 'vgg16', '--weights', fashionModel, image('landscape.jpg')]);
    assertReported(r, /fashion_vgg\.safetensors does not fit .*\n {2}missing: features\.2\.weight/, 4);
    assert.match(r.stderr, /unexpected: features\.1\.weight/);
    assert.match(r.stderr, /features\.0\.weight \[32, 1, 3, 3\] vs \[64, 3, 3, 3\]/);
    assert.equal(r.stdout, '');
  });

  it('export vgg11 with it, and with --num-classes 5', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-errors-'));
    try {
      const out = join(dir, 'f.onnx');
      const plain = runVgg(['export', 'vgg11', '--weights', fashionModel, '--out', out]);
      assertReported(plain, /\(8 missing, 27 unexpected, 13 of another shape\)/, 4);
      const classes = runVgg(['export', 'vgg11', '--weights', fashionModel, '--num-classes', '5', '--out', out]);
      // One more shape mismatch than without --num-classes 5: the last layer.
      assertReported(classes, /\(8 missing, 27 unexpected, 14 of another shape\)/, 4);
      assertReported(runVgg(['export', '--weights', fashionModel, '--num-classes', '5', '--out', out]), /10 classes/);
      assert.ok(!existsSync(out));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('other expected errors: one line, exit code 2', () => {
  it('conflicting arguments: summary vgg16 --cfg', () => {
    assertReported(runVgg(['summary', 'vgg16', '--cfg', '8,M']), /vgg16.*--cfg.*not both/);
  });

  it('a full disk: the output cannot be written', { skip: !existsSync('/dev/full') && 'no /dev/full' }, () => {
    const full = openSync('/dev/full', 'w');
    try {
      const r = runVgg(['classify', '--model', 'fashion_vgg', image('landscape.jpg')], {
        stdio: ['ignore', full, 'pipe'],
      });
      assertReported(r, /cannot write the output: ENOSPC/);
    } finally {
      closeSync(full);
    }
  });

  it('offline without the weights: what it tried, why, and what works offline', () => {
    const home = mkdtempSync(join(tmpdir(), 'vgg-home-'));
    try {
      const r = runVgg(['classify', image('landscape.jpg')], { env: { TORCH_HOME: home } });
      assertReported(r, /VGG16_Weights\.IMAGENET1K_V1: .*not cached.*--model fashion_vgg/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('flags', () => {
  it('a bad flag: one line and where to look, exit code 2', () => {
    const r = runVgg(['classify', '--bogus', image('landscape.jpg')]);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "error: unknown option '--bogus'\nsee vgg classify --help\n");
    assert.equal(runVgg(['summary', 'vgg16', '--batch', '0']).stderr.split('\n')[1], 'see vgg summary --help');
  });

  it('--version prints the package version', () => {
    const r = runVgg(['--version']);
    assert.equal(r.status, 0);
    assert.equal(
      r.stdout,
      `${(JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version}\n`,
    );
  });

  it('classify --help names the embedded model', () => {
    assert.match(runVgg(['classify', '--help']).stdout, /fashion_vgg/);
  });
});

describe('a closed pipe', () => {
  it('vgg classify --json <300 images> | head -c 100 ends quietly', { skip: process.platform === 'win32' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-pipe-'));
    try {
      // Enough images that the JSON (about 400 bytes each) overflows the pipe's buffer.
      for (let i = 0; i < 300; i++) copyFileSync(image('tiny.png'), join(dir, `${i}.png`));
      const command = `"${process.execPath}" "${vggBin}" classify --model fashion_vgg --json "${dir}" | head -c 100`;
      const r = spawnSync('bash', ['-c', `set -o pipefail; ${command}`], { encoding: 'utf8' });
      assert.match(r.stdout, /^\[\n {2}\{\n {4}"file"/);
      assert.equal(r.stdout.length, 100);
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
