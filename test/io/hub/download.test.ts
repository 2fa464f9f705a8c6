import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';

import {
  DownloadError,
  HashMismatchError,
  HttpStatusError,
  IncompleteDownloadError,
  OfflineError,
  checkpointsDir,
  downloadUrlToFile,
  loadStateDictFromUrl,
} from '../../../src/io/hub.js';
import {
  type TestServer,
  makeBytes,
  makeTempDir,
  removeDir,
  saveEnv,
  serveBytes,
  sha256,
  startServer,
} from '../../helpers/http.js';

const GOOD = makeBytes(200_000, 7);
const GOOD_HASH = sha256(GOOD);
const GOOD_NAME = `good-${GOOD_HASH.slice(0, 8)}.pth`;
const BIG = makeBytes(3 * 1024 * 1024 + 17, 11);
const BIG_NAME = `big-${sha256(BIG).slice(0, 10)}.pth`;
const WRONG_NAME = `wrong-${GOOD_HASH.slice(0, 8)}.pth`; // served bytes differ from the name's hash
const WRONG = makeBytes(200_000, 8);

describe('hub downloads over loopback HTTP', () => {
  let server: TestServer;
  let tmp: string;
  let restoreEnv: () => void;

  before(async () => {
    server = await startServer({
      [`/files/${GOOD_NAME}`]: serveBytes(GOOD),
      [`/files/${BIG_NAME}`]: serveBytes(BIG),
      [`/files/${WRONG_NAME}`]: serveBytes(WRONG),
      [`/chunked/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/octet-stream' }); // no Content-Length: chunked
        res.write(GOOD.subarray(0, 1000));
        res.end(GOOD.subarray(1000));
      },
      [`/drop/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(200, { 'Content-Length': GOOD.length });
        res.write(GOOD.subarray(0, 50_000), () => {
          setTimeout(() => res.socket?.destroy(), 20);
        });
      },
      [`/drop-chunked/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(200, {});
        res.write(GOOD.subarray(0, 50_000), () => {
          setTimeout(() => res.socket?.destroy(), 20);
        });
      },
      [`/stall/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(200, { 'Content-Length': GOOD.length });
        res.write(GOOD.subarray(0, 1000)); // then nothing
      },
      [`/redirect/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(302, { Location: `../files/${GOOD_NAME}` }); // relative
        res.end();
      },
      [`/redirect2/${GOOD_NAME}`]: (_req, res) => {
        res.writeHead(301, { Location: `${server.base}/redirect/${GOOD_NAME}` }); // absolute, then relative
        res.end();
      },
      '/loop/a.pth': (_req, res) => {
        res.writeHead(307, { Location: '/loop/a.pth' });
        res.end();
      },
      '/noloc/a.pth': (_req, res) => {
        res.writeHead(302, {});
        res.end();
      },
      '/error/a.pth': (_req, res) => {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end('boom');
      },
    });
  });

  after(async () => {
    await server.close();
  });

  beforeEach(async () => {
    restoreEnv = saveEnv();
    tmp = await makeTempDir();
    process.env.TORCH_HOME = path.join(tmp, 'torch-home');
    delete process.env.VGG_OFFLINE;
  });

  afterEach(async () => {
    restoreEnv();
    await removeDir(tmp);
  });

  const ckpt = () => path.join(tmp, 'torch-home', 'hub', 'checkpoints');

  it('downloads into $TORCH_HOME/hub/checkpoints and reuses the cached file without a request', async () => {
    const url = `${server.base}/files/${GOOD_NAME}`;
    const before = server.count(`/files/${GOOD_NAME}`);
    const file = await loadStateDictFromUrl(url);
    assert.equal(file, path.join(ckpt(), GOOD_NAME));
    assert.equal(checkpointsDir(), ckpt());
    assert.deepEqual(await readFile(file), GOOD);
    assert.deepEqual(await readdir(ckpt()), [GOOD_NAME], 'no temporary files remain');
    assert.equal(server.count(`/files/${GOOD_NAME}`), before + 1);

    const again = await loadStateDictFromUrl(url);
    assert.equal(again, file);
    assert.equal(server.count(`/files/${GOOD_NAME}`), before + 1, 'second call must not hit the server');
  });

  it('reuses a file PyTorch already put in the cache (no network at all)', async () => {
    await mkdir(ckpt(), { recursive: true });
    await writeFile(path.join(ckpt(), 'vgg16-397923af.pth'), 'pretend checkpoint');
    const n = server.requests.length;
    // Unroutable port: any connection attempt would fail the test.
    const file = await loadStateDictFromUrl('http://127.0.0.1:9/models/vgg16-397923af.pth');
    assert.equal(file, path.join(ckpt(), 'vgg16-397923af.pth'));
    assert.equal(server.requests.length, n);
  });

  it('streams a multi-megabyte body and verifies a longer hash prefix', async () => {
    const file = await loadStateDictFromUrl(`${server.base}/files/${BIG_NAME}`);
    const s = await stat(file);
    assert.equal(s.size, BIG.length);
    assert.equal(sha256(await readFile(file)), sha256(BIG));
  });

  it('honours modelDir and fileName', async () => {
    const dir = path.join(tmp, 'elsewhere');
    const file = await loadStateDictFromUrl(`${server.base}/files/${GOOD_NAME}`, {
      modelDir: dir,
      fileName: 'renamed.pth',
    });
    assert.equal(file, path.join(dir, 'renamed.pth'));
    assert.deepEqual(await readFile(file), GOOD);
  });

  it('accepts a body without Content-Length (chunked)', async () => {
    const file = await loadStateDictFromUrl(`${server.base}/chunked/${GOOD_NAME}`);
    assert.deepEqual(await readFile(file), GOOD);
  });

  it('follows relative and absolute redirects', async () => {
    const file = await loadStateDictFromUrl(`${server.base}/redirect2/${GOOD_NAME}`);
    assert.deepEqual(await readFile(file), GOOD);
    assert.deepEqual(server.requests.slice(-3), [
      `/redirect2/${GOOD_NAME}`,
      `/redirect/${GOOD_NAME}`,
      `/files/${GOOD_NAME}`,
    ]);
  });

  it('gives up on redirect loops and on redirects without Location', async () => {
    const url = `${server.base}/loop/a.pth`;
    await assert.rejects(loadStateDictFromUrl(url, { maxRedirects: 3 }), (e: unknown) => {
      assert.ok(e instanceof DownloadError);
      assert.equal(e.code, 'TOO_MANY_REDIRECTS');
      assert.match(e.message, /more than 3 redirects/);
      return true;
    });
    await assert.rejects(loadStateDictFromUrl(`${server.base}/noloc/a.pth`), { code: 'BAD_REDIRECT' });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('fails on a dropped connection and leaves nothing behind', async () => {
    const url = `${server.base}/drop/${GOOD_NAME}`;
    await assert.rejects(loadStateDictFromUrl(url), (e: unknown) => {
      assert.ok(e instanceof IncompleteDownloadError, String(e));
      assert.equal(e.code, 'INCOMPLETE');
      assert.equal(e.expected, GOOD.length);
      assert.ok(e.received < GOOD.length);
      assert.match(e.message, new RegExp(`received \\d+ of ${GOOD.length} bytes`));
      assert.ok(e.message.includes(url));
      return true;
    });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('fails on a dropped chunked connection and leaves nothing behind', async () => {
    await assert.rejects(loadStateDictFromUrl(`${server.base}/drop-chunked/${GOOD_NAME}`), (e: unknown) => {
      assert.ok(e instanceof DownloadError, String(e));
      assert.equal(e.code, 'NETWORK');
      return true;
    });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('rejects bytes whose sha256 does not match the file name and leaves nothing behind', async () => {
    const url = `${server.base}/files/${WRONG_NAME}`;
    await assert.rejects(loadStateDictFromUrl(url), (e: unknown) => {
      assert.ok(e instanceof HashMismatchError);
      assert.equal(e.code, 'HASH_MISMATCH');
      assert.equal(e.expected, GOOD_HASH.slice(0, 8));
      assert.equal(e.actual, sha256(WRONG));
      assert.ok(e.message.includes(url));
      assert.ok(e.message.includes(GOOD_HASH.slice(0, 8)) && e.message.includes(sha256(WRONG)));
      return true;
    });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('skips the hash check with checkHash: false', async () => {
    const file = await loadStateDictFromUrl(`${server.base}/files/${WRONG_NAME}`, { checkHash: false });
    assert.deepEqual(await readFile(file), WRONG);
  });

  it('reports HTTP errors (404, 500) with the status and leaves nothing behind', async () => {
    const url = `${server.base}/missing/x-abc.pth`;
    await assert.rejects(loadStateDictFromUrl(url), (e: unknown) => {
      assert.ok(e instanceof HttpStatusError);
      assert.equal(e.status, 404);
      assert.equal(e.code, 'HTTP_STATUS');
      assert.match(e.message, /HTTP 404/);
      assert.ok(e.message.includes(url));
      return true;
    });
    await assert.rejects(loadStateDictFromUrl(`${server.base}/error/a.pth`), { status: 500 });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('times out on a stalled body and leaves nothing behind', async () => {
    await assert.rejects(loadStateDictFromUrl(`${server.base}/stall/${GOOD_NAME}`, { timeoutMs: 200 }), {
      code: 'TIMEOUT',
    });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('can be aborted with a signal', async () => {
    const ac = new AbortController();
    const p = loadStateDictFromUrl(`${server.base}/stall/${GOOD_NAME}`, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, { code: 'ABORTED' });
    assert.deepEqual(await readdir(ckpt()), []);
  });

  it('rejects unsupported protocols', async () => {
    await assert.rejects(downloadUrlToFile('ftp://127.0.0.1/x.pth', path.join(tmp, 'x.pth')), {
      code: 'UNSUPPORTED_PROTOCOL',
    });
  });

  it('downloadUrlToFile checks an explicit hash prefix and replaces an existing destination', async () => {
    const dest = path.join(tmp, 'sub', 'dir', 'out.bin');
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, 'old');
    await downloadUrlToFile(`${server.base}/files/${GOOD_NAME}`, dest, {
      hashPrefix: GOOD_HASH.slice(0, 20).toUpperCase(),
    });
    assert.deepEqual(await readFile(dest), GOOD);
    await assert.rejects(
      downloadUrlToFile(`${server.base}/files/${GOOD_NAME}`, path.join(tmp, 'sub', 'other.bin'), {
        hashPrefix: GOOD_HASH.startsWith('0') ? '1' : '0',
      }),
      HashMismatchError,
    );
    assert.deepEqual((await readdir(path.join(tmp, 'sub'))).sort(), ['dir']);
  });

  it('is quiet when progress is requested but stderr is not a terminal', async () => {
    // node --test runs files with piped stdio, so stderr is not a TTY here.
    const file = await loadStateDictFromUrl(`${server.base}/files/${GOOD_NAME}`, { progress: true });
    assert.deepEqual(await readFile(file), GOOD);
  });

  describe('offline mode', () => {
    it('throws OfflineError naming the file and where it looked, without a request or new folders', async () => {
      const n = server.requests.length;
      const url = `${server.base}/files/${GOOD_NAME}`;
      await assert.rejects(loadStateDictFromUrl(url, { offline: true }), (e: unknown) => {
        assert.ok(e instanceof OfflineError);
        assert.equal(e.code, 'OFFLINE');
        assert.equal(e.fileName, GOOD_NAME);
        assert.equal(e.searchedPath, path.join(ckpt(), GOOD_NAME));
        assert.ok(e.message.includes(GOOD_NAME) && e.message.includes(ckpt()));
        return true;
      });
      assert.equal(server.requests.length, n);
      await assert.rejects(stat(ckpt()), { code: 'ENOENT' });
    });

    it('is switched on by VGG_OFFLINE=1', async () => {
      process.env.VGG_OFFLINE = '1';
      const n = server.requests.length;
      await assert.rejects(loadStateDictFromUrl(`${server.base}/files/${GOOD_NAME}`), (e: unknown) => {
        assert.ok(e instanceof OfflineError);
        assert.match(e.message, /VGG_OFFLINE=1/);
        return true;
      });
      assert.equal(server.requests.length, n);
    });

    it('returns a cached file without touching the network', async () => {
      const url = `${server.base}/files/${GOOD_NAME}`;
      await loadStateDictFromUrl(url);
      const n = server.requests.length;
      process.env.VGG_OFFLINE = '1';
      assert.equal(await loadStateDictFromUrl(url), path.join(ckpt(), GOOD_NAME));
      assert.equal(await loadStateDictFromUrl(url, { offline: true }), path.join(ckpt(), GOOD_NAME));
      assert.equal(server.requests.length, n);
    });
  });
});
