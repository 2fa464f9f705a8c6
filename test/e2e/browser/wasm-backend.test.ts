/**
 * The WebAssembly backend in headless Chromium, loaded as a page would (load-browser.ts: build chosen by
 * feature probes, .wasm fetched by URL, Web Worker threads on a shared memory): inside a Worker of a
 * cross-origin isolated page it runs threaded; on a page without isolation, or on the page's main thread,
 * it runs on one thread and says why. Everywhere its kernels and a small VGG's logits match the
 * reference backend's, on the relaxed-SIMD build and on the plain SIMD128 one. One browser for the file.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { relError } from '../../helpers/golden.js';
import { repoRoot } from '../../helpers/paths.js';
import type { WasmCheckReport, WasmCheckRequest } from './wasm-checks.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium): skipped`;

/** Kernel outputs within 1e-5 of the reference (as test/backend/wasm), logits within 1e-4. */
const tolerance = (check: string): number => (check.includes('VGG') ? 1e-4 : 1e-5);

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const TYPES: Record<string, string> = { js: 'text/javascript', wasm: 'application/wasm', html: 'text/html' };

/**
 * Until the browser entry's platform split lands, src/backend/registry.ts and models/vgg.ts reach
 * Node-only code; its Node built-ins and Node-only packages are stubbed here (never called in the page:
 * the addon check stops at VGG_NATIVE=0, and no image or download is touched).
 */
const stubNodeBuiltins: Plugin = {
  name: 'stub-node-builtins',
  setup(b) {
    b.onResolve({ filter: /^(node:|sharp$|cli-progress$)/ }, (a) => ({ path: a.path, namespace: 'node-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'node-stub' }, async (a) => {
      const names = a.path.startsWith('node:') ? Object.keys(await import(a.path)) : [];
      const stub =
        'const stub = new Proxy(function () {}, { get: () => stub, apply: () => stub, construct: () => stub });';
      const exports = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      return {
        contents: `${stub}\nexport default stub;\nexport const { ${exports.join(', ')} } = stub;`,
        loader: 'js',
      };
    });
  },
};

/** The page, its scripts (bundled for the browser) and the package's wasm builds, by URL path. */
async function bundleFiles(): Promise<Map<string, Uint8Array>> {
  const here = join(repoRoot, 'test', 'e2e', 'browser');
  const result = await build({
    entryPoints: {
      'wasm-check-page': join(here, 'wasm-check-page.ts'),
      'wasm-check-worker': join(here, 'wasm-check-worker.ts'),
      'worker-web': join(repoRoot, 'src', 'backend', 'wasm', 'worker-web.ts'),
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outdir: '/',
    write: false,
    banner: { js: "globalThis.process ??= { env: { VGG_NATIVE: '0' } };" },
    plugins: [stubNodeBuiltins],
    logLevel: 'warning',
  });
  const files = new Map(result.outputFiles.map((f) => [f.path, f.contents]));
  const html = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">';
  files.set(
    '/index.html',
    new TextEncoder().encode(`${html}<script type="module" src="/wasm-check-page.js"></script>`),
  );
  for (const level of ['relaxed', 'simd', 'scalar']) {
    for (const mt of ['', '-mt']) {
      const name = `vgg-${level}${mt}.wasm`;
      files.set(`/wasm/${name}`, readFileSync(join(repoRoot, 'wasm', 'build', name)));
    }
  }
  return files;
}

/** A loopback server of `files`, with the isolation headers when `isolated`. */
async function serve(files: Map<string, Uint8Array>, isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const body = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!body) return void res.writeHead(404).end();
    const type = TYPES[(req.url ?? '').split('.').pop() ?? ''] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, ...(isolated ? ISOLATION : {}) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The page's wasmChecks.inWorker and .onMainThread. */
type CheckIn = (req: WasmCheckRequest) => Promise<WasmCheckReport>;

function assertMatchesReference(report: WasmCheckReport): void {
  const checks = Object.entries(report.results);
  assert.ok(checks.length >= 11, `only ${checks.length} checks ran`);
  for (const [check, { wasm, ref }] of checks) {
    const err = relError(wasm, ref);
    assert.ok(err <= tolerance(check), `${check} on the ${report.build} build: relative error ${err} vs ref`);
  }
}

describe('wasm backend in Chromium', { skip }, () => {
  let browser: Browser;
  let isolated: { server: Server; url: string };
  let open: { server: Server; url: string };
  const pageErrors: string[] = [];

  async function pageAt(url: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
    await page.goto(`${url}index.html`);
    await page
      .waitForFunction(() => 'wasmChecks' in globalThis, undefined, { timeout: 10_000 })
      .catch((e: Error) => assert.fail(`the page's script did not start: ${e.message} ${pageErrors.join('; ')}`));
    return page;
  }

  function run(page: Page, where: 'inWorker' | 'onMainThread', req: WasmCheckRequest): Promise<WasmCheckReport> {
    return page.evaluate(
      ([w, r]) => (globalThis as unknown as { wasmChecks: Record<typeof where, CheckIn> }).wasmChecks[w](r),
      [where, req] as const,
    );
  }

  before(async () => {
    const files = await bundleFiles();
    [isolated, open] = await Promise.all([serve(files, true), serve(files, false)]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    for (const s of [isolated, open]) s?.server.close();
  });

  it('inside a Worker of an isolated page: 3 threads, relaxed and plain SIMD builds match ref', async () => {
    const page = await pageAt(isolated.url);
    assert.equal(
      await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated),
      true,
    );
    const simd = await run(page, 'inWorker', { simd: 'simd', threads: 3 });
    assert.equal(simd.build, 'simd');
    assert.deepEqual([simd.threads, simd.readyThreads, simd.singleThreadReason], [3, 3, null]);
    assertMatchesReference(simd);
    if (!simd.relaxedSimd) return void console.log('# this Chromium has no relaxed SIMD: only the SIMD128 build ran');
    const relaxed = await run(page, 'inWorker', { threads: 3 });
    assert.equal(relaxed.build, 'relaxed');
    assert.deepEqual([relaxed.threads, relaxed.readyThreads], [3, 3]);
    assertMatchesReference(relaxed);
    await page.close();
  });

  it('inside a Worker of a page that is not isolated: one thread, saying why, and the same results', async () => {
    const page = await pageAt(open.url);
    const report = await run(page, 'inWorker', { threads: 3 });
    assert.equal(report.threads, 1);
    assert.match(report.singleThreadReason ?? '', /not cross-origin isolated/);
    assertMatchesReference(report);
    await page.close();
  });

  it("on an isolated page's main thread: one thread (Atomics.wait is forbidden there), and the same results", async () => {
    const page = await pageAt(isolated.url);
    const report = await run(page, 'onMainThread', { threads: 3 });
    assert.equal(report.threads, 1);
    assert.match(report.singleThreadReason ?? '', /main thread/);
    assertMatchesReference(report);
    const missing = await page.evaluate(() =>
      (
        globalThis as unknown as { wasmChecks: { loadFromMissingFolder(): Promise<string> } }
      ).wasmChecks.loadFromMissingFolder(),
    );
    assert.match(missing, /^WasmFetchError: .*\/missing\/vgg-relaxed\.wasm: HTTP 404 .*wasmBaseUrl/);
    assert.deepEqual(
      pageErrors.filter((e) => !e.includes('404')),
      [],
    );
    await page.close();
  });
});
