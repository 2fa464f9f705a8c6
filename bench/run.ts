/**
 * `npm run bench` (forward part): ms per image for vgg11 and vgg16 at
 * 224×224, batch 1 and 8, for every available backend of this library and
 * for onnxruntime-node running the model our exporter wrote (intra-op threads
 * = cores). Same random weights and inputs for all; runs are interleaved
 * (A, B, C, A, B, C, …) so machine noise hits everyone alike; medians after a
 * warm-up. The reference backend takes ~10 s per vgg11 image, so it runs
 * batch 1 only, with BENCH_REF_RUNS timed runs.
 *
 * Environment: BENCH_RUNS (default 5), BENCH_REF_RUNS (default 2, 0 skips),
 * BENCH_MODELS (default vgg11,vgg16), BENCH_BATCHES (default 1,8).
 */
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import { vggBuilders, randn, noGrad, listBackends, withBackend, manualSeed, exportOnnxBytes, compileInferencePlan, type VGG, type Tensor } from '../src/index.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const refRuns = Number(process.env.BENCH_REF_RUNS ?? 2);
const models = (process.env.BENCH_MODELS ?? 'vgg11,vgg16').split(',');
const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const threads = cpus().length;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Contender {
  name: string;
  runs: number;
  run(): Promise<void> | void;
}

const MiB = 2 ** 20;
const memoryNotes: string[] = [];

async function contenders(model: VGG, x: Tensor, batch: number): Promise<Contender[]> {
  const list: Contender[] = [];
  for (const b of listBackends()) {
    if (b === 'ref' && (batch !== 1 || refRuns === 0)) continue;
    list.push({ name: `vgg-ts ${b}`, runs: b === 'ref' ? refRuns : runs, run: () => { withBackend(b, () => noGrad(() => model.forward(x))); } });
  }
  const plan = compileInferencePlan(model);
  if (plan) {
    const weights = [...model.parameters()].reduce((n, p) => n + p.numel * 4, 0);
    memoryNotes.push(`${model.architecture()?.cfg.filter((v) => v !== 'M').length ?? '?'} convs, batch ${batch}: model weights ${(weights / MiB).toFixed(0)} MiB, ` +
      `plan prepared weights ${(plan.weightBytes / MiB).toFixed(0)} MiB, one activation ${((batch * 64 * 224 * 224 * 4) / MiB).toFixed(0)} MiB (largest map), ` +
      `process peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  }
  if (plan) list.push({ name: 'vgg-ts native plan (fused, prepared weights)', runs, run: () => { plan.run(x.data, batch, 224, 224); } });
  const session = await ort.InferenceSession.create(exportOnnxBytes(model, { inputShape: [batch, 3, 224, 224], dynamicBatch: true }), {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential',
  });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, [...x.shape]) };
  list.push({ name: `onnxruntime-node ${ort.env.versions.common}`, runs, run: async () => { await session.run(feeds); } });
  return list;
}

async function main(): Promise<void> {
  console.log(`# forward, 224×224 — ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} cores, Node ${process.version}`);
  console.log(`medians of ${runs} interleaved timed runs after 1 warm-up (reference backend: ${refRuns})\n`);
  console.log('| model | batch | contender | median ms / image | ÷ onnxruntime |');
  console.log('|---|---:|---|---:|---:|');
  for (const name of models) {
    manualSeed(0);
    const model = vggBuilders[name]().eval();
    for (const batch of batches) {
      const x = randn([batch, 3, 224, 224]);
      const list = await contenders(model, x, batch);
      const times = new Map<string, number[]>(list.map((c) => [c.name, []]));
      for (let i = 0; i <= runs; i++) {
        for (const c of list) {
          if (i > c.runs) continue;
          const t0 = performance.now();
          await c.run();
          if (i > 0) times.get(c.name)!.push((performance.now() - t0) / batch);
        }
      }
      const ortMs = median(times.get(list[list.length - 1].name)!);
      for (const c of list) {
        const ms = median(times.get(c.name)!);
        console.log(`| ${name} | ${batch} | ${c.name} | ${ms.toFixed(1)} | ${(ms / ortMs).toFixed(2)} |`);
      }
    }
  }
  console.log(`\nmemory:\n${memoryNotes.map((m) => `- ${m}`).join('\n')}`);
}

if (process.argv[1]?.endsWith('run.js')) await main();
