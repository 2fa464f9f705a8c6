/**
 * `npm run bench`: forward time per image for vgg11 and vgg16 at 224×224 on
 * every available backend, interleaved (A, B, A, B, …) so machine noise hits
 * all of them alike; medians after a warm-up. Options by environment:
 * BENCH_RUNS (timed runs, default 3), BENCH_BATCH (default 1),
 * BENCH_MODELS (default vgg11,vgg16), BENCH_BACKENDS (default all).
 */
import { cpus } from 'node:os';
import { vggBuilders, randn, noGrad, listBackends, withBackend, manualSeed } from '../src/index.js';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const batch = Number(process.env.BENCH_BATCH ?? 1);
const models = (process.env.BENCH_MODELS ?? 'vgg11,vgg16').split(',');
const backends = (process.env.BENCH_BACKENDS?.split(',') ?? listBackends()).filter((b) => listBackends().includes(b));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# vgg-ts forward benchmark\n${cpu}, ${cpus().length} cores, Node ${process.version}, batch ${batch}, 224x224, ${runs} timed runs after 1 warm-up\n`);
console.log('| model | backend | median ms / image | min ms / image | GFLOP/s |');
console.log('|---|---|---:|---:|---:|');
for (const name of models) {
  manualSeed(0);
  const model = vggBuilders[name]({ initWeights: false }).eval();
  const x = randn([batch, 3, 224, 224]);
  const macs = { vgg11: 7.609e9, vgg13: 11.308e9, vgg16: 15.47e9, vgg19: 19.632e9 }[name.replace('_bn', '')] ?? NaN;
  const times = new Map<string, number[]>(backends.map((b) => [b, []]));
  for (let i = 0; i <= runs; i++) {
    for (const b of backends) {
      const t0 = performance.now();
      withBackend(b, () => noGrad(() => model.forward(x)));
      if (i > 0) times.get(b)!.push((performance.now() - t0) / batch);
    }
  }
  for (const [b, ts] of times) {
    const med = median(ts);
    console.log(`| ${name} | ${b} | ${med.toFixed(0)} | ${Math.min(...ts).toFixed(0)} | ${((2 * macs) / (med * 1e6)).toFixed(2)} |`);
  }
}
