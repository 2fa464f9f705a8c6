/**
 * `npm run bench:scale`: the thread sweep for VGG16 at 224×224, batch 1 and 8,
 * at 1, 2, 4, … threads up to the core count (the core count itself included):
 * the native inference plan (once per instruction set in BENCH_ISAS), the
 * eager `noGrad(() => model.eval().forward(x))` on the native backend,
 * onnxruntime-node on the model our exporter wrote (intra-op threads = T) and
 * PyTorch (Debian's /usr/bin/python3, torch.set_num_threads(T)) when it has
 * torch and torchvision. Our thread count is the addon's pool size
 * (setNumThreads, what VGG_NUM_THREADS sets at start-up).
 *
 * At each point the contenders run interleaved (A, B, C, D, then B, C, D, A,
 * …) so that load from other processes hits all of them alike; medians after
 * one warm-up run; ms per image. The plan's logits are checked against
 * onnxruntime's at every point.
 *
 * Environment: BENCH_RUNS (timed runs per contender and point, default 5),
 * BENCH_BATCHES (default 1,8), BENCH_THREADS (default 1,2,4,… up to the core
 * count), BENCH_ISAS (plan instruction sets, default: the best one; e.g.
 * avx512,avx2), BENCH_MODES (default plan,eager,ort,torch).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import * as ort from 'onnxruntime-node';
import {
  compileInferencePlanOrThrow,
  exportOnnxBytes,
  noGrad,
  randn,
  vgg16,
  withBackend,
  Generator,
  type Tensor,
} from '../src/index.js';
import { loadNativeAddon, type NativeIsa } from '../src/backend/native/index.js';
import { maxRelError, median } from './stats.js';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);
const cores = cpus().length;
const threadCounts = process.env.BENCH_THREADS
  ? process.env.BENCH_THREADS.split(',').map(Number)
  : powersOfTwoUpTo(cores);
const modes = (process.env.BENCH_MODES ?? 'plan,eager,ort,torch').split(',');

function powersOfTwoUpTo(n: number): number[] {
  const out: number[] = [];
  for (let t = 1; t < n; t *= 2) out.push(t);
  out.push(n);
  return out;
}

/** A PyTorch process that answers each line "threads batch" with the ms of one forward pass. */
function startTorch(): { run: (threads: number, batch: number) => Promise<number>; close: () => void } | null {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision; print(torch.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.status !== 0) return null;
  const script = `
import sys, time, torch, torchvision
torch.manual_seed(0)
m = torchvision.models.vgg16().eval()
xs = {}
for line in sys.stdin:
    t, b = map(int, line.split())
    torch.set_num_threads(t)
    x = xs.setdefault(b, torch.randn(b, 3, 224, 224))
    with torch.no_grad():
        s = time.perf_counter()
        m(x)
        print((time.perf_counter() - s) * 1000, flush=True)
`;
  const proc: ChildProcessWithoutNullStreams = spawn('/usr/bin/python3', ['-c', script]);
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  return {
    run: async (threads, batch) => {
      proc.stdin.write(`${threads} ${batch}\n`);
      return Number((await lines.next()).value);
    },
    close: () => proc.stdin.end(),
  };
}

interface Contender {
  name: string;
  /** One forward pass of the batch on `threads` threads: its ms, and the logits when it has them. */
  run(threads: number): Promise<{ ms: number; out: Float32Array | null }>;
}

/** Times a forward pass that runs in this process. */
async function timed(f: () => Promise<Float32Array> | Float32Array): Promise<{ ms: number; out: Float32Array }> {
  const start = performance.now();
  const out = await f();
  return { ms: performance.now() - start, out };
}

async function main(): Promise<void> {
  const addon = loadNativeAddon();
  if (!addon) throw new Error('bench:scale needs the native addon (node native/build.mjs)');
  const isas = (process.env.BENCH_ISAS ?? addon.getIsa()).split(',') as NativeIsa[];
  const torch = modes.includes('torch') ? startTorch() : null;
  const model = vgg16({ initWeights: false }).eval();
  const plan = compileInferencePlanOrThrow(model);

  console.log(
    `# VGG16 224×224 thread sweep — ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores, ` +
      `ISAs ${addon.availableIsas().join('/')}, Node ${process.version}, onnxruntime-node ${ort.env.versions.common}` +
      (torch ? '' : ', PyTorch not found'),
  );
  console.log(`ms per image, medians of ${runs} interleaved timed runs after 1 warm-up; ratios are ÷ onnxruntime\n`);

  for (const batch of batches) {
    const x: Tensor = randn([batch, 3, 224, 224], { generator: new Generator(batch) });
    const names: string[] = [];
    const rows: string[] = [];
    for (const threads of threadCounts) {
      const session = modes.includes('ort')
        ? await ort.InferenceSession.create(
            exportOnnxBytes(model, { inputShape: [batch, 3, 224, 224], dynamicBatch: true }),
            { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' },
          )
        : null;
      const feeds = session ? { [session.inputNames[0]]: new ort.Tensor('float32', x.data, [...x.shape]) } : {};
      const list: Contender[] = [];
      if (modes.includes('plan'))
        for (const isa of isas)
          list.push({
            name: `plan ${isa}`,
            run: () => {
              addon.setIsa(isa);
              return timed(() => plan.run(x.data, batch, 224, 224).data);
            },
          });
      if (modes.includes('eager'))
        list.push({
          name: 'eager',
          run: () => timed(() => withBackend('native', () => noGrad(() => model.eval().forward(x))).data),
        });
      if (session)
        list.push({
          name: 'onnxruntime',
          run: () => timed(async () => (await session.run(feeds))[session.outputNames[0]].data as Float32Array),
        });
      if (torch) list.push({ name: 'PyTorch', run: async (t) => ({ ms: await torch.run(t, batch), out: null }) });

      const times = new Map<string, number[]>(list.map((c) => [c.name, []]));
      const outs = new Map<string, Float32Array>();
      const isaBefore = addon.getIsa();
      for (let r = 0; r <= runs; r++) {
        for (let j = 0; j < list.length; j++) {
          const c = list[(r + j) % list.length];
          addon.setNumThreads(threads);
          const { ms, out } = await c.run(threads);
          if (out) outs.set(c.name, out);
          if (r > 0) times.get(c.name)!.push(ms / batch);
        }
      }
      addon.setIsa(isaBefore);
      addon.setNumThreads(0);
      await session?.release();

      const ortMs = times.has('onnxruntime') ? median(times.get('onnxruntime')!) : NaN;
      const cells = list.map((c) => {
        const ms = median(times.get(c.name)!);
        return Number.isNaN(ortMs) || c.name === 'onnxruntime'
          ? ms.toFixed(1)
          : `${ms.toFixed(1)} (${(ms / ortMs).toFixed(2)}×)`;
      });
      if (!names.length) names.push(...list.map((c) => c.name));
      const checks = [...outs]
        .filter(([name]) => name.startsWith('plan') && outs.has('onnxruntime'))
        .map(([name, out]) => `${name} ${maxRelError(out, outs.get('onnxruntime')!).toExponential(1)}`);
      rows.push(`| ${threads} | ${cells.join(' | ')} | ${checks.join(', ')} |`);
    }
    console.log(`## batch ${batch}\n`);
    console.log(`| threads | ${names.join(' | ')} | logits vs onnxruntime (max rel. error) |`);
    console.log(`|---:|${names.map(() => '---:|').join('')}---|`);
    for (const row of rows) console.log(row);
    console.log('');
  }
  torch?.close();
  plan.dispose();
}

await main();
