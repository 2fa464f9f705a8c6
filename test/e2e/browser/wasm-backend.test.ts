/**
 * The WebAssembly backend in headless Chromium, loaded as a page would (load-browser.ts: build chosen by
 * feature probes, .wasm fetched by URL, Web Worker threads on a shared memory): inside a Worker of a
 * cross-origin isolated page it runs threaded; on a page without isolation, or on the page's main thread,
 * it runs on one thread and says why. Everywhere its kernels and a small VGG's logits match the
 * reference backend's, on the relaxed-SIMD build and on the plain SIMD128 one. One browser for the file.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { WebServer } from '../../../web/serve.js';
import {
  bundleForBrowser,
  chromiumMissing,
  launchChromium,
  pageHtml,
  serveFiles,
  wasmBuildFiles,
} from '../../helpers/browser.js';
import { relError } from '../../helpers/golden.js';
import { repoRoot } from '../../helpers/paths.js';
import type { WasmCheckReport, WasmCheckRequest } from './wasm-checks.js';

/** Kernel outputs within 1e-5 of the reference (as test/backend/wasm), logits within 1e-4. */
const tolerance = (check: string): number => (check.includes('VGG') ? 1e-4 : 1e-5);

/** The page, its scripts (bundled for the browser) and the package's wasm builds, by URL path. */
async function checkPageFiles(): Promise<Map<string, Uint8Array>> {
  const here = join(repoRoot, 'dist', 'test', 'e2e', 'browser');
  const files = await bundleForBrowser({
    'wasm-check-page': join(here, 'wasm-check-page.js'),
    'wasm-check-worker': join(here, 'wasm-check-worker.js'),
    'worker-web': join(repoRoot, 'dist', 'src', 'backend', 'wasm', 'worker-web.js'),
  });
  files.set('/index.html', pageHtml('/wasm-check-page.js'));
  return new Map([...files, ...wasmBuildFiles()]);
}

/** The page's wasmChecks.inWorker and .onMainThread. */
type CheckIn = (req: WasmCheckRequest) => Promise<WasmCheckReport>;

function assertMatchesReference(report: WasmCheckReport): void {
  const checks = Object.entries(report.results);
  assert.ok(checks.length >= 12, `only ${checks.length} checks ran`);
  for (const [check, { wasm, ref }] of checks) {
    const err = relError(wasm, ref);
    assert.ok(err <= tolerance(check), `${check} on the ${report.build} build: relative error ${err} vs ref`);
  }
}

describe('wasm backend in Chromium', { skip: chromiumMissing }, () => {
  let browser: Browser;
  let isolated: WebServer;
  let open: WebServer;
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
    const files = await checkPageFiles();
    [isolated, open] = await Promise.all([serveFiles(files, true), serveFiles(files, false)]);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await Promise.all([isolated?.close(), open?.close()]);
  });

  it('inside a Worker of an isolated page: 3 threads, both SIMD builds match ref; no worker script: WasmFetchError', async () => {
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
    await assert.rejects(
      run(page, 'inWorker', { threads: 3, workerUrl: '/missing-worker.js' }),
      /WasmFetchError: .*missing-worker\.js: wasm worker 1: .*workerUrl/,
    );
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
