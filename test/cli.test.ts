/** The `vgg` command as a user runs it: the compiled bin, a real process, its output and exit code. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './helpers/paths.js';
import { loadGoldenJson } from './helpers/golden.js';

const bin = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
const vgg = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const reprs = loadGoldenJson<Record<string, string>>('reprs.json');

describe('vgg summary', () => {
  it('vgg16: printed form, per-layer table, 138,357,544 parameters and 15.47 G mult-adds', () => {
    const r = vgg('summary', 'vgg16');
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith(`${reprs.vgg16}\n`));
    assert.match(r.stdout, /features\.0\s+Conv2d\s+\[1, 64, 224, 224\]\s+1,792\s+86,704,128\s+12\.25 MiB/);
    assert.match(r.stdout, /classifier\.6\s+Linear\s+\[1, 1000\]\s+4,097,000\s+4,096,000/);
    assert.match(r.stdout, /Total params: 138,357,544/);
    assert.match(r.stdout, /Total mult-adds: 15\.47 G/);
  });

  it('options: --batch-norm, --num-classes, --cfg, --input, --batch', () => {
    const bn = vgg('summary', 'vgg11', '--batch-norm', '--num-classes', '10');
    assert.equal(bn.status, 0, bn.stderr);
    assert.ok(bn.stdout.startsWith(`${reprs.vgg11_bn_10}\n`));
    const custom = vgg('summary', '--cfg', '16,M,32,M', '--input', '1x28x28', '--batch', '8', '--num-classes', '10');
    assert.equal(custom.status, 0, custom.stderr);
    assert.match(custom.stdout, /\(0\): Conv2d\(1, 16, kernel_size=\(3, 3\)/);
    assert.match(custom.stdout, /features\.5\s+MaxPool2d\s+\[8, 32, 7, 7\]/);
    assert.match(custom.stdout, /in_features=1568/);
  });

  it('bad input: a clear message and a non-zero exit code', () => {
    const cases: [string[], RegExp][] = [
      [['summary', 'vgg17'], /unknown architecture "vgg17"/],
      [['summary', 'vgg16', '--input', '3x16x16'], /features\.\d+: input \[1, 512, 1, 1\] is too small/],
      [['summary', 'vgg16', '--input', '3x224'], /expected CxHxW/],
      [['summary', 'vgg16', '--num-classes', '0'], /expected a positive integer/],
      [['summary', '--cfg', '64,Q'], /must be positive integers or M/],
    ];
    for (const [args, pattern] of cases) {
      const r = vgg(...args);
      assert.notEqual(r.status, 0, args.join(' '));
      assert.match(r.stderr, pattern, args.join(' '));
    }
  });
});

describe('vgg inspect and vgg convert', () => {
  const ckpt = (name: string) => join(repoRoot, 'test', 'fixtures', 'checkpoints', name);

  it('inspect lists format, names, dtypes, shapes and totals', () => {
    for (const [file, format] of [
      ['conv_zip.pt', 'pth-zip'],
      ['conv_legacy.pt', 'pth-legacy'],
      ['conv.safetensors', 'safetensors'],
    ]) {
      const r = vgg('inspect', ckpt(file));
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`: ${format} \\(`));
      assert.match(r.stdout, /\d+ tensors, [\d,]+ values/);
    }
    const dtypes = vgg('inspect', ckpt('dtypes_zip.pt'));
    assert.match(dtypes.stdout, /float16/);
    assert.match(dtypes.stdout, /int64/);
  });

  it('convert .pth -> .safetensors -> .pth keeps names, dtypes, shapes and bytes', async () => {
    const { mkdtempSync, rmSync, readFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { decodeRawStateDict } = await import('../src/io/load.js');
    const dir = mkdtempSync(join(tmpdir(), 'vgg-convert-'));
    try {
      const st = join(dir, 'x.safetensors');
      const back = join(dir, 'x.pth');
      assert.equal(vgg('convert', ckpt('dtypes_legacy.pt'), st).status, 0);
      assert.equal(vgg('convert', st, back).status, 0);
      const a = decodeRawStateDict(readFileSync(ckpt('dtypes_legacy.pt')));
      const b = decodeRawStateDict(readFileSync(back));
      assert.deepEqual([...b.keys()], [...a.keys()]);
      for (const [k, t] of a) {
        assert.equal(b.get(k)!.dtype, t.dtype, k);
        assert.deepEqual(b.get(k)!.shape, t.shape, k);
        assert.deepEqual([...b.get(k)!.data], [...t.data], k);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad files: a clear CheckpointError message and exit code, nothing written', async () => {
    const { mkdtempSync, rmSync, writeFileSync, existsSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'vgg-bad-'));
    try {
      const junk = join(dir, 'junk.pth');
      writeFileSync(junk, 'not a checkpoint at all');
      const r = vgg('convert', junk, join(dir, 'out.safetensors'));
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /junk\.pth: unrecognised checkpoint format/);
      assert.ok(!existsSync(join(dir, 'out.safetensors')));
      assert.match(vgg('inspect', join(dir, 'missing.pth')).stderr, /ENOENT/);
      assert.match(vgg('convert', junk, join(dir, 'out.txt')).stderr, /cannot tell the output format/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vgg export', () => {
  it('a checkpoint file to ONNX that onnxruntime runs with our numbers, at any batch size', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const ort = await import('onnxruntime-node');
    const { vgg11, saveSafetensors, randn, noGrad } = await import('../src/index.js');
    const { relError } = await import('./helpers/golden.js');
    const dir = mkdtempSync(join(tmpdir(), 'vgg-export-'));
    try {
      const model = vgg11({ numClasses: 10 }).eval();
      await saveSafetensors(join(dir, 'w.safetensors'), model.stateDict());
      const onnx = join(dir, 'm.onnx');
      const r = vgg(
        'export',
        'vgg11',
        '--weights',
        join(dir, 'w.safetensors'),
        '--out',
        onnx,
        '--input',
        '3x32x32',
        '--dynamic-batch',
      );
      assert.equal(r.status, 0, r.stderr);
      const session = await ort.InferenceSession.create(onnx);
      const x = randn([3, 3, 32, 32]);
      const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data, [3, 3, 32, 32]) });
      const got = out[session.outputNames[0]];
      assert.deepEqual(got.dims, [3, 10]);
      const err = relError(got.data as Float32Array, noGrad(() => model.forward(x)).data);
      assert.ok(err <= 1e-4, `onnxruntime vs vgg-ts: ${err}`);
      assert.match(vgg('export', 'vgg11', '--weights', join(dir, 'missing.pth'), '--out', onnx).stderr, /ENOENT/);
      assert.match(vgg('export', 'vgg11', '--out', onnx, '--opset', '7').stderr, /opset/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
