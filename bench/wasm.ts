/**
 * The WebAssembly backend's speed (`node dist/bench/wasm.js`):
 * 1. its GEMM (packed panels, 4×8 register tile) on one thread, warm, in GFLOP/s, beside the peak of
 *    a loop of independent f32x4 multiply-adds compiled the same way (AssemblyScript), for the plain
 *    SIMD128 build (mul + add) and the relaxed-SIMD build (fused multiply-add);
 * 2. VGG16 at batch 1, 224×224, eager (noGrad forward, layer by layer) and as an inference plan,
 *    at 1 and 2 threads, beside onnxruntime-web (its WebAssembly execution provider, 2 threads, on
 *    the model our ONNX exporter writes) and tfjs-backend-wasm (one thread: its threaded build does
 *    not run under Node); interleaved runs, medians after a warm-up;
 * 3. the same at batch 8: the plan at 2 threads beside both peers.
 * Node 20 validates relaxed SIMD only behind a V8 flag; this script turns it on for itself (Node 22 and
 * later need none) so both builds can be measured in one process.
 *
 * Environment: BENCH_RUNS (default 3), BENCH_TFJS_RUNS (default BENCH_RUNS, 0 skips), BENCH_BATCHES
 * (default 1,8).
 */
import asc from 'assemblyscript/asc';
import * as ortWeb from 'onnxruntime-web';
import {
  vggBuilders,
  randn,
  noGrad,
  withBackend,
  registerBackend,
  manualSeed,
  compileInferencePlanOrThrow,
  exportOnnxBytes,
} from '../src/index.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { TASK_GEMM, type WasmKernels } from '../src/backend/wasm/kernels.js';
import { allowRelaxedSimd, loadWasmKernels } from '../src/backend/wasm/load-node.js';
import type { WasmSimdLevel } from '../src/backend/wasm/features.js';
import { median, maxRelError } from './stats.js';
import { initTfjsWasm, tfjsVgg, toNhwc } from './tfjs-wasm.js';

allowRelaxedSimd();
const runs = Number(process.env.BENCH_RUNS ?? 3);
const tfjsRuns = Number(process.env.BENCH_TFJS_RUNS ?? runs);
const batches = (process.env.BENCH_BATCHES ?? '1,8').split(',').map(Number);

/**
 * Twelve independent accumulators: enough to cover the multiply-add latency on any x86 core. The
 * operands arrive as arguments: as constants, V8 12 and later rebuild them inside the loop.
 */
const PEAK_SOURCE = `
export function peak(n: i32, one: f32, scale: f32): f32 {
  const x = f32x4.splat(one), y = f32x4.splat(scale);
  let a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
  for (let i = 0; i < n; i++) {
    a0 = madd(a0, y, x); a1 = madd(a1, y, x); a2 = madd(a2, y, x); a3 = madd(a3, y, x);
    a4 = madd(a4, y, x); a5 = madd(a5, y, x); a6 = madd(a6, y, x); a7 = madd(a7, y, x);
    a8 = madd(a8, y, x); a9 = madd(a9, y, x); a10 = madd(a10, y, x); a11 = madd(a11, y, x);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}
`;

async function peakGflops(level: WasmSimdLevel): Promise<number> {
  const enable = level === 'relaxed' ? ['simd', 'relaxed-simd'] : ['simd'];
  const { binary, error } = await asc.compileString(PEAK_SOURCE, { optimizeLevel: 3, runtime: 'stub', enable });
  if (error || !binary) throw error ?? new Error('peak loop did not compile');
  const peak = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>)).exports.peak as (
    n: number,
    one: number,
    scale: number,
  ) => number;
  // V8 moves a function to its optimising compiler after a few calls, not in the middle of a long one.
  for (let i = 0; i < 4; i++) peak(1e5, 1, 0.999);
  const n = 2e7;
  const best: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    peak(n, 1, 0.999);
    best.push((12 * 4 * 2 * n) / ((performance.now() - t0) / 1e3) / 1e9);
  }
  return Math.max(...best);
}

/** One thread, operands already in the module's memory: the GEMM itself, without the copies. */
function gemmGflops(k: WasmKernels, M: number, N: number, K: number): number {
  const a = k.arena.alloc(M * K * 4, 'bench');
  const b = k.arena.alloc(K * N * 4, 'bench');
  const c = k.arena.alloc(M * N * 4, 'bench');
  const floats = k.exports.gemmScratchFloats();
  const scratch = k.arena.alloc(floats * 4, 'bench');
  k.arena.f32(a, M * K).fill(0.5);
  k.arena.f32(b, K * N).fill(0.25);
  const args = [0, 0, M, N, K, 1, a, K, b, N, 0, c, N, scratch, floats * 4];
  k.run(TASK_GEMM, args, 1);
  const rates: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    k.run(TASK_GEMM, args, 1);
    rates.push((2 * M * N * K) / ((performance.now() - t0) / 1e3) / 1e9);
  }
  return Math.max(...rates);
}

