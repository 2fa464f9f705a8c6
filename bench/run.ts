/**
 * `npm run bench` (forward part): ms per image for vgg11 and vgg16 at
 * 224×224, batch 1 and 8, for every available backend of this library
 * (`noGrad(() => model.forward(x))` on an eval model, which on the native
 * backend runs through the model's cached inference plan), for the native
 * backend layer by layer, for an inference plan compiled by hand, for
 * onnxruntime-node running the model our exporter wrote (intra-op threads =
 * cores), and for TensorFlow.js on tfjs-backend-wasm (bench/tfjs-wasm.ts).
 * Same random weights and inputs for all; runs are interleaved (A, B, C, A,
 * B, C, …) so machine noise hits everyone alike; medians after a warm-up. Each
 * contender's logits are checked against the plan's (max relative error).
 * The reference backend takes ~10 s per vgg11 image, so it runs batch 1 only,
 * with BENCH_REF_RUNS timed runs and no warm-up (its time is in long loops
 * the JIT optimizes within the first milliseconds).
 *
 * Environment: BENCH_RUNS (default 5), BENCH_REF_RUNS (default 2, 0 skips),
 * BENCH_TFJS_RUNS (default BENCH_RUNS, 0 skips), BENCH_MODELS (default
 * vgg11,vgg16), BENCH_BATCHES (default 1,8). Peak memory: bench/memory.ts.
 */
import { cpus } from 'node:os';
import * as ort from 'onnxruntime-node';
import {
  vggBuilders,
  randn,
  noGrad,
  listBackends,
  withBackend,
  manualSeed,
  exportOnnxBytes,
  compileInferencePlan,
  type VGG,
  type Tensor,
} from '../src/index.js';
import { median, maxRelError } from './stats.js';
import { initTfjsWasm, tfjsVgg, toNhwc, type TfjsVgg } from './tfjs-wasm.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const refRuns = Number(process.env.BENCH_REF_RUNS ?? 2);
const tfjsRuns = Number(process.env.BENCH_TFJS_RUNS ?? runs);
const models = (process.env.BENCH_MODELS ?? 'vgg11,vgg16').split(',');
const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const threads = cpus().length;

const PLAN = 'vgg-ts native plan (fused, prepared weights)';
const ORT = 'onnxruntime-node';
const TFJS = 'tfjs-backend-wasm';

interface Contender {
  name: string;
  /** Which peer column it is, if any. */
  peer?: typeof ORT | typeof TFJS;
  runs: number;
  /** Whether an untimed run comes first. */
  warmUp: boolean;
  /** One forward pass; returns the logits. */
  run(): Promise<Float32Array> | Float32Array;
}

async function contenders(model: VGG, tfModel: TfjsVgg | null, x: Tensor, batch: number): Promise<Contender[]> {
  const list: Contender[] = [];
  for (const b of listBackends()) {
    if (b === 'ref' && (batch !== 1 || refRuns === 0)) continue;
    const ref = b === 'ref';
    list.push({
      name: `vgg-ts ${b} model.forward`,
      runs: ref ? refRuns : runs,
      warmUp: !ref,
      run: () => withBackend(b, () => noGrad(() => model.forward(x))).data,
    });
  }
  if (listBackends().includes('native')) {
    // The body of VGG.forward without its cached plan: what model.forward cost before the cache.
    list.push({
      name: 'vgg-ts native layer by layer',
      runs,
      warmUp: true,
      run: () => withBackend('native', () => noGrad(() => model.head(model.features.forward(x)))).data,
    });
  }
  const plan = compileInferencePlan(model);
  if (plan) list.push({ name: PLAN, runs, warmUp: true, run: () => plan.run(x.data, batch, 224, 224).data });
  const session = await ort.InferenceSession.create(
    exportOnnxBytes(model, { inputShape: [batch, 3, 224, 224], dynamicBatch: true }),
    {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    },
  );
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, [...x.shape]) };
  list.push({
    name: `${ORT} ${ort.env.versions.common}`,
    peer: ORT,
    runs,
    warmUp: true,
    run: async () => (await session.run(feeds))[session.outputNames[0]].data as Float32Array,
  });
  if (tfModel) {
    const xt = toNhwc(x.data, x.shape);
    list.push({ name: TFJS, peer: TFJS, runs: tfjsRuns, warmUp: true, run: () => tfModel.run(xt) });
  }
  return list;
}

async function main(): Promise<void> {
  const tfjs = tfjsRuns > 0 ? await initTfjsWasm() : null;
  console.log(`# forward, 224×224 — ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} cores, Node ${process.version}`);
  console.log(
    `medians of ${runs} interleaved timed runs after 1 warm-up (reference backend: ${refRuns}, no warm-up; tfjs: ${tfjsRuns}); ` +
      `${tfjs ?? 'tfjs skipped'}\n`,
  );
  console.log(
    '| model | batch | contender | median ms / image | ÷ onnxruntime | ÷ tfjs-wasm | logits vs plan (max rel. error) |',
  );
  console.log('|---|---:|---|---:|---:|---:|---:|');
  for (const name of models) {
    manualSeed(0);
    const model = vggBuilders[name]().eval();
    const tfModel = tfjs ? tfjsVgg(model) : null;
    for (const batch of batches) {
      const x = randn([batch, 3, 224, 224]);
      const list = await contenders(model, tfModel, x, batch);
      const times = new Map<string, number[]>(list.map((c) => [c.name, []]));
      const logits = new Map<string, Float32Array>();
      for (let i = 0; i <= Math.max(...list.map((c) => c.runs)); i++) {
        for (const c of list) {
          const timed = !c.warmUp || i > 0;
          if (i >= c.runs + (c.warmUp ? 1 : 0)) continue;
          const t0 = performance.now();
          logits.set(c.name, await c.run());
          if (timed) times.get(c.name)!.push((performance.now() - t0) / batch);
        }
      }
      const peerMs = (peer: string): number => {
        const c = list.find((l) => l.peer === peer);
        return c ? median(times.get(c.name)!) : NaN;
      };
      const [ortMs, tfjsMs] = [peerMs(ORT), peerMs(TFJS)];
      const planLogits = logits.get(PLAN);
      for (const c of list) {
        const ms = median(times.get(c.name)!);
        const err = planLogits && c.name !== PLAN ? maxRelError(logits.get(c.name)!, planLogits).toExponential(1) : '';
        const vsTfjs = Number.isNaN(tfjsMs) ? '' : (ms / tfjsMs).toFixed(2);
        console.log(
          `| ${name} | ${batch} | ${c.name} | ${ms.toFixed(1)} | ${(ms / ortMs).toFixed(2)} | ${vsTfjs} | ${err} |`,
        );
      }
    }
    tfModel?.dispose();
  }
}

await main();
