/**
 * The tar reader on archives built here: files, folders, long names, and
 * hostile archives (path traversal, absolute paths, links, devices, sizes
 * beyond the archive, bad checksums) refused with nothing written outside
 * the destination.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTar, TarError } from '../../src/data/datasets/tar.js';
import { DatasetError } from '../../src/data/dataset.js';
import { chunks, tarArchive, type TarEntry } from '../helpers/datasets.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
let root = '';
let n = 0;
const fresh = (): string => {
  const d = join(root, `dest${n++}`, 'inner');
  mkdirSync(d, { recursive: true });
  return d;
};

async function refused(entries: TarEntry[], pattern: RegExp): Promise<string> {
  const dest = fresh();
  await assert.rejects(extractTar(chunks(tarArchive(entries)), dest, 'evil.tar'), (e: unknown) => {
    assert.ok(e instanceof TarError && e instanceof DatasetError, String(e));
    assert.match(e.message, /^evil\.tar/);
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(readdirSync(join(dest, '..')), ['inner'], 'nothing written beside the destination');
  return dest;
}

describe('tar reader', () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'vgg-tar-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('extracts files and folders (ustar prefix, GNU long names), streaming across chunk boundaries', async () => {
    const big = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7) % 251);
    const longName = `data/${'x'.repeat(150)}.bin`;
    const dest = fresh();
    const written = await extractTar(
      chunks(
        tarArchive([
          { name: 'data/', type: '5' },
          { name: 'data/a.txt', data: enc('hello') },
          { name: 'b.bin', prefix: 'data/sub', data: big },
          { name: '././@LongLink', type: 'L', data: enc(`${longName}\0`) },
          { name: 'truncated-name', data: enc('long') },
          { name: './data/empty', data: new Uint8Array(0) },
        ]),
        333,
      ),
      dest,
      'good.tar',
    );
    assert.deepEqual(written, ['data/a.txt', 'data/sub/b.bin', longName, 'data/empty']);
    assert.equal(readFileSync(join(dest, 'data', 'a.txt'), 'utf8'), 'hello');
    assert.deepEqual(new Uint8Array(readFileSync(join(dest, 'data', 'sub', 'b.bin'))), big);
    assert.equal(readFileSync(join(dest, longName), 'utf8'), 'long');
    assert.equal(readFileSync(join(dest, 'data', 'empty')).length, 0);
  });

  it('refuses path traversal and absolute paths', async () => {
    await refused(
      [
        { name: 'ok.txt', data: enc('fine') },
        { name: '../escape.txt', data: enc('bad') },
      ],
      /"\.\.\/escape\.txt" climbs out of the destination/,
    );
    await refused([{ name: 'a/../../escape.txt', data: enc('bad') }], /climbs out/);
    await refused([{ name: 'escape.txt', prefix: '..', data: enc('bad') }], /climbs out/);
    await refused([{ name: '/etc/evil', data: enc('bad') }], /absolute path/);
    await refused(
      [
        { name: '././@LongLink', type: 'L', data: enc('../../x\0') },
        { name: 'x', data: enc('bad') },
      ],
      /climbs out/,
    );
    assert.ok(!existsSync(join(root, 'escape.txt')));
  });

  it('refuses links and special files', async () => {
    await refused(
      [{ name: 'link', type: '2', linkName: '/etc/passwd' }],
      /"link" is a symbolic link to "\/etc\/passwd"; links are refused/,
    );
    await refused([{ name: 'hard', type: '1', linkName: 'other' }], /hard link/);
    await refused([{ name: 'dev', type: '3' }], /type "3"/);
  });

  it('refuses sizes beyond the archive, corrupt headers and truncation', async () => {
    const dest = await refused(
      [{ name: 'big', data: enc('only this'), claimedSize: 1 << 30 }],
      /"big" declares 1073741824 bytes but the archive ends after/,
    );
    assert.ok(!existsSync(join(dest, '..', 'big')));
    const archive = tarArchive([{ name: 'a', data: enc('x') }]);
    archive[0] = 'b'.charCodeAt(0); // the checksum no longer matches
    await assert.rejects(
      extractTar(chunks(archive), fresh(), 'c.tar'),
      /c\.tar \(entry at byte 0\): header checksum mismatch/,
    );
    await assert.rejects(
      extractTar(chunks(tarArchive([{ name: 'a', data: enc('x') }]).subarray(0, 300)), fresh(), 'd.tar'),
      /d\.tar: truncated header at byte 0/,
    );
    await assert.rejects(
      extractTar(chunks(enc('not a tar at all, just some text that is long enough'.repeat(20))), fresh(), 'e.tar'),
      TarError,
    );
    await assert.rejects(
      extractTar(
        chunks(tarArchive([{ name: 'meta', type: 'x', data: new Uint8Array(0), claimedSize: 2 << 20 }])),
        fresh(),
        'f.tar',
      ),
      /implausibly large/,
    );
  });
});
