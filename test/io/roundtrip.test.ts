/** Writers: write -> read round trips, and PyTorch itself loading what encodeRawPth wrote. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeRawPth } from '../../src/io/pth.js';
import { encodeRawPth } from '../../src/io/pth-writer.js';
import { fromFloat32, toFloat32, type RawTensor } from '../../src/io/raw-tensor.js';
import { decodeRawSafetensors, encodeRawSafetensors } from '../../src/io/safetensors.js';
import { readZip } from '../../src/io/zip.js';
import { fixture, toHex } from './helpers.js';

/** Every dtype and a few awkward shapes, taken from a torch-written fixture. */
function sample(): Map<string, RawTensor> {
  const sd = decodeRawPth(fixture('dtypes_zip.pt'));
  for (const [k, v] of decodeRawPth(fixture('conv_zip.pt'))) sd.set(`net.${k}`, v);
  sd.set('__proto__', fromFloat32([2], new Float32Array([1, 2])));
  sd.set('ünïcødé ✓', fromFloat32([1, 1, 1], new Float32Array([-0])));
  return sd;
}

function assertSame(a: Map<string, RawTensor>, b: Map<string, RawTensor>): void {
  assert.deepEqual([...a.keys()], [...b.keys()]);
  for (const [k, t] of a) {
    const u = b.get(k)!;
    assert.equal(u.dtype, t.dtype, k);
    assert.deepEqual(u.shape, t.shape, k);
    assert.equal(toHex(u.data), toHex(t.data), k);
  }
}

describe('safetensors round trip', () => {
  test('write -> read preserves order, dtypes, shapes, bytes and metadata', () => {
    const sd = sample();
    const bytes = encodeRawSafetensors(sd, { format: 'pt', __proto__: 'x' } as unknown as Record<string, string>);
    const back = decodeRawSafetensors(bytes);
    assertSame(sd, back.tensors);
    assert.deepEqual([...back.metadata], [['format', 'pt']]);
  });

  test('metadata may be a Map, keys like __proto__ included', () => {
    const meta = new Map([
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
    const back = decodeRawSafetensors(encodeRawSafetensors(new Map(), meta));
    assert.deepEqual([...back.metadata], [...meta]);
    assert.equal(back.tensors.size, 0);
  });

  test('the header is padded with spaces to a multiple of 8', () => {
    for (let n = 0; n < 10; n++) {
      const sd = new Map([['x'.repeat(n + 1), fromFloat32([1], new Float32Array([n]))]]);
      const bytes = encodeRawSafetensors(sd);
      const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      assert.equal(len % 8, 0);
      assert.equal(bytes[8 + len - 1] === 0x20 || bytes[8 + len - 1] === 0x7d, true);
      assertSame(sd, decodeRawSafetensors(bytes).tensors);
    }
  });

  test('the writer refuses inconsistent tensors', () => {
    assert.throws(
      () => encodeRawSafetensors(new Map([['a', { dtype: 'float32', shape: [2], data: new Uint8Array(4) }]])),
      RangeError,
    );
    assert.throws(
      () => encodeRawSafetensors(new Map([['__metadata__', fromFloat32([1], new Float32Array(1))]])),
      RangeError,
    );
  });
});

describe('pth round trip', () => {
  test('write -> read preserves order, dtypes, shapes and bytes', () => {
    const sd = sample();
    assertSame(sd, decodeRawPth(encodeRawPth(sd)));
    assertSame(sd, decodeRawPth(encodeRawPth(sd, 'another name')));
    assertSame(sd, decodeRawPth(encodeRawPth(sd, 'archive', { forceZip64: true })));
    assertSame(new Map(), decodeRawPth(encodeRawPth(new Map())));
  });

  test('entries follow the torch layout and tensor data is 64-byte aligned', () => {
    const entries = readZip(encodeRawPth(sample(), 'model'));
    const names = [...entries.keys()];
    assert.equal(names[0], 'model/data.pkl');
    assert.equal(names.at(-1), 'model/version');
    assert.equal(new TextDecoder().decode(entries.get('model/version')!.data()), '3\n');
    assert.equal(new TextDecoder().decode(entries.get('model/byteorder')!.data()), 'little');
    for (const e of entries.values()) assert.equal(e.dataOffset % 64, 0, e.name);
  });

  test('fromFloat32 tensors survive both formats', () => {
    const values = new Float32Array([1.5, -0, Infinity, 3e-40]);
    const sd = new Map([['w', fromFloat32([2, 2], values)]]);
    assert.deepEqual(toFloat32(decodeRawPth(encodeRawPth(sd)).get('w')!), values);
    assert.deepEqual(toFloat32(decodeRawSafetensors(encodeRawSafetensors(sd)).tensors.get('w')!), values);
  });
});

const PYTHON = '/usr/bin/python3';

/** Exit status of LOAD_SCRIPT when `import torch` fails (the test is then skipped). */
const NO_TORCH = 77;

// For each file: its type and [name, dtype, shape, hex] of what torch.load(weights_only=True) returns.
const LOAD_SCRIPT = `
import json, sys
try:
    import torch
except Exception:
    sys.exit(${NO_TORCH})
names = {torch.float32: 'float32', torch.float16: 'float16', torch.bfloat16: 'bfloat16', torch.float64: 'float64',
         torch.int64: 'int64', torch.int32: 'int32', torch.int16: 'int16', torch.int8: 'int8', torch.uint8: 'uint8', torch.bool: 'bool'}
def raw(t):
    t = t.contiguous()
    return (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes().hex()
out = []
for path in sys.argv[1:]:
    sd = torch.load(path, weights_only=True)
    out.append({'type': type(sd).__name__, 'tensors': [[k, names[v.dtype], list(v.shape), raw(v)] for k, v in sd.items()]})
print(json.dumps(out))
`;

describe('PyTorch loads what encodeRawPth writes', () => {
  test('torch.load(weights_only=True) returns the same tensors', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'vgg-ts-io-'));
    try {
      const sd = sample();
      const paths = [
        ['plain.pt', encodeRawPth(sd)],
        ['zip64.pt', encodeRawPth(sd, 'custom', { forceZip64: true })],
      ].map(([file, bytes]) => {
        const p = join(dir, file as string);
        writeFileSync(p, bytes as Uint8Array);
        return p;
      });
      // One python process for both files: importing torch is the slow part.
      const run = spawnSync(PYTHON, ['-c', LOAD_SCRIPT, ...paths], { encoding: 'utf8', timeout: 120_000 });
      // The same condition as "/usr/bin/python3 -c 'import torch'" failing, without importing torch twice.
      if (run.error !== undefined || run.status === NO_TORCH) {
        t.skip('python3-torch not installed');
        return;
      }
      assert.equal(run.status, 0, run.stderr);
      const results = JSON.parse(run.stdout) as { type: string; tensors: [string, string, number[], string][] }[];
      assert.equal(results.length, paths.length);
      for (const out of results) {
        assert.equal(out.type, 'OrderedDict');
        assert.deepEqual(
          out.tensors,
          [...sd].map(([k, v]) => [k, v.dtype, v.shape, toHex(v.data)]),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
