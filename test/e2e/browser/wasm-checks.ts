/**
 * Runs in Chromium (bundled by wasm-backend.test.ts): loads the WebAssembly backend as a browser would,
 * then computes GEMMs, convolutions with both gradients (im2col and Winograd shapes) and a small VGG's
 * forward on it and on the reference backend, and the VGG's inference plan on it. The Node side compares the two.
 */
import type { Backend, Conv2dParams } from '../../../src/backend/backend.js';
import { withBackend } from '../../../src/backend/registry.js';
import { createRefBackend } from '../../../src/backend/ref/index.js';
import type { WasmSimdLevel } from '../../../src/backend/wasm/features.js';
import { detectWasmFeatures } from '../../../src/backend/wasm/features.js';
import { initWasmBackendForBrowser } from '../../../src/backend/wasm/load-browser.js';
import { compileInferencePlanOrThrow } from '../../../src/models/plan.js';
import { buildVgg } from '../../../src/models/vgg.js';
import { noGrad } from '../../../src/tensor/autograd.js';
import { Generator } from '../../../src/tensor/rng.js';
import { Tensor } from '../../../src/tensor/tensor.js';

export interface WasmCheckRequest {
  simd?: WasmSimdLevel;
  threads: number;
  /** The pool's worker script; default the bundled worker-web.js beside the page's scripts. */
  workerUrl?: string;
}

export interface WasmCheckReport {
  build: string;
  threads: number;
  readyThreads: number;
  singleThreadReason: string | null;
  relaxedSimd: boolean;
  /** Each check's output on wasm and on the reference backend. */
  results: Record<string, { wasm: number[]; ref: number[] }>;
}

const GEMMS = [
  [false, false, 70, 300, 129],
  [true, false, 300, 33, 70],
  [false, true, 9, 40, 1000],
  [true, true, 97, 101, 300],
] as const;

function conv(batch: number, inC: number, outC: number, inH: number, inW: number, stride: number): Conv2dParams {
  const out = (n: number): number => Math.floor((n + 2 - 3) / stride) + 1;
  return {
    batch,
    inChannels: inC,
    outChannels: outC,
    inH,
    inW,
    outH: out(inH),
    outW: out(inW),
    kernelH: 3,
    kernelW: 3,
    strideH: stride,
    strideW: stride,
    padH: 1,
    padW: 1,
    dilationH: 1,
    dilationW: 1,
  };
}

/** An im2col shape (stride 2, small) and a Winograd one (3×3 stride 1 over 1024+ output positions). */
const CONVS = { im2col: conv(2, 5, 7, 9, 13, 2), winograd: conv(1, 16, 12, 34, 35, 1) };

type Kernel = (b: Backend) => Float32Array;

function kernelChecks(): Record<string, Kernel> {
  const gen = new Generator(2024);
  const random = (n: number): Float32Array => {
    const a = new Float32Array(n);
    gen.fillUniform(a, -1, 1);
    return a;
  };
  const checks: Record<string, Kernel> = {};
  for (const [transA, transB, M, N, K] of GEMMS) {
    const [A, B, C] = [random(M * K), random(K * N), random(M * N)];
    checks[`gemm ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}x${N}x${K}`] = (b) => {
      const c = C.slice();
      b.gemm(transA, transB, M, N, K, 0.75, A, B, 0.5, c);
      return c;
    };
  }
  for (const [name, p] of Object.entries(CONVS)) {
    const x = random(p.batch * p.inChannels * p.inH * p.inW);
    const w = random(p.outChannels * p.inChannels * 9);
    const bias = random(p.outChannels);
    const gy = random(p.batch * p.outChannels * p.outH * p.outW);
    checks[`conv2d ${name}`] = (b) => b.conv2d(x, w, bias, p);
    checks[`conv2d input gradient ${name}`] = (b) => b.conv2dBackwardInput(gy, w, p);
    checks[`conv2d weight gradient ${name}`] = (b) => b.conv2dBackwardWeight(gy, x, p);
  }
  return checks;
}

/**
 * Logits of one small VGG (BatchNorm, eval mode) for 2 images of an odd size: its inference plan on the
 * active backend (wasm), then its eager forward on each backend named.
 */
function vggLogits(backendNames: string[]): Float32Array[] {
  const model = buildVgg({
    cfg: [8, 'M', 16, 16, 'M', 32, 'M'],
    batchNorm: true,
    inChannels: 3,
    numClasses: 10,
    hiddenFeatures: 64,
    dropout: 0,
    poolSize: 2,
  }).eval();
  const x = new Float32Array(2 * 3 * 37 * 41);
  new Generator(7).fillUniform(x, -2, 2);
  const input = new Tensor(x, [2, 3, 37, 41]);
  const plan = compileInferencePlanOrThrow(model);
  const planned = plan.run(x, 2, 37, 41).data;
  plan.dispose();
  return [planned, ...backendNames.map((name) => withBackend(name, () => noGrad(() => model.forward(input).data)))];
}

export async function runWasmChecks(req: WasmCheckRequest): Promise<WasmCheckReport> {
  const { backend, kernels, info } = await initWasmBackendForBrowser({
    wasmBaseUrl: '/wasm/',
    simd: req.simd,
    threads: req.threads,
    workerUrl: req.workerUrl,
  });
  const ref = createRefBackend();
  const results: WasmCheckReport['results'] = {};
  for (const [name, kernel] of Object.entries(kernelChecks())) {
    results[name] = { wasm: [...kernel(backend)], ref: [...kernel(ref)] };
  }
  const [planLogits, wasmLogits, refLogits] = vggLogits(['wasm', 'ref']);
  results['small VGG forward'] = { wasm: [...wasmLogits], ref: [...refLogits] };
  results['small VGG inference plan'] = { wasm: [...planLogits], ref: [...refLogits] };
  const report = {
    build: info.build,
    threads: info.threads,
    readyThreads: kernels.readyThreads(),
    singleThreadReason: info.singleThreadReason ?? null,
    relaxedSimd: detectWasmFeatures().relaxedSimd,
    results,
  };
  kernels.terminate();
  return report;
}