async function gemmSection(): Promise<void> {
  const [M, N, K] = [256, 3136, 2304];
  console.log(`# WebAssembly GEMM, one thread, C[${M}×${N}] = A[${M}×${K}]·B[${K}×${N}] (a 256-channel 56×56 conv)\n`);
  console.log('| build | GEMM GFLOP/s (best of 3) | multiply-add peak GFLOP/s | GEMM ÷ peak |');
  console.log('|---|---:|---:|---:|');
  for (const level of ['simd', 'relaxed'] as const) {
    const k = loadWasmKernels({ simd: level, threads: 1 });
    const gemm = gemmGflops(k, M, N, K);
    const peak = await peakGflops(level);
    console.log(`| ${level} | ${gemm.toFixed(1)} | ${peak.toFixed(1)} | ${(gemm / peak).toFixed(2)} |`);
  }
}

type Contender = { name: string; run: () => Float32Array | Promise<Float32Array>; runs: number };

/** VGG16 at `batch`: vgg-ts (eager and plan at batch 1, the plan alone at larger batches) beside the two peers. */
async function vggSection(batch: number): Promise<void> {
  const contenders: Contender[] = [];
  manualSeed(0);
  const model = vggBuilders.vgg16().eval();
  const x = randn([batch, 3, 224, 224]);
  const configs = [
    ['simd', 1],
    ['simd', 2],
    ['relaxed', 1],
    ['relaxed', 2],
  ] as const;
  for (const [level, threads] of configs) {
    if (batch > 1 && threads === 1) continue;
    const name = `wasm-${level}-${threads}t-b${batch}`;
    const kernels = loadWasmKernels({ simd: level, threads });
    registerBackend(name, () => createWasmBackend(kernels));
    const label = `${level} build, ${threads} thread${threads > 1 ? 's' : ''}`;
    if (batch === 1) {
      contenders.push({
        name: `vgg-ts wasm eager, ${label}`,
        runs,
        run: () => withBackend(name, () => noGrad(() => model.forward(x))).data,
      });
    }
    const plan = withBackend(name, () => compileInferencePlanOrThrow(model));
    contenders.push({ name: `vgg-ts wasm plan, ${label}`, runs, run: () => plan.run(x.data, batch, 224, 224).data });
  }
  ortWeb.env.wasm.numThreads = 2;
  const session = await ortWeb.InferenceSession.create(exportOnnxBytes(model, { inputShape: [batch, 3, 224, 224] }), {
    executionProviders: ['wasm'],
    graphOptimizationLevel: 'all',
  });
  const feeds = { [session.inputNames[0]]: new ortWeb.Tensor('float32', x.data, [...x.shape]) };
  const ortName = `onnxruntime-web ${ortWeb.env.versions.web}, wasm EP, 2 threads`;
  contenders.push({
    name: ortName,
    runs,
    run: async () => (await session.run(feeds))[session.outputNames[0]].data as Float32Array,
  });
  const tfjsName = 'tfjs-backend-wasm 4.22.0, 1 thread';
  if (tfjsRuns > 0) {
    await initTfjsWasm();
    const tfModel = tfjsVgg(model);
    const xt = toNhwc(x.data, x.shape);
    contenders.push({ name: tfjsName, runs: tfjsRuns, run: () => tfModel.run(xt) });
  }
  await new Promise((r) => setTimeout(r, 500));
  const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const logits = new Map<string, Float32Array>();
  for (let i = 0; i <= runs; i++) {
    for (const c of contenders) {
      if (i > c.runs) continue;
      const t0 = performance.now();
      logits.set(c.name, await c.run());
      if (i > 0) times.get(c.name)!.push(performance.now() - t0);
    }
  }
  const first = logits.get(contenders[0].name)!;
  const ms = (name: string): number => median(times.get(name) ?? []);
  const ratio = (a: number, b: number): string => (Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : '–');
  console.log(
    `\n# VGG16, batch ${batch}, 224×224; medians of ${runs} interleaved runs after a warm-up (ms per batch)\n`,
  );
  console.log('| contender | median ms | ÷ onnxruntime-web | ÷ tfjs-wasm | logits vs the first row (max rel. error) |');
  console.log('|---|---:|---:|---:|---:|');
  for (const c of contenders) {
    const t = ms(c.name);
    const err = maxRelError(logits.get(c.name)!, first).toExponential(1);
    console.log(
      `| ${c.name} | ${t.toFixed(1)} | ${ratio(t, ms(ortName))} | ${ratio(t, tfjsRuns > 0 ? ms(tfjsName) : NaN)} | ${err} |`,
    );
  }
  session.release();
}

await gemmSection();
for (const batch of batches) await vggSection(batch);
