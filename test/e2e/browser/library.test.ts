/**
 * vgg-ts/browser in headless Chromium, bundled as a bundler would (esbuild, platform 'browser'):
 * images decoded by the browser against Pillow's pixels, and checkpoints from a loopback server
 * (progress, sha256 check, Cache API), Files and bytes. One browser for the whole file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startWebServer, type WebServer } from '../../../web/serve.js';
import { chromiumMissing, collectPageErrors, launchChromium, wasmBuildFiles } from '../../helpers/browser.js';
import { fixturePath, repoRoot } from '../../helpers/paths.js';
import { expected } from '../../helpers/images.js';
import { relError } from '../../helpers/golden.js';
import { loadCheckpoint } from '../../../src/io/checkpoint.js';
import { readZip } from '../../../src/io/zip.js';
import { buildRawZip, deflated } from '../../helpers/checkpoints.js';

const FASHION = join(repoRoot, 'models/fashion_vgg.safetensors');

/**
 * How each fixture compares with Pillow in Chromium 156 (test/fixtures/images/generate.py writes Pillow's
 * pixels); everything else decodes to exactly Pillow's bytes: JPEG (baseline, progressive, 4:2:2, grey,
 * EXIF orientations), WebP, PNG (8-bit, 16-bit RGB, palette, alpha) and GIF. Chromium converts CMYK
 * with its own rounding (off by at most 1); Pillow clips 16-bit grey (mode I) to 255 where Chromium
 * scales it; Chromium does not decode TIFF.
 */
const DECODE_RULES: [RegExp, 'exact' | 'within 1' | 'shape only' | 'not decoded'][] = [
  [/^cmyk\.jpg$/, 'within 1'],
  [/^gray16\.png$/, 'shape only'],
  [/\.tiff$/, 'not decoded'],
];

/** Each tensor's key, shape and sum: equal sums in the same order mean equal tensors for these tests. */
function summarize(sd: Map<string, { shape: readonly number[]; data: Float32Array }>): [string, number[], number][] {
  return [...sd].map(([k, t]) => [k, [...t.shape], t.data.reduce((a, v) => a + v, 0)]);
}
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Runs `fn(lib, arg)` in the page, `lib` being the bundled vgg-ts/browser. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bundle is loaded by URL, untyped
function inPage<A, R>(page: Page, fn: (lib: any, arg: A) => Promise<R>, arg: A): Promise<R> {
  return page.evaluate(
    async ([source, a]) => {
      const url = '/lib.js';
      const lib: unknown = await import(url);
      return (new Function(`return (${source})`)() as (l: unknown, x: unknown) => Promise<unknown>)(lib, a);
    },
    [fn.toString(), arg] as const,
  ) as Promise<R>;
}

