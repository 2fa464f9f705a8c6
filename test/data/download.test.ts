/**
 * Dataset downloads against a loopback HTTP server serving files generated
 * here (with their md5 sums passed in): the happy path and a cache reused
 * without another request, CIFAR-10's archive unpacked into place, and
 * failures — md5 mismatch, 404, a hostile archive, offline mode, downloads
 * not allowed — that leave nothing behind and say what to do.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/datasets/load-dataset.js';
import { datasetsCacheDir, DATASET_SOURCES } from '../../src/data/datasets/download.js';
import { DatasetError } from '../../src/data/dataset.js';
import { TarError } from '../../src/data/datasets/tar.js';
import { HashMismatchError, HttpStatusError, OfflineError } from '../../src/io/hub.js';
import { makeTempDir, removeDir, serveBytes, startServer, type TestServer } from '../helpers/http.js';
import { cifarRecords, idxFile, tarArchive } from '../helpers/datasets.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

const trainImages = idxFile(
  [3, 28, 28],
  Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256),
);
const trainLabels = idxFile([3], Uint8Array.from([4, 1, 9]));
const testImages = idxFile([1, 28, 28], new Uint8Array(784).fill(200));
const testLabels = idxFile([1], Uint8Array.from([2]));
const cifarTar = gzipSync(
  tarArchive([
    { name: 'cifar-10-batches-bin/', type: '5' },
    ...[1, 2, 3, 4, 5].map((b) => ({
      name: `cifar-10-batches-bin/data_batch_${b}.bin`,
      data: cifarRecords([b, b + 1], () => b),
    })),
    { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarRecords([0, 9, 5], () => 99) },
    {
      name: 'cifar-10-batches-bin/batches.meta.txt',
      data: new TextEncoder().encode('airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n'),
    },
  ]),
);
const evilTar = gzipSync(tarArchive([{ name: 'cifar-10-batches-bin/../../outside.bin', data: new Uint8Array(3073) }]));

const files = new Map<string, Uint8Array>([
  ['train-images-idx3-ubyte.gz', trainImages],
  ['train-labels-idx1-ubyte.gz', trainLabels],
  ['t10k-images-idx3-ubyte.gz', testImages],
  ['t10k-labels-idx1-ubyte.gz', testLabels],
  ['cifar-10-binary.tar.gz', cifarTar],
]);
const sums = new Map([...files].map(([name, bytes]) => [name, md5(bytes)]));

let server: TestServer;
let tmp = '';
let n = 0;
const cache = (): string => join(tmp, `cache${n++}`);

describe('dataset downloads', () => {
  before(async () => {
    tmp = await makeTempDir('vgg-data-dl-');
    const routes: Parameters<typeof startServer>[0] = {};
    for (const [name, bytes] of files) routes[`/good/${name}`] = serveBytes(Buffer.from(bytes));
    routes['/corrupt/train-images-idx3-ubyte.gz'] = serveBytes(Buffer.from(trainLabels));
    routes['/evil/cifar-10-binary.tar.gz'] = serveBytes(Buffer.from(evilTar));
    server = await startServer(routes);
  });
  after(async () => {
    await server.close();
    await removeDir(tmp);
  });

  it('downloads a split into the cache, verifies md5, and reuses the cache without another request', async () => {
    const cacheDir = cache();
    const opts = { cacheDir, download: true, mirror: `${server.base}/good`, md5: sums };
    const train = await loadDataset('mnist', 'train', opts);
    assert.equal(train.length, 3);
    assert.deepEqual(Array.from(train.labels), [4, 1, 9]);
    assert.equal((await train.get(2)).image.data[5], Math.fround(((2 * 784 + 5) % 256) / 255));
    assert.deepEqual(readdirSync(join(cacheDir, 'mnist')).sort(), [
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    assert.equal(server.count('/good/train-images-idx3-ubyte.gz'), 1);
    const before = server.requests.length;
    const again = await loadDataset('mnist', 'train', { ...opts, offline: true });
    assert.equal(again.length, 3);
    assert.equal(server.requests.length, before, 'no request for a cached split');
    const test = await loadDataset('mnist', 'test', opts);
    assert.equal((await test.get(0)).label, 2);
  });

  it("fashion-mnist downloads into the folder given as root (never into Debian's)", async () => {
    const root = join(tmp, 'fashion-root');
    const ds = await loadDataset('fashion-mnist', 'test', {
      root,
      download: true,
      mirror: `${server.base}/good/`,
      md5: sums,
    });
    assert.equal(ds.classes[2], 'Pullover');
    assert.ok(existsSync(join(root, 't10k-images-idx3-ubyte.gz')));
  });

  it('CIFAR-10: the archive is checked, unpacked into place and deleted; the other split needs no download', async () => {
    const cacheDir = cache();
    const opts = { cacheDir, download: true, mirror: `${server.base}/good`, md5: sums };
    const train = await loadDataset('cifar10', 'train', opts);
    assert.equal(train.length, 10);
    assert.deepEqual(Array.from(train.labels), [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    assert.equal((await train.get(9)).image.data[3071], Math.fround(5 / 255));
    assert.deepEqual(readdirSync(join(cacheDir, 'cifar10')), ['cifar-10-batches-bin']);
    const before = server.requests.length;
    const test = await loadDataset('cifar10', 'test', opts);
    assert.deepEqual(Array.from(test.labels), [0, 9, 5]);
    assert.equal(server.requests.length, before);
  });

  it('an md5 mismatch leaves nothing behind and says so', async () => {
    const cacheDir = cache();
    await assert.rejects(
      loadDataset('mnist', 'train', { cacheDir, download: true, mirror: `${server.base}/corrupt`, md5: sums }),
      (e: unknown) => {
        assert.ok(e instanceof HashMismatchError);
        assert.match(
          e.message,
          /corrupt: invalid hash value \(expected md5 "[0-9a-f]{32}", got "[0-9a-f]{32}".*Nothing was saved/,
        );
        return true;
      },
    );
    assert.deepEqual(readdirSync(join(cacheDir, 'mnist')), []);
  });

  it('the published md5 sums are checked by default', async () => {
    assert.equal(DATASET_SOURCES.cifar10.md5.get('cifar-10-binary.tar.gz'), 'c32a1d4ab5d03f1284b67883e8d87530');
    const cacheDir = cache();
    await assert.rejects(
      loadDataset('mnist', 'test', { cacheDir, download: true, mirror: `${server.base}/good` }),
      /expected md5 "9fb629c4189551a2d022fa330f9573f3"/,
    );
    assert.deepEqual(readdirSync(join(cacheDir, 'mnist')), []);
  });

  it('a 404 fails with the status and leaves nothing', async () => {
    const cacheDir = cache();
    await assert.rejects(
      loadDataset('mnist', 'train', { cacheDir, download: true, mirror: `${server.base}/missing` }),
      (e: unknown) => e instanceof HttpStatusError && e.status === 404,
    );
    assert.deepEqual(readdirSync(join(cacheDir, 'mnist')), []);
  });

  it('an archive with a path escaping the destination is refused, and nothing is left', async () => {
    const cacheDir = cache();
    const md5s = new Map([['cifar-10-binary.tar.gz', md5(evilTar)]]);
    await assert.rejects(
      loadDataset('cifar10', 'test', { cacheDir, download: true, mirror: `${server.base}/evil`, md5: md5s }),
      (e: unknown) => e instanceof TarError && /climbs out/.test(e.message),
    );
    assert.deepEqual(readdirSync(join(cacheDir, 'cifar10')), []);
    assert.ok(!existsSync(join(cacheDir, 'outside.bin')));
  });

  it('offline, a missing dataset is refused without a request, naming the cache folder; without download, the error says how', async () => {
    const cacheDir = cache();
    const before = server.requests.length;
    await assert.rejects(
      loadDataset('mnist', 'train', { cacheDir, download: true, offline: true, mirror: `${server.base}/good` }),
      (e: unknown) => {
        assert.ok(e instanceof OfflineError);
        assert.ok(e.message.includes(join(cacheDir, 'mnist', 'train-images-idx3-ubyte.gz')), e.message);
        assert.match(e.message, /downloads are disabled by offline: true/);
        return true;
      },
    );
    const saved = process.env.VGG_OFFLINE;
    process.env.VGG_OFFLINE = '1';
    try {
      await assert.rejects(
        loadDataset('cifar10', 'test', { cacheDir, download: true, mirror: `${server.base}/good` }),
        /disabled by VGG_OFFLINE=1/,
      );
    } finally {
      if (saved === undefined) delete process.env.VGG_OFFLINE;
      else process.env.VGG_OFFLINE = saved;
    }
    assert.equal(server.requests.length, before);
    await assert.rejects(loadDataset('mnist', 'train', { cacheDir }), (e: unknown) => {
      assert.ok(e instanceof DatasetError);
      assert.ok(e.message.includes(`not in ${join(cacheDir, 'mnist')}`), e.message);
      assert.match(e.message, /--download/);
      return true;
    });
  });

  it('the cache folder: $VGG_DATA_DIR, else $XDG_CACHE_HOME/vgg-ts/datasets', () => {
    const saved = [process.env.VGG_DATA_DIR, process.env.XDG_CACHE_HOME];
    try {
      process.env.VGG_DATA_DIR = '/data/sets';
      assert.equal(datasetsCacheDir(), '/data/sets');
      delete process.env.VGG_DATA_DIR;
      process.env.XDG_CACHE_HOME = '/xdg';
      assert.equal(datasetsCacheDir(), '/xdg/vgg-ts/datasets');
    } finally {
      for (const [k, v] of [
        ['VGG_DATA_DIR', saved[0]],
        ['XDG_CACHE_HOME', saved[1]],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
