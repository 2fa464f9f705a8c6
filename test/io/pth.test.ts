/** Hostile and malformed PyTorch checkpoints (both layouts). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CheckpointError, ForbiddenGlobalError, PickleError, ZipError } from '../../src/io/errors.js';
import { decodeRawStateDict } from '../../src/io/load.js';
import { unpickle } from '../../src/io/pickle.js';
import { PickleBuilder } from '../../src/io/pickle-writer.js';
import { decodeRawPth } from '../../src/io/pth.js';
import { encodeRawPth } from '../../src/io/pth-writer.js';
import { fromFloat32, toFloat32 } from '../../src/io/raw-tensor.js';
import { readZip, writeZip } from '../../src/io/zip.js';
import {
  ascii,
  buildRawZip,
  concat,
  deflated,
  fixture,
  prototypeKeys,
  randomBytes,
  rejects,
  u64le,
} from './helpers.js';

interface TensorSpec {
  name?: unknown;
  storageType?: string;
  key?: string;
  numel: number;
  offset?: number;
  shape: number[];
  stride?: number[];
}

function contiguous(shape: number[]): number[] {
  const s: number[] = [];
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** data.pkl for an OrderedDict of _rebuild_tensor_v2 tensors; `legacy` adds the 6th pid field. */
function tensorPickle(specs: TensorSpec[], legacy = false): Uint8Array {
  const p = new PickleBuilder().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  specs.forEach((s, i) => {
    if (typeof s.name === 'number') p.int(s.name);
    else p.str(typeof s.name === 'string' ? s.name : `t${i}`);
    p.global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark()
      .str('storage')
      .global('torch', s.storageType ?? 'FloatStorage')
      .str(s.key ?? String(i))
      .str('cpu')
      .int(s.numel);
    if (legacy) p.none();
    p.tuple()
      .binPersId()
      .int(s.offset ?? 0)
      .intTuple(s.shape)
      .intTuple(s.stride ?? contiguous(s.shape));
    p.bool(false).global('collections', 'OrderedDict').emptyTuple().reduce().tuple().reduce();
  });
  return p.setItems().stop().bytes();
}

function pthZip(pkl: Uint8Array, storages: Record<string, Uint8Array> = {}, archive = 'archive'): Uint8Array {
  return writeZip([
    { name: `${archive}/data.pkl`, data: pkl },
    ...Object.entries(storages).map(([k, data]) => ({ name: `${archive}/data/${k}`, data })),
    { name: `${archive}/version`, data: ascii('3\n') },
  ]);
}

const floats = (n: number) => new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => i)).buffer);

/** A legacy stream built from parts: magic, protocol, sys_info, object, key list, storages. */
function legacyStream(object: Uint8Array, storages: [string, bigint, Uint8Array][]): Uint8Array {
  const magic = concat([0x80, 2, 0x8a, 10], [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], ascii('.'));
  const protocol = concat([0x80, 2, 0x4d, 0xe9, 0x03], ascii('.'));
  const sysInfo = concat([0x80, 2], ascii('}.'));
  const keys = new PickleBuilder().proto(2).bytes();
  const list = concat(keys, ascii(']('), ...storages.map(([k]) => new PickleBuilder().str(k).bytes()), ascii('e.'));
  const data = storages.map(([, count, bytes]) => concat(u64le(BigInt.asUintN(64, count)), bytes));
  return concat(magic, protocol, sysInfo, object, list, ...data);
}

/** Offset of the storage data section of a legacy file (after its five pickles). */
function legacyDataOffset(bytes: Uint8Array): number {
  let pos = 0;
  for (let i = 0; i < 5; i++) {
    pos = unpickle(bytes, pos, {
      persistentLoad: () => null,
      call: (fn) => (fn.name === 'OrderedDict' ? new Map() : null),
    }).end;
  }
  return pos;
}

describe('building blocks used by these tests are sound', () => {
  test('a hand-built zip checkpoint and legacy stream load', () => {
    const zip = pthZip(tensorPickle([{ name: 'w', numel: 6, shape: [2, 3] }]), { 0: floats(6) });
    assert.deepEqual([...toFloat32(decodeRawPth(zip).get('w')!)], [0, 1, 2, 3, 4, 5]);
    const legacy = legacyStream(
      tensorPickle([{ name: 'w', key: 'k', numel: 6, shape: [3, 2], stride: [1, 3] }], true),
      [['k', 6n, floats(6)]],
    );
    assert.deepEqual([...toFloat32(decodeRawPth(legacy).get('w')!)], [0, 3, 1, 4, 2, 5]);
  });
});

