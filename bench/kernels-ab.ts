/**
 * The training step's kernels, two native addon builds side by side: each
 * kernel runs on build A, then on build B, in alternation, in one process, so
 * machine noise hits both; medians after a warm-up. Shapes are the embedded
 * fashion_vgg's at batch 64. Kernels that build A lacks (an older addon) are
 * compared against the reference TypeScript backend instead, which is what ran
 * them before they moved into the addon.
 *
 * Run: npm run build && node dist/bench/kernels-ab.js OLD/vgg_native.node [NEW/vgg_native.node]
 * (build an older commit's addon with `git worktree add DIR COMMIT && node DIR/native/build.mjs`).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Backend, Conv2dParams } from '../src/backend/backend.js';
import { createNativeBackend, type NativeAddon } from '../src/backend/native/index.js';
import { createRefBackend } from '../src/backend/ref/index.js';
import { getModel } from '../src/models/registry.js';
import { median } from './stats.js';

const [oldPath, newPath = 'native/build/Release/vgg_native.node'] = process.argv.slice(2);
if (!oldPath) {
  console.error('usage: node dist/bench/kernels-ab.js OLD/vgg_native.node [NEW/vgg_native.node]');
  process.exit(2);
}
const load = (path: string): NativeAddon => createRequire(import.meta.url)(resolve(path)) as NativeAddon;
const oldAddon = load(oldPath);
const a = createNativeBackend(oldAddon);
const b = createNativeBackend(load(newPath));
const ref = createRefBackend();
const rounds = Number(process.env.BENCH_RUNS ?? 11);

// Each addon has its own thread pool, whose workers spin for a moment after a
// call: a pause before each timed call lets the other pool fall asleep first.
const idle = new Int32Array(new SharedArrayBuffer(4));
function timed(be: Backend, run: (be: Backend) => unknown): number {
  Atomics.wait(idle, 0, 0, 5);
  const t = performance.now();
  run(be);
  return performance.now() - t;
}

function row(label: string, first: Backend, run: (be: Backend) => unknown): void {
  for (let i = 0; i < 2; i++) {
    timed(first, run);
    timed(b, run);
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    ta.push(timed(first, run));
    tb.push(timed(b, run));
  }
  const ma = median(ta);
  const mb = median(tb);
  const which = first === ref ? ' (A: TypeScript)' : '';
  console.log(`| ${label}${which} | ${ma.toFixed(2)} | ${mb.toFixed(2)} | ${(mb / ma).toFixed(2)} |`);
}

const random = (n: number): Float32Array => Float32Array.from({ length: n }, () => Math.random() - 0.5);
const N = 64;

console.log(`medians of ${rounds} alternating runs, ms per call\n`);
console.log('| kernel (batch 64) | A ms | B ms | B ÷ A |\n|---|---:|---:|---:|');
for (const [C, K, H] of [
  [1, 32, 28],
  [32, 32, 28],
  [32, 64, 14],
  [64, 64, 14],
  [64, 128, 7],
]) {
  const p: Conv2dParams = {
    batch: N,
    inChannels: C,
    outChannels: K,
    inH: H,
    inW: H,
    outH: H,
    outW: H,
    kernelH: 3,
    kernelW: 3,
    strideH: 1,
    strideW: 1,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 1,
  };
  const x = random(N * C * H * H);
  const gy = random(N * K * H * H);
  const w = random(K * C * 9);
  const name = `conv ${C}→${K} at ${H}×${H}`;
  row(`${name} forward`, a, (be) => be.conv2d(x, w, null, p));
  if (C > 1) row(`${name} input grad`, a, (be) => be.conv2dBackwardInput(gy, w, p));
  row(`${name} weight grad`, a, (be) => be.conv2dBackwardWeight(gy, x, p));
}

const [C, H] = [32, 28];
const x = random(N * C * H * H);
const g = random(N * C * H * H);
const pool = {
  planes: N * C,
  inH: H,
  inW: H,
  outH: H / 2,
  outW: H / 2,
  kernelH: 2,
  kernelW: 2,
  strideH: 2,
  strideW: 2,
  padH: 0,
  padW: 0,
  dilationH: 1,
  dilationW: 1,
};
const stat = (v: number): Float32Array => new Float32Array(C).fill(v);
row(`maxPool2d 2×2, ${C}×${H}×${H}`, a, (be) => be.maxPool2d(x, pool));
row(`channelMoments, ${C}×${H}×${H}`, a, (be) => be.channelMoments(x, N, C, H * H));
row(`batchNormBackward, ${C}×${H}×${H}`, a, (be) =>
  be.batchNormBackward(g, x, N, C, H * H, stat(0.1), stat(2), stat(1.1), true, true),
);
const has = (name: string): boolean => typeof (oldAddon as unknown as Record<string, unknown>)[name] === 'function';
row(`reluBackward, ${C}×${H}×${H}`, has('reluBackward') ? a : ref, (be) => be.reluBackward(g, x));
// The embedded model's own parameter tensors (shipped in the package: no download).
const params = [...(await getModel('fashion_vgg', { weights: 'DEFAULT' })).parameters()].map((p) => random(p.numel));
const grads = params.map((p) => random(p.length));
const bufs = params.map((p) => random(p.length));
const sgd = { lr: 0.01, momentum: 0.9, dampening: 0, weightDecay: 5e-4, nesterov: true, maximize: false };
row("sgdStep over fashion_vgg's parameters (0.5M)", has('sgdStep') ? a : ref, (be) =>
  params.forEach((p, i) => be.sgdStep(p, grads[i], bufs[i], false, sgd)),
);
const moments = () => params.map((p) => random(p.length).map(Math.abs));
const [m, v] = [moments(), moments()];
const adam = {
  b1: Math.fround(0.9),
  b2: Math.fround(0.999),
  oneMinusB1: Math.fround(0.1),
  oneMinusB2: Math.fround(0.001),
  eps: Math.fround(1e-8),
  wd: Math.fround(0.01),
  l2: false,
  decay: Math.fround(1 - 1e-5),
  decoupled: true,
  negStepSize: Math.fround(-1e-3),
  bc2Sqrt: 1,
  amsgrad: false,
  maximize: false,
};
row("adamStep (AdamW) over fashion_vgg's parameters (0.5M)", has('adamStep') ? a : ref, (be) =>
  params.forEach((p, i) => be.adamStep(p, grads[i], m[i], v[i], null, adam)),
);
