/**
 * Headless Debian Chromium for the browser tests and bench/browser*.ts (Playwright's own browser download
 * cannot run here), and pages for it: scripts bundled in memory as a bundler would (esbuild, platform
 * 'browser', ES modules), the package's .wasm builds, served on loopback by web/serve.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { wasmBuildName, type WasmSimdLevel } from '../../src/backend/wasm/features.js';
import { startWebServer, type WebServer } from '../../web/serve.js';
import { repoRoot } from './paths.js';

export const CHROMIUM = process.env.VGG_CHROMIUM ?? '/usr/bin/chromium';

/** A skip reason when there is no Chromium to drive, else false. */
export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set VGG_CHROMIUM): browser tests skipped`;

/** One headless Chromium with a fresh temporary profile; close it when the suite ends. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** Console errors and uncaught exceptions of a page, from the moment this is called. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return errors;
}

/**
 * Each entry (output name -> path) bundled for the browser, by URL path ('/<name>.js'). Give the compiled
 * dist/ modules, not the .ts sources: `#platform/*` resolves into dist/, so a bundle of the sources would
 * hold two copies of every module both reach (two backend registries among them).
 */
export async function bundleForBrowser(
  entryPoints: Record<string, string>,
  external: string[] = [],
): Promise<Map<string, Uint8Array>> {
  const result = await build({
    entryPoints,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    outdir: '/',
    write: false,
    external,
    logLevel: 'warning',
  });
  return new Map(result.outputFiles.map((f) => [f.path, f.contents]));
}

/** Every build of wasm/build (npm run build:wasm), by URL path '/wasm/<file>'. */
export function wasmBuildFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const level of ['relaxed', 'simd', 'scalar'] as WasmSimdLevel[]) {
    for (const name of [wasmBuildName(level, false), wasmBuildName(level, true)]) {
      files.set(`/wasm/${name}`, readFileSync(join(repoRoot, 'wasm', 'build', name)));
    }
  }
  return files;
}

/**
 * `files` (by URL path) served on loopback as `npm run web` serves the page, cross-origin isolated or not;
 * close() also removes the temporary folder they are written to.
 */
export async function serveFiles(files: Map<string, Uint8Array>, isolated: boolean): Promise<WebServer> {
  const root = mkdtempSync(join(tmpdir(), 'vgg-browser-'));
  for (const [path, body] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
  }
  const server = await startWebServer({ root, port: 0, isolated });
  return {
    url: server.url,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A blank page that loads `script` as a module. */
export function pageHtml(script?: string): Uint8Array {
  const tag = script ? `<script type="module" src="${script}"></script>` : '';
  return new TextEncoder().encode(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${tag}`);
}