describe('hostile checkpoints', () => {
  test('empty and random bytes', () => {
    for (const read of [decodeRawPth, decodeRawStateDict]) {
      rejects(() => read(new Uint8Array(0)));
      for (let seed = 1; seed <= 30; seed++) rejects(() => read(randomBytes(seed * 53, seed)));
      // Random bytes behind each format's magic.
      rejects(() => read(concat(ascii('PK\x03\x04'), randomBytes(500, 99))));
      rejects(() => read(concat([0x80, 2, 0x8a], randomBytes(500, 98))));
    }
  });

  test('every truncation of a zip and a legacy checkpoint is rejected', () => {
    for (const name of ['custom-archive.v2.pt', 'conv_legacy.pt', 'rebuild_v1_legacy.pt']) {
      const bytes = fixture(name);
      for (let n = 0; n < bytes.length; n++) rejects(() => decodeRawPth(bytes.subarray(0, n)));
    }
  });

  test('a storage shorter than its tensors', () => {
    const tooBig = pthZip(tensorPickle([{ name: 'conv.weight', numel: 6, shape: [4, 4] }]), { 0: floats(6) });
    assert.match(rejects(() => decodeRawPth(tooBig)).message, /conv\.weight.*addresses element 15 .* only 6/);
    const offset = pthZip(tensorPickle([{ name: 'b', numel: 6, offset: 3, shape: [2, 2], stride: [2, 1] }]), {
      0: floats(6),
    });
    assert.match(rejects(() => decodeRawPth(offset)).message, /^b: /);
    const stride = pthZip(tensorPickle([{ name: 's', numel: 6, shape: [2, 2], stride: [5, 1] }]), { 0: floats(6) });
    rejects(() => decodeRawPth(stride));
    // The pickle claims more elements than the zip entry holds.
    const entry = pthZip(tensorPickle([{ name: 'e', numel: 100, shape: [10] }]), { 0: floats(6) });
    assert.match(rejects(() => decodeRawPth(entry)).message, /claims 100 float32 elements/);
    const legacy = legacyStream(tensorPickle([{ name: 'l', key: 'k', numel: 6, shape: [7] }], true), [
      ['k', 6n, floats(6)],
    ]);
    assert.match(rejects(() => decodeRawPth(legacy)).message, /^l: /);
  });

  test('element counts of 2^40 are refused before allocating', () => {
    const huge = 2 ** 40;
    const pid = pthZip(tensorPickle([{ numel: huge, shape: [huge] }]), { 0: floats(6) });
    rejects(() => decodeRawPth(pid), CheckpointError, 200);
    // A broadcast view: a 1-element storage viewed as 2^40 elements with zero strides.
    const broadcast = pthZip(tensorPickle([{ name: 'x', numel: 1, shape: [2 ** 20, 2 ** 20], stride: [0, 0] }]), {
      0: floats(1),
    });
    assert.match(
      rejects(() => decodeRawPth(broadcast), CheckpointError, 200).message,
      /more bytes than the file justifies/,
    );
    const overflow = pthZip(tensorPickle([{ numel: 1, shape: [2 ** 30, 2 ** 30, 2 ** 30], stride: [0, 0, 0] }]), {
      0: floats(1),
    });
    rejects(() => decodeRawPth(overflow), CheckpointError, 200);
    // Many overlapping views of one storage are charged against the same budget.
    const views = Array.from({ length: 64 }, (_, i) => ({
      name: `v${i}`,
      key: '0',
      numel: 4096,
      shape: [64, 64],
      stride: [1, 64],
    }));
    const many = pthZip(tensorPickle(views), { 0: floats(4096) });
    rejects(() => decodeRawPth(many, { maxCopyBytes: 1 << 19 }), CheckpointError, 500);
    assert.equal(decodeRawPth(many).size, 64);
    // Legacy: the per-storage element count is checked against the bytes left.
    const legacy = legacyStream(tensorPickle([{ key: 'k', numel: huge, shape: [1] }], true), [
      ['k', BigInt(huge), floats(6)],
    ]);
    rejects(() => decodeRawPth(legacy), CheckpointError, 200);
  });

  test('legacy storage counts that lie', () => {
    const bytes = fixture('conv_legacy.pt');
    const at = legacyDataOffset(bytes);
    for (const count of [2n ** 40n, -1n, 2n ** 63n - 1n, 0n, 1n]) {
      const b = bytes.slice();
      b.set(u64le(BigInt.asUintN(64, count)), at);
      rejects(() => decodeRawPth(b));
    }
    // Data for a storage no tensor uses (so its element size is unknown).
    rejects(() =>
      decodeRawPth(
        legacyStream(tensorPickle([{ key: 'a', numel: 1, shape: [1] }], true), [
          ['a', 1n, floats(1)],
          ['b', 1n, floats(1)],
        ]),
      ),
    );
    // A storage listed twice, and one that never gets data.
    rejects(() =>
      decodeRawPth(
        legacyStream(tensorPickle([{ key: 'a', numel: 1, shape: [1] }], true), [
          ['a', 1n, floats(1)],
          ['a', 1n, floats(1)],
        ]),
      ),
    );
    rejects(() => decodeRawPth(legacyStream(tensorPickle([{ key: 'a', numel: 1, shape: [1] }], true), [])));
  });

  test('forbidden globals in data.pkl, the legacy object pickle and the legacy header', () => {
    const evil = (module: string, name: string) => concat(ascii(`c${module}\n${name}\n(Vtouch /tmp/pwned\ntR.`));
    for (const [m, n] of [
      ['os', 'system'],
      ['builtins', 'eval'],
      ['posix', 'system'],
      ['nt', 'system'],
      ['torch', 'load'],
    ]) {
      const err = rejects(() => decodeRawPth(pthZip(evil(m, n))), ForbiddenGlobalError) as ForbiddenGlobalError;
      assert.equal(err.global, `${m}.${n}`);
      assert.match(err.message, /archive\/data\.pkl/);
      rejects(() => decodeRawPth(legacyStream(evil(m, n), [])), ForbiddenGlobalError);
    }
    // Even storage types are refused where no global belongs (the magic-number pickle).
    rejects(() => decodeRawPth(concat([0x80, 2, 0x8a, 1, 0], ascii('0ctorch\nFloatStorage\n.'))), ForbiddenGlobalError);
  });

  test('deep nesting and memo blow-ups inside a checkpoint', () => {
    rejects(() => decodeRawPth(pthZip(ascii('('.repeat(100_000) + '.'))), PickleError);
    rejects(() => decodeRawPth(pthZip(ascii(']'.repeat(5000) + 'a'.repeat(4999) + '.'))), PickleError);
    // A list containing itself: harmless to build, and not a state dict.
    assert.match(
      rejects(() => decodeRawPth(pthZip(concat(ascii(']q'), [0], ascii('h'), [0], ascii('a.'))))).message,
      /holds a list/,
    );
    // A dict whose values all share one self-referencing list.
    const shared = concat(
      ascii('}]q'),
      [0],
      ascii('h'),
      [0],
      ascii('a0('),
      ...Array.from({ length: 1000 }, (_, i) => concat(ascii(`V${i}\nh`), [0])),
      ascii('u.'),
    );
    const err = rejects(() => decodeRawPth(pthZip(shared)));
    assert.match(err.message, /without tensors/);
  });

  test('__proto__ keys cannot pollute prototypes', () => {
    const before = prototypeKeys();
    const zip = pthZip(
      tensorPickle([
        { name: '__proto__', numel: 2, shape: [2] },
        { name: 'constructor', numel: 2, shape: [2] },
        { name: 'polluted', numel: 2, shape: [2] },
      ]),
      {
        0: floats(2),
        1: floats(2),
        2: floats(2),
      },
    );
    const sd = decodeRawPth(zip);
    assert.deepEqual([...sd.keys()], ['__proto__', 'constructor', 'polluted']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.deepEqual(prototypeKeys(), before);
    const stripped = decodeRawPth(zip, { stripPrefix: '__' });
    assert.deepEqual([...stripped.keys()], ['proto__', 'constructor', 'polluted']);
    assert.deepEqual(prototypeKeys(), before);
  });

  test('keys that are not strings', () => {
    const zip = pthZip(tensorPickle([{ name: 5, numel: 1, shape: [1] }]), { 0: floats(1) });
    assert.match(rejects(() => decodeRawPth(zip)).message, /keys must be strings/);
  });

  test('malformed persistent ids and tensor arguments', () => {
    const cases: Uint8Array[] = [
      pthZip(tensorPickle([{ numel: 1, shape: [1], storageType: 'Size' }]), { 0: floats(1) }), // not a storage type
      pthZip(tensorPickle([{ numel: 1, shape: [1], storageType: 'Tensor' }]), { 0: floats(1) }),
      pthZip(tensorPickle([{ numel: 1, shape: [1] }]), {}), // storage entry missing
      pthZip(
        tensorPickle([
          { numel: 1, shape: [1] },
          { numel: 1, shape: [1], key: '0', storageType: 'LongStorage' },
        ]),
        { 0: floats(2) },
      ),
      pthZip(tensorPickle([{ numel: 1, shape: [1] }], true), { 0: floats(1) }), // legacy pid in a zip
      legacyStream(tensorPickle([{ numel: 1, shape: [1] }]), []), // zip pid in a legacy stream
      pthZip(new PickleBuilder().proto(2).mark().str('storage').tuple().binPersId().stop().bytes()),
      pthZip(new PickleBuilder().proto(2).int(3).binPersId().stop().bytes()),
      pthZip(concat(ascii('ctorch._utils\n_rebuild_tensor_v2\n(Vnot a storage\nK'), [0], ascii(')NN'), ascii('tR.'))),
      pthZip(concat(ascii('ctorch._utils\n_rebuild_tensor_v2\n(tR.'))),
    ];
    for (const [i, c] of cases.entries()) {
      assert.ok(rejects(() => decodeRawPth(c)) instanceof CheckpointError, `case ${i}`);
    }
    // Negative strides, non-integer sizes (1.5), offsets beyond 2^53.
    const p = new PickleBuilder().proto(2).mark().str('w').global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark().str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(4).tuple().binPersId();
    const head = p.bytes();
    const tail = (args: Uint8Array) =>
      pthZip(concat(ascii('}'), head.subarray(2), args, ascii('NNtRu.')), { 0: floats(4) });
    rejects(() =>
      decodeRawPth(tail(concat(ascii('K'), [0], ascii('(K'), [2], ascii('t(J'), [0xff, 0xff, 0xff, 0xff], ascii('t')))),
    );
    rejects(() =>
      decodeRawPth(
        tail(concat(ascii('K'), [0], ascii('(G'), [0x3f, 0xf8, 0, 0, 0, 0, 0, 0], ascii('t(K'), [1], ascii('t'))),
      ),
    );
    rejects(() => decodeRawPth(tail(concat([0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x40], ascii('))')))));
  });

  test('prefix stripping that makes two keys collide', () => {
    const zip = pthZip(
      tensorPickle([
        { name: 'module.a', numel: 1, shape: [1] },
        { name: 'a', numel: 1, shape: [1] },
      ]),
      { 0: floats(1), 1: floats(1) },
    );
    assert.match(rejects(() => decodeRawPth(zip, { stripPrefix: 'module.' })).message, /two entries map to 'a'/);
  });

  test('archives that are not torch.save checkpoints', () => {
    rejects(() => decodeRawPth(writeZip([{ name: 'readme.txt', data: ascii('hi') }])));
    rejects(() =>
      decodeRawPth(
        writeZip([
          { name: 'a/data.pkl', data: ascii('N.') },
          { name: 'b/data.pkl', data: ascii('N.') },
        ]),
      ),
    );
    const ts = rejects(() =>
      decodeRawPth(
        writeZip([
          { name: 'm/data.pkl', data: ascii('N.') },
          { name: 'm/constants.pkl', data: ascii('N.') },
        ]),
      ),
    );
    assert.match(ts.message, /TorchScript/);
    const bigEndian = writeZip([
      { name: 'a/data.pkl', data: ascii('}.') },
      { name: 'a/byteorder', data: ascii('big') },
    ]);
    assert.match(rejects(() => decodeRawPth(bigEndian)).message, /byte order/);
    const tar = new Uint8Array(1024);
    tar.set(ascii('ustar'), 257);
    assert.match(rejects(() => decodeRawPth(tar)).message, /tar/);
    // A checkpoint that holds a tensor, a list or None at the top level.
    rejects(() => decodeRawPth(pthZip(ascii('N.'))));
    rejects(() => decodeRawPth(pthZip(ascii(']K\x01a.'))));
  });

  test('a flipped bit in tensor data fails the CRC check, unless it is turned off', () => {
    const bytes = encodeRawPth(new Map([['w', fromFloat32([3], new Float32Array([1, 2, 3]))]]));
    const entry = readZip(bytes).get('archive/data/0')!;
    bytes[entry.dataOffset + 3] ^= 0x80; // sign bit of the first float
    assert.match(rejects(() => decodeRawPth(bytes), ZipError).message, /archive\/data\/0: CRC-32 mismatch/);
    assert.deepEqual([...toFloat32(decodeRawPth(bytes, { checkCrc: false }).get('w')!)], [-1, 2, 3]);
  });

  test('zip bombs inside a checkpoint', () => {
    const plain = tensorPickle([{ name: 'w', numel: 1, shape: [1] }]);
    const bomb = buildRawZip([
      { name: 'archive/data.pkl', stored: deflated(new Uint8Array(16 << 20)), method: 8, size: plain.length, crc: 0 },
      { name: 'archive/data/0', stored: floats(1) },
    ]);
    rejects(() => decodeRawPth(bomb), ZipError, 1000);
    const liar = buildRawZip([
      { name: 'archive/data.pkl', stored: deflated(plain), method: 8, size: 0xfffffff0, crc: 0 },
      { name: 'archive/data/0', stored: floats(1) },
    ]);
    rejects(() => decodeRawPth(liar), ZipError, 200);
    const honest = buildRawZip([
      { name: 'archive/data.pkl', stored: deflated(plain), method: 8, plain },
      { name: 'archive/data/0', stored: deflated(floats(1)), method: 8, plain: floats(1) },
    ]);
    assert.deepEqual([...decodeRawPth(honest).keys()], ['w']);
  });
});
