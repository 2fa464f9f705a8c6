/** storeZipEntries: DEFLATE entries inflated asynchronously (DecompressionStream) and rewritten STORED. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRawPth } from '../../src/io/pth.js';
import { readZip } from '../../src/io/zip.js';
import { storeZipEntries } from '../../src/io/zip-store.js';
import { ZipError } from '../../src/io/errors.js';
import { toFloat32 } from '../../src/io/raw-tensor.js';
import { buildRawZip, deflated, fixture } from '../helpers/checkpoints.js';

/** The fixture checkpoint with every entry DEFLATE-compressed, as a re-zipping tool would leave it. */
function deflatedCopy(bytes: Uint8Array): Uint8Array {
  return buildRawZip(
    [...readZip(bytes).values()].map((e) => ({ name: e.name, stored: deflated(e.data()), method: 8, plain: e.data() })),
  );
}

describe('storeZipEntries', () => {
  test('a deflated checkpoint reads like the original once stored', async () => {
    const original = fixture('conv_zip.pt');
    const packed = deflatedCopy(original);
    assert.ok([...readZip(packed).values()].every((e) => e.method === 8));
    const stored = await storeZipEntries(packed);
    assert.ok([...readZip(stored).values()].every((e) => e.method === 0));
    const want = decodeRawPth(original);
    const got = decodeRawPth(stored);
    assert.deepEqual([...got.keys()], [...want.keys()]);
    for (const [k, v] of want) assert.deepEqual(toFloat32(got.get(k)!), toFloat32(v), k);
  });

  test('an archive with only STORED entries comes back as the same bytes', async () => {
    const original = fixture('conv_zip.pt');
    assert.equal(await storeZipEntries(original), original);
  });

  test('a CRC that does not match the inflated bytes is refused', async () => {
    const plain = new Uint8Array([1, 2, 3, 4]);
    const bad = buildRawZip([{ name: 'x', stored: deflated(plain), method: 8, plain, crc: 1234 }]);
    await assert.rejects(storeZipEntries(bad), ZipError);
  });

  test('bytes that are not DEFLATE data are refused', async () => {
    const plain = new Uint8Array(64).fill(7);
    const bad = buildRawZip([{ name: 'x', stored: new Uint8Array([0xff, 0xff, 0xff]), method: 8, plain }]);
    await assert.rejects(storeZipEntries(bad), /x: cannot inflate/);
  });
});