describe('vgg-ts/browser in Chromium', { skip: chromiumMissing }, () => {
  let root: string;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let fashionName: string;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'vgg-browser-lib-'));
    await build({
      entryPoints: [join(repoRoot, 'dist/src/browser/index.js')],
      outfile: join(root, 'lib.js'),
      bundle: true,
      platform: 'browser',
      format: 'esm',
      logLevel: 'warning',
    });
    writeFileSync(
      join(root, 'index.html'),
      '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>vgg-ts/browser</title>',
    );
    mkdirSync(join(root, 'images'));
    mkdirSync(join(root, 'wasm'));
    for (const key of expected().keys()) {
      const file = key.split('/')[1];
      copyFileSync(fixturePath('images', file), join(root, 'images', file));
    }
    const fashion = readFileSync(FASHION);
    fashionName = `fashion_vgg-${sha256(fashion).slice(0, 8)}.safetensors`;
    writeFileSync(join(root, fashionName), fashion);
    writeFileSync(join(root, 'fashion_vgg-00000000.safetensors'), fashion);
    const zip = readFileSync(fixturePath('checkpoints', 'conv_zip.pt'));
    writeFileSync(
      join(root, 'conv_deflated.pt'),
      buildRawZip(
        [...readZip(zip).values()].map((e) => ({
          name: e.name,
          stored: deflated(e.data()),
          method: 8,
          plain: e.data(),
        })),
      ),
    );
    for (const [path, bytes] of wasmBuildFiles()) writeFileSync(join(root, path), bytes);
    server = await startWebServer({ root, port: 0 });
    browser = await launchChromium();
    page = await browser.newPage();
    errors = collectPageErrors(page);
    await page.goto(`${server.url}index.html`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('images: Chromium decodes like Pillow, except where a canvas or a format cannot', async () => {
    const files = [...expected().keys()].filter((k) => k.startsWith('decode/')).map((k) => k.slice('decode/'.length));
    const decoded = await inPage(
      page,
      async (lib, names: string[]) => {
        const out: Record<string, { shape: number[]; bytes: number[] } | { error: string }> = {};
        for (const n of names) {
          try {
            const t = await lib.readImage(`images/${n}`);
            out[n] = { shape: t.shape, bytes: Array.from(t.data as Float32Array, (v) => Math.round(v * 255)) };
          } catch (e) {
            out[n] = { error: (e as Error).name };
          }
        }
        return out;
      },
      files,
    );
    for (const file of files) {
      const got = decoded[file];
      const rule = DECODE_RULES.find(([pattern]) => pattern.test(file))?.[1] ?? 'exact';
      if (rule === 'not decoded') {
        assert.deepEqual(got, { error: 'ImageDecodeError' }, file);
        continue;
      }
      assert.ok('shape' in got, `${file}: ${JSON.stringify(got)}`);
      const want = expected().get(`decode/${file}`)!;
      const [, H, W] = got.shape;
      assert.deepEqual([H, W, 3], want.shape, file);
      if (rule === 'shape only') continue;
      let max = 0;
      for (let i = 0; i < H * W; i++)
        for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(got.bytes[c * H * W + i] - want.data[i * 3 + c]));
      assert.ok(max <= (rule === 'within 1' ? 1 : 0), `${file}: differs from Pillow by up to ${max}/255`);
    }
  });

  test('checkpoints by URL: progress, sha256 from the file name, then from the Cache API', async () => {
    const want = summarize(await loadCheckpoint(FASHION));
    const first = await inPage(
      page,
      async (lib, url: string) => {
        const calls: [number, number | undefined][] = [];
        const sd: Map<string, { shape: number[]; data: Float32Array }> = await lib.loadCheckpoint(url, {
          onProgress: (r: number, t: number | undefined) => calls.push([r, t]),
        });
        const sums = [...sd].map(([k, t]) => [k, t.shape, t.data.reduce((a, v) => a + v, 0)]);
        return { calls, sums, cached: (await (await caches.open(lib.CHECKPOINT_CACHE)).keys()).length };
      },
      fashionName,
    );
    assert.deepEqual(first.sums, want);
    assert.ok(first.calls.length >= 1);
    const size = readFileSync(FASHION).length;
    assert.deepEqual(first.calls.at(-1), [size, size]);
    assert.equal(first.cached, 1);
    rmSync(join(root, fashionName)); // a second visit must not need the server
    const again = await inPage(
      page,
      async (lib, url: string) => {
        const sd: Map<string, { shape: number[]; data: Float32Array }> = await lib.loadCheckpoint(url);
        return [...sd].map(([k, t]) => [k, t.shape, t.data.reduce((a, v) => a + v, 0)]);
      },
      fashionName,
    );
    assert.deepEqual(again, want);
  });

  test('checkpoints by URL: a wrong sha256 prefix and a missing file are typed errors', async () => {
    const failures = await inPage(
      page,
      async (lib, urls: string[]) => {
        const out: string[] = [];
        for (const url of urls) {
          try {
            await lib.fetchCheckpoint(url, { cache: null });
            out.push('loaded');
          } catch (e) {
            out.push(`${(e as Error).name}: ${(e as Error).message}`);
          }
        }
        return out;
      },
      ['fashion_vgg-00000000.safetensors', 'missing-12345678.pth'],
    );
    assert.match(failures[0], /^HashMismatchError: .*expected sha256 starting with "00000000"/);
    assert.match(failures[1], /^HttpStatusError: .*HTTP 404/);
  });

  test('checkpoints from a File, an ArrayBuffer and a deflated zip read as in Node', async () => {
    const fashion = summarize(await loadCheckpoint(FASHION));
    const conv = summarize(await loadCheckpoint(fixturePath('checkpoints', 'conv_zip.pt')));
    const got = await inPage(
      page,
      async (lib, urls: string[]) => {
        const sums = (sd: Map<string, { shape: number[]; data: Float32Array }>) =>
          [...sd].map(([k, t]) => [k, t.shape, t.data.reduce((a, v) => a + v, 0)]);
        const [fashionBytes, deflatedBytes] = await Promise.all(urls.map(async (u) => (await fetch(u)).arrayBuffer()));
        return {
          file: sums(await lib.loadCheckpoint(new File([fashionBytes], 'fashion_vgg.safetensors'))),
          buffer: sums(await lib.loadCheckpoint(fashionBytes)),
          deflated: sums(await lib.loadCheckpoint(new Uint8Array(deflatedBytes))),
        };
      },
      ['fashion_vgg-00000000.safetensors', 'conv_deflated.pt'],
    );
    assert.deepEqual(got.file, fashion);
    assert.deepEqual(got.buffer, fashion);
    assert.deepEqual(got.deflated, conv);
  });

  test('initBrowserBackend: ref with the reason when the wasm builds are missing, then wasm from wasmBaseUrl', async () => {
    const [missing, loaded, logits] = await inPage(
      page,
      async (lib) => {
        const missing = await lib.initBrowserBackend({ wasmBaseUrl: '/no-such-folder/' });
        const loaded = await lib.initBrowserBackend({ wasmBaseUrl: '/wasm/', threads: 2 });
        const model = lib.vgg11({ numClasses: 3, hiddenFeatures: 32, poolSize: 1 }).eval();
        const x = lib.randn([1, 3, 32, 32]);
        const onWasm = lib.noGrad(() => model.forward(x)).data as Float32Array;
        const onRef = lib.withBackend('ref', () => lib.noGrad(() => model.forward(x))).data as Float32Array;
        return [missing, loaded, [Array.from(onWasm), Array.from(onRef)]];
      },
      null,
    );
    assert.equal(missing.name, 'ref');
    assert.equal(missing.threads, 1);
    assert.match(
      missing.singleThreadReason,
      /did not load .*WebAssembly backend could not load .*no-such-folder.*HTTP 404/,
    );
    assert.equal(loaded.name, 'wasm');
    assert.equal(loaded.threads, 1);
    assert.match(loaded.singleThreadReason, /main thread/);
    assert.equal(loaded.crossOriginIsolated, true);
    const [onWasm, onRef] = logits;
    assert.ok(relError(onWasm, onRef) <= 1e-4, `wasm logits ${onWasm} vs ref ${onRef}`);
  });

  test('no console errors', () => {
    // The 404 of the missing-file test is the one error the page is expected to log.
    assert.deepEqual(
      errors.filter((e) => !e.includes('404')),
      [],
    );
  });
});
