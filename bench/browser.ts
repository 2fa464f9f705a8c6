/**
 * `npm run bench:browser`: VGG16 at batch 1 (224×224) in headless Chromium as an inference plan on
 * the WebAssembly backend beside onnxruntime-web's wasm execution provider running the same weights, exported
 * by exportOnnxBytes; at 1 and 2 threads, each thread count in its own Web Worker of one cross-origin
 * isolated page (bench/browser-worker.ts). Runs interleaved, medians after a warm-up.
 *
 * Environment: BENCH_RUNS (default 5).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { exportOnnxBytes } from '../src/io/onnx.js';
import { vggBuilders } from '../src/models/vgg.js';
import { manualSeed } from '../src/tensor/rng.js';
import { repoRoot } from '../test/helpers/paths.js';
import {
  bundleForBrowser,
  chromiumMissing,
  launchChromium,
  pageHtml,
  serveFiles,
  wasmBuildFiles,
} from '../test/helpers/browser.js';
import type { BenchReply, BenchRequest, Engine } from './browser-worker.js';
import { maxRelError, median } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const SEED = 16;
const THREADS = [1, 2];
const ENGINES: Engine[] = ['vgg-ts plan', 'onnxruntime-web'];
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

/** The page's Worker, as the functions evaluated in the page see it (the project compiles without the DOM library). */
interface PageWorker {
  onmessage: ((event: { data: BenchReply }) => void) | null;
  postMessage(message: BenchRequest): void;
}
declare const Worker: new (url: string, options: { type: 'module' }) => PageWorker;

async function pageFiles(): Promise<Map<string, Uint8Array>> {
  const files = await bundleForBrowser({
    'browser-worker': join(repoRoot, 'dist', 'bench', 'browser-worker.js'),
    'worker-web': join(repoRoot, 'dist', 'src', 'backend', 'wasm', 'worker-web.js'),
  });
  files.set('/index.html', pageHtml());
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));
  for (const name of ORT_FILES) files.set(`/ort/${name}`, readFileSync(join(ortDist, name)));
  manualSeed(SEED);
  files.set('/vgg16.onnx', exportOnnxBytes(vggBuilders.vgg16().eval()));
  return new Map([...files, ...wasmBuildFiles()]);
}

/** Sends `req` to the page's worker for `threads` and waits for its reply. */
async function ask(page: Page, threads: number, req: BenchRequest): Promise<BenchReply> {
  const reply = await page.evaluate(
    ([t, r]) =>
      new Promise<BenchReply>((resolve) => {
        const worker = (globalThis as unknown as { benchWorkers: Record<number, PageWorker> }).benchWorkers[t];
        worker.onmessage = (e) => resolve(e.data);
        worker.postMessage(r);
      }),
    [threads, req] as const,
  );
  if (reply.error) throw new Error(`bench worker (${threads} threads): ${reply.error}`);
  return reply;
}

async function main(): Promise<void> {
  if (chromiumMissing) return void console.log(chromiumMissing);
  const server = await serveFiles(await pageFiles(), true);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}index.html`);
    await page.evaluate((ts) => {
      const workers = ts.map((t) => [t, new Worker('/browser-worker.js', { type: 'module' })]);
      Object.assign(globalThis, { benchWorkers: Object.fromEntries(workers) });
    }, THREADS);
    const times = new Map<string, number[]>();
    const logits = new Map<string, Float32Array>();
    for (const threads of THREADS) {
      const init = { kind: 'init', threads, seed: SEED, ortModule: '/ort/ort.wasm.min.mjs', onnxUrl: '/vgg16.onnx' };
      const { threads: ready } = await ask(page, threads, init as BenchRequest);
      if (ready !== threads) throw new Error(`the wasm backend started ${ready} of ${threads} threads`);
      for (const engine of ENGINES) {
        const reply = await ask(page, threads, { kind: engine });
        logits.set(`${engine} ${threads}`, Float32Array.from(reply.logits ?? []));
      }
    }
    for (let r = 0; r < runs; r++) {
      for (const threads of THREADS) {
        for (const engine of r % 2 ? [...ENGINES].reverse() : ENGINES) {
          const key = `${engine} ${threads}`;
          times.set(key, [...(times.get(key) ?? []), (await ask(page, threads, { kind: engine })).ms ?? NaN]);
        }
      }
    }
    console.log(`\n# VGG16, batch 1, 224×224, in headless Chromium ${browser.version()} (Web Workers, isolated page)`);
    console.log(`# medians of ${runs} interleaved runs after a warm-up\n`);
    console.log(
      '| threads | vgg-ts wasm plan (ms) | onnxruntime-web wasm (ms) | vgg-ts ÷ ort | logits max rel. error |',
    );
    console.log('|---|---|---|---|---|');
    for (const t of THREADS) {
      const [ours, ort] = ENGINES.map((e) => median(times.get(`${e} ${t}`) ?? []));
      const err = maxRelError(logits.get(`vgg-ts plan ${t}`)!, logits.get(`onnxruntime-web ${t}`)!);
      console.log(
        `| ${t} | ${ours.toFixed(0)} | ${ort.toFixed(0)} | ${(ours / ort).toFixed(2)} | ${err.toExponential(1)} |`,
      );
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
