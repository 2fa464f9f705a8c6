/**
 * The page in headless Chromium: milliseconds from navigation to the first prediction on screen
 * (fashion_vgg fetched, the worker started, the first sample classified), each run in a fresh
 * browser context so nothing is cached; and the bundle sizes. Target: page ready within 2 s.
 * Run: npm run build && node dist/bench/browser-page.js   (BENCH_RUNS, default 5)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildSite, SITE_DIR } from '../web/build.js';
import { startWebServer } from '../web/serve.js';
import { chromiumMissing, launchChromium } from '../test/helpers/browser.js';
import { median } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);

if (chromiumMissing) {
  console.log(chromiumMissing);
  process.exit(0);
}
await buildSite();
// What the isolated page fetches before its first prediction, besides the HTML, CSS and fashion_vgg.
for (const f of ['app.js', 'worker.js', 'worker-web.js', 'wasm/vgg-relaxed-mt.wasm']) {
  const bytes = readFileSync(join(SITE_DIR, f));
  console.log(
    `${f}: ${(bytes.length / 1024).toFixed(0)} KiB, ${(gzipSync(bytes).length / 1024).toFixed(0)} KiB gzipped`,
  );
}
const server = await startWebServer({ port: 0 });
const browser = await launchChromium();
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const start = performance.now();
  await page.goto(server.url);
  await page.locator('[data-testid=prediction]').first().waitFor({ timeout: 60_000 });
  times.push(performance.now() - start);
  await context.close();
}
await browser.close();
await server.close();
console.log(
  `page ready (first prediction shown): median ${median(times).toFixed(0)} ms over ${runs} fresh contexts (${times.map((t) => t.toFixed(0)).join(', ')})`,
);
