/**
 * VGG16 inference speed: the prepared native plan vs the layer-by-layer
 * native backend vs onnxruntime-node, interleaved in one process (plan, layer,
 * ort, then layer, ort, plan, …) so that load from other processes hits all of
 * them alike; medians after a warm-up. Not a test (no `.test` in the name):
 *
 *   npx tsc -p tsconfig.json && node dist/test/native/plan-bench.js
 *
 * Environment: BENCH_BATCHES (default "1,8"), BENCH_RUNS (timed runs per
 * method, default 7), BENCH_MODES (default "plan,layer,ort"), BENCH_SIZE
 * (default 224), BENCH_PROFILE=1 (per-op times of the plan at each batch).
 */
import { cpus, loadavg } from 'node:os';
import * as ort from 'onnxruntime-node';
import { compileInferencePlanOrThrow } from '../../src/models/plan.js';
import { withBackend } from '../../src/backend/registry.js';
import { noGrad } from '../../src/tensor/autograd.js';
import { randn } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/rng.js';
import { Conv2d } from '../../src/nn/layers/conv.js';
import { vgg16 } from '../../src/models/vgg.js';
import { exportOnnxBytes } from '../../src/io/onnx.js';
import { maxRelError, median } from '../../bench/stats.js';

const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const runs = Number(process.env.BENCH_RUNS ?? 7);
const modes = (process.env.BENCH_MODES ?? 'plan,layer,ort').split(',');
const size = Number(process.env.BENCH_SIZE ?? 224);

// Fast to build: PyTorch's default init (no normal draws for 138 M weights),
// conv weights scaled to He variance so activations keep their size.
const model = vgg16({ initWeights: false }).eval();
for (const m of model.modules())
  if (m instanceof Conv2d)
    m.weight.data.forEach((v, i, w) => {
      w[i] = v * Math.sqrt(6);
    });

const t0 = performance.now();
const plan = compileInferencePlanOrThrow(model);
const compileMs = performance.now() - t0;
const maxBatch = Math.max(...batches);
const session = modes.includes('ort')
  ? await ort.InferenceSession.create(
      exportOnnxBytes(model, { inputShape: [maxBatch, 3, size, size], dynamicBatch: true }),
      {
        intraOpNumThreads: 2,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      },
    )
  : null;

console.log(
  `# VGG16 ${size}x${size}: inference plan vs layer-by-layer native vs onnxruntime-node ${ort.env.versions.common}`,
);
console.log(
  `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}; plan compiled in ${compileMs.toFixed(0)} ms`,
);
console.log(
  `load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}; ${runs} timed runs per method after 1 warm-up, interleaved\n`,
);
console.log('| batch | method | median ms / image | min ms / image | vs ort |');
console.log('|---:|---|---:|---:|---:|');

for (const batch of batches) {
  const x = randn([batch, 3, size, size], { generator: new Generator(batch) });
  const feeds = session ? { [session.inputNames[0]]: new ort.Tensor('float32', x.data, [batch, 3, size, size]) } : {};
  const fns: Record<string, () => Promise<Float32Array>> = {
    plan: async () => plan.run(x.data, batch, size, size).data,
    layer: async () => withBackend('native', () => noGrad(() => model.forward(x))).data,
    ort: async () => (await session!.run(feeds))[session!.outputNames[0]].data as Float32Array,
  };
  const times = new Map<string, number[]>(modes.map((m) => [m, []]));
  const outs = new Map<string, Float32Array>();
  for (let i = 0; i <= runs; i++) {
    // Rotate the order each round, so that every method follows every other
    // one equally often (onnxruntime's threads keep spinning for a while
    // after a run, and the layer-by-layer path leaves garbage to collect).
    for (const m of modes.map((_, j) => modes[(i + j) % modes.length])) {
      const start = performance.now();
      outs.set(m, await fns[m]());
      if (i > 0) times.get(m)!.push((performance.now() - start) / batch);
    }
  }
  const ortMed = times.has('ort') ? median(times.get('ort')!) : NaN;
  for (const [m, ts] of times) {
    const med = median(ts);
    const ratio = Number.isNaN(ortMed) ? '' : (med / ortMed).toFixed(3);
    console.log(`| ${batch} | ${m} | ${med.toFixed(1)} | ${Math.min(...ts).toFixed(1)} | ${ratio} |`);
  }
  for (const m of modes.filter((k) => k !== 'plan' && outs.has(k))) {
    console.log(
      `|  | (plan vs ${m}: max relative difference of the logits ${maxRelError(outs.get('plan')!, outs.get(m)!).toExponential(2)}) | | | |`,
    );
  }
  if (process.env.BENCH_PROFILE === '1') {
    for (const { label, ms } of plan.profile(x.data, batch, size, size))
      console.log(`|  | ${label} | ${(ms / batch).toFixed(2)} | | |`);
  }
}
console.log(
  `\nload average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(' ')}`,
);
plan.dispose();
