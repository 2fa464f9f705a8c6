/**
 * The page's layer explorer in headless Chromium: main-thread time per layer switch (the long tasks,
 * over 50 ms, between choosing a layer and its grid on screen) for a VGG11 whose conv1_1 gives 64 maps
 * of 224×224, and the time a hover takes to enlarge another channel (one synchronous mousemove).
 * Run: npm run build && node dist/bench/browser-layers.js   (BENCH_RUNS switches, default 8;
 * BENCH_SITE=<dir> serves an already built site instead, e.g. an older build to compare with)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSafetensors } from '../src/io/checkpoint.js';
import { VGG, cfgs, makeLayers } from '../src/models/vgg.js';
import { buildSite } from '../web/build.js';
import { startWebServer } from '../web/serve.js';
import { chromiumMissing, launchChromium } from '../test/helpers/browser.js';
import { median } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 8);
const LAYERS: [string, string][] = [
  ['conv2_1', '128 channels of 112×112'],
  ['conv1_1', '64 channels of 224×224'],
];

if (chromiumMissing) {
  console.log(chromiumMissing);
  process.exit(0);
}
if (!process.env.BENCH_SITE) await buildSite();
const dir = mkdtempSync(join(tmpdir(), 'vgg-bench-layers-'));
const checkpoint = join(dir, 'vgg11-small-head.safetensors');
writeFileSync(
  checkpoint,
  encodeSafetensors(new VGG(makeLayers(cfgs.A), { numClasses: 10, hiddenFeatures: 64 }).stateDict()),
);
const server = await startWebServer({ port: 0, root: process.env.BENCH_SITE });
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.locator('[data-testid=prediction]').first().waitFor({ timeout: 60_000 });
  await page.getByTestId('model-input').setInputFiles(checkpoint);
  await page.locator('#layer-shape').filter({ hasText: '64 channels of 224×224' }).waitFor({ timeout: 120_000 });
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => w.longTasks.push(...list.getEntries().map((e) => e.duration))).observe({
      type: 'longtask',
    });
  });
  const longest: number[] = [];
  const total: number[] = [];
  const shown: number[] = [];
  for (let i = 0; i < runs; i++) {
    const [layer, shape] = LAYERS[i % LAYERS.length];
    await page.evaluate(() => ((window as unknown as { longTasks: number[] }).longTasks = []));
    const start = performance.now();
    await page.getByTestId('layer-select').selectOption(layer);
    await page.locator('#layer-shape').filter({ hasText: shape }).waitFor({ timeout: 60_000 });
    shown.push(performance.now() - start);
    // Long-task entries arrive after the task ends: give the observer a frame or two.
    await page.waitForTimeout(300);
    const tasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    longest.push(Math.max(0, ...tasks));
    total.push(tasks.reduce((a, b) => a + b, 0));
  }
  // Hover: one mousemove per tile of the first row, each enlarging a new channel, timed synchronously.
  const hover = await page.getByTestId('feature-maps').evaluate((canvas: HTMLCanvasElement) => {
    const box = canvas.getBoundingClientRect();
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const x = box.left + ((i + 0.5) / 8) * box.width;
      const t = performance.now();
      canvas.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: box.top + box.height / 16 }));
      times.push(performance.now() - t);
    }
    return times;
  });
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`layer switches (${LAYERS.map(([l]) => l).join(' <-> ')}), ${runs} runs:`);
  console.log(`  longest main-thread task: ${fmt(longest)}`);
  console.log(`  main-thread long tasks in all: ${fmt(total)}`);
  console.log(`  select to grid shown: ${fmt(shown)}`);
  console.log(`hover to a new channel (one mousemove): median ${median(hover).toFixed(2)} ms`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true });
}
