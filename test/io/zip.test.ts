/** ZIP reader/writer: structure, zip64, DEFLATE, CRC, and hostile archives. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZipError } from '../../src/io/errors.js';
import { decodeRawPth } from '../../src/io/pth.js';
import { readZip, writeZip } from '../../src/io/zip.js';
import { crc32, crc32Tables } from '../../src/io/crc32.js';
import { ascii, buildRawZip, concat, deflated, fixture, randomBytes, rejects, toHex, u32le } from './helpers.js';

describe('crc32', () => {
  test('matches the standard check value and is incremental', () => {
    assert.equal(crc32(ascii('123456789')), 0xcbf43926);
    const data = randomBytes(1001, 7);
    assert.equal(crc32(data.subarray(300), crc32(data.subarray(0, 300))), crc32(data));
    assert.equal(crc32(new Uint8Array(0)), 0);
  });
  test('the portable tables agree with the native zlib.crc32 path', () => {
    for (const n of [0, 1, 7, 8, 9, 1001, 65536 + 3]) {
      const data = randomBytes(n, n);
      assert.equal(crc32Tables(data), crc32(data), `length ${n}`);
      assert.equal(crc32Tables(data.subarray(n >> 1), crc32Tables(data.subarray(0, n >> 1))), crc32(data));
    }
  });
});

describe('zip writer and reader', () => {
  test('round trip, with and without zip64 records, any alignment', () => {
    const entries = [
      { name: 'a/empty', data: new Uint8Array(0) },
      { name: 'a/one', data: Uint8Array.of(7) },
      { name: 'a/ünï', data: randomBytes(1000, 1) },
    ];
    for (const forceZip64 of [false, true]) {
      for (const align of [1, 4, 64]) {
        const zip = readZip(writeZip(entries, { forceZip64, align }));
        assert.deepEqual(
          [...zip.keys()],
          entries.map((e) => e.name),
        );
        for (const e of entries) {
          const z = zip.get(e.name)!;
          assert.equal(toHex(z.data()), toHex(e.data));
          assert.equal(z.dataOffset % align, 0);
        }
      }
    }
  });

  test('reads PyTorch 1.13 archives (data descriptors, zip64 end records, FB padding)', () => {
    const zip = readZip(fixture('conv_zip.pt'));
    assert.ok(zip.has('conv_zip/data.pkl'));
    assert.ok(zip.has('conv_zip/version'));
    for (const e of zip.values()) assert.equal(e.dataOffset % 64, 0);
  });

  test('DEFLATE entries are inflated and CRC-checked, or refused on request', () => {
    const plain = randomBytes(5000, 3).map((b) => b & 7);
    const zipBytes = buildRawZip([{ name: 'x', stored: deflated(plain), method: 8, plain }]);
    assert.equal(toHex(readZip(zipBytes).get('x')!.data()), toHex(plain));
    rejects(() => readZip(zipBytes, { allowDeflate: false }).get('x')!.data(), ZipError);
    const badCrc = buildRawZip([{ name: 'x', stored: deflated(plain), method: 8, plain, crc: 1234 }]);
    assert.match(rejects(() => readZip(badCrc).get('x')!.data(), ZipError).message, /CRC-32 mismatch/);
  });

  test('a deflated PyTorch checkpoint still loads', () => {
    const src = readZip(fixture('conv_zip.pt'));
    const repacked = buildRawZip(
      [...src.values()].map((e) => ({ name: e.name, stored: deflated(e.data()), method: 8, plain: e.data() })),
    );
    assert.deepEqual(
      [...decodeRawPth(repacked)].map(([k, v]) => [k, toHex(v.data)]),
      [...decodeRawPth(fixture('conv_zip.pt'))].map(([k, v]) => [k, toHex(v.data)]),
    );
  });

  test('stored data whose CRC does not match is rejected', () => {
    const bytes = writeZip([{ name: 'x', data: randomBytes(100, 5) }]);
    const entry = readZip(bytes).get('x')!;
    bytes[entry.dataOffset + 10] ^= 1;
    rejects(() => readZip(bytes).get('x')!.data(), ZipError);
    assert.equal(readZip(bytes, { checkCrc: false }).get('x')!.data().length, 100);
  });
});

describe('hostile zip archives', () => {
  test('empty, tiny and random inputs', () => {
    rejects(() => readZip(new Uint8Array(0)), ZipError);
    rejects(() => readZip(new Uint8Array(21)), ZipError);
    for (let seed = 1; seed <= 20; seed++) rejects(() => readZip(randomBytes(100 + seed * 37, seed)), ZipError);
  });

  test('every truncation of a valid archive is rejected', () => {
    const bytes = fixture('custom-archive.v2.pt');
    for (let n = 0; n < bytes.length; n++) rejects(() => readZip(bytes.subarray(0, n)), ZipError);
  });

  test('bomb: a tiny deflate stream that claims a small size but expands hugely', () => {
    const huge = new Uint8Array(32 << 20); // 32 MiB of zeros deflate to ~32 KiB
    const bomb = buildRawZip([{ name: 'x', stored: deflated(huge), method: 8, size: 1000, crc: 0 }]);
    const err = rejects(() => readZip(bomb).get('x')!.data(), ZipError, 1000);
    assert.match(err.message, /cannot inflate|inflated to/);
  });

  test('bomb: an entry that claims a size no deflate stream could produce', () => {
    const small = deflated(new Uint8Array(100));
    const bomb = buildRawZip([{ name: 'x', stored: small, method: 8, size: 0xfffffff0, crc: 0 }]);
    assert.match(rejects(() => readZip(bomb).get('x')!.data(), ZipError, 200).message, /zip bomb|exceeds the limit/);
    const limited = buildRawZip([{ name: 'x', stored: deflated(new Uint8Array(5000)), method: 8, size: 5000, crc: 0 }]);
    rejects(() => readZip(limited, { maxInflatedSize: 4096 }).get('x')!.data(), ZipError);
  });

  test('a deflate stream that inflates to less than declared', () => {
    const plain = new Uint8Array(100);
    const zip = buildRawZip([{ name: 'x', stored: deflated(plain), method: 8, size: 200, plain }]);
    rejects(() => readZip(zip).get('x')!.data(), ZipError);
  });

  test('corrupt deflate data', () => {
    const zip = buildRawZip([
      { name: 'x', stored: Uint8Array.of(0xff, 0xff, 0xff, 0xff), method: 8, size: 10, crc: 0 },
    ]);
    rejects(() => readZip(zip).get('x')!.data(), ZipError);
  });

  test('offsets and sizes pointing outside the file', () => {
    const good = buildRawZip([{ name: 'x', stored: ascii('hello') }]);
    const cd = good.length - 22 - (46 + 1);
    const patch = (at: number, value: number) => {
      const b = good.slice();
      b.set(u32le(value), at);
      return b;
    };
    rejects(() => readZip(patch(cd + 42, 0xfffffff0)), ZipError); // local header offset
    rejects(() => readZip(patch(cd + 20, 1 << 30)), ZipError); // compressed size
    rejects(() => readZip(patch(good.length - 22 + 16, 0x7fffffff)), ZipError); // central directory offset
    rejects(() => readZip(patch(good.length - 22 + 12, 1 << 30)), ZipError); // central directory size
    // Entry count larger than the directory can hold.
    const many = good.slice();
    many[good.length - 22 + 8] = 0xff;
    many[good.length - 22 + 10] = 0xff;
    rejects(() => readZip(many), ZipError);
  });

  test('stored entry whose sizes disagree, unknown method, encryption, duplicates', () => {
    rejects(() => readZip(buildRawZip([{ name: 'x', stored: ascii('abc'), size: 4 }])), ZipError);
    rejects(() => readZip(buildRawZip([{ name: 'x', stored: ascii('abc'), method: 12 }])), ZipError);
    rejects(
      () =>
        readZip(
          buildRawZip([
            { name: 'x', stored: ascii('a') },
            { name: 'x', stored: ascii('b') },
          ]),
        ),
      ZipError,
    );
    const enc = buildRawZip([{ name: 'x', stored: ascii('abc') }]);
    enc[enc.length - 22 - 47 + 8] = 1; // central flags: encrypted
    rejects(() => readZip(enc), ZipError);
  });

  test('a zip64 locator pointing at garbage', () => {
    const bytes = writeZip([{ name: 'x', data: ascii('abc') }], { forceZip64: true });
    const loc = bytes.length - 22 - 20;
    for (const value of [0, bytes.length, 0xffffffff]) {
      const b = bytes.slice();
      b.set(u32le(value), loc + 8);
      rejects(() => readZip(b), ZipError);
    }
    const b = bytes.slice();
    b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], loc + 8); // > 2^53
    rejects(() => readZip(b), ZipError);
  });

  test('an end record hidden in the comment is not trusted', () => {
    const bytes = writeZip([{ name: 'x', data: ascii('abc') }]);
    // Add a comment that itself looks like an end record, then damage the real one's comment length.
    const fake = concat(bytes.subarray(0, bytes.length - 2), [22, 0], bytes.subarray(bytes.length - 22));
    rejects(() => readZip(fake.subarray(0, fake.length - 1)), ZipError);
  });
});
