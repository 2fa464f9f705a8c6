/**
 * Pages for the WebAssembly backend in headless Debian Chromium (tests and bench/browser.ts): scripts
 * bundled in memory as a bundler would (esbuild, platform 'browser', ES modules), the package's .wasm
 * builds, and a loopback server of them, cross-origin isolated or not.
 *
 * Until the browser entry's platform split lands, src/backend/registry.ts and models/vgg.ts reach
 * Node-only code; its Node built-ins and Node-only packages are stubbed here (never called in a page:
 * the addon check stops at VGG_NATIVE=0, and no image or download is touched).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { wasmBuildName, type WasmSimdLevel } from '../../src/backend/wasm/features.js';
import { repoRoot } from './paths.js';

export const CHROMIUM = '/usr/bin/chromium';

/** A skip reason when there is no Chromium to drive, else false. */
export const chromiumMissing: string | false = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM} (apt-get install -y chromium): skipped`;

/** Headless Chromium with a fresh temporary profile (Playwright's default) and no background traffic. */
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

const stubNodeOnly: Plugin = {
  name: 'stub-node-only',
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

/** Each entry (output name -> source path) bundled, by URL path ('/<name>.js'). */
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
    banner: { js: "globalThis.process ??= { env: { VGG_NATIVE: '0' } };" },
    plugins: [stubNodeOnly],
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

const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const TYPES: Record<string, string> = {
  js: 'text/javascript',
  mjs: 'text/javascript',
  wasm: 'application/wasm',
  html: 'text/html',
};

export interface FileServer {
  url: string;
  server: Server;
}

/** A loopback server of `files` (by URL path), with COOP same-origin + COEP require-corp when `isolated`. */
export async function serveFiles(files: Map<string, Uint8Array>, isolated: boolean): Promise<FileServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const body = files.get(path);
    if (!body) return void res.writeHead(404).end();
    const type = TYPES[path.split('.').pop() ?? ''] ?? 'application/octet-stream';
    res.writeHead(200, { 'Content-Type': type, ...(isolated ? ISOLATION : {}) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** A blank page that loads `script` as a module. */
export function pageHtml(script?: string): Uint8Array {
  const tag = script ? `<script type="module" src="${script}"></script>` : '';
  return new TextEncoder().encode(`<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${tag}`);
}
