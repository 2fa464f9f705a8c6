/**
 * The Web Worker of bench/browser.ts: VGG16 (seeded, as the exported ONNX model) as an inference plan on
 * the WebAssembly backend (compileInferencePlan) and, in the same worker, onnxruntime-web's wasm execution provider, both at the worker's
 * thread count. ONNX Runtime fixes its threads when it first starts, so each thread count has its own
 * worker. Answers each request with the time of one batch-1 forward and its logits.
 */
import type * as Ort from 'onnxruntime-web';
import { initWasmBackendForBrowser } from '../src/backend/wasm/load-browser.js';
import { compileInferencePlanOrThrow } from '../src/models/plan.js';
import { vggBuilders } from '../src/models/vgg.js';
import { randn } from '../src/tensor/creation.js';
import { manualSeed } from '../src/tensor/rng.js';
import type { Tensor } from '../src/tensor/tensor.js';

export type BenchRequest =
  { kind: 'init'; threads: number; seed: number; ortModule: string; onnxUrl: string } | { kind: Engine };
export type Engine = 'vgg-ts plan' | 'onnxruntime-web';
export interface BenchReply {
  threads?: number;
  ms?: number;
  logits?: number[];
  error?: string;
}

const scope = globalThis as unknown as {
  onmessage: (event: { data: BenchRequest }) => void;
  postMessage(message: BenchReply): void;
};

let run: Record<Engine, () => Promise<Float32Array>> | undefined;

async function init({
  threads,
  seed,
  ortModule,
  onnxUrl,
}: Extract<BenchRequest, { kind: 'init' }>): Promise<BenchReply> {
  const { kernels } = await initWasmBackendForBrowser({ wasmBaseUrl: '/wasm/', workerUrl: '/worker-web.js', threads });
  manualSeed(seed);
  const model = vggBuilders.vgg16().eval();
  const x: Tensor = randn([1, 3, 224, 224]);
  const plan = compileInferencePlanOrThrow(model);
  const ort = (await import(ortModule)) as typeof Ort;
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = new URL(
    './',
    new URL(ortModule, (globalThis as unknown as { location: { href: string } }).location.href),
  ).href;
  const session = await ort.InferenceSession.create(onnxUrl, { executionProviders: ['wasm'] });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x.data, [1, 3, 224, 224]) };
  run = {
    'vgg-ts plan': async () => plan.run(x.data, 1, 224, 224).data,
    'onnxruntime-web': async () => (await session.run(feeds))[session.outputNames[0]].data as Float32Array,
  };
  return { threads: kernels.readyThreads() };
}

async function time(engine: Engine): Promise<BenchReply> {
  if (!run) throw new Error('bench worker: init first');
  const t0 = performance.now();
  const logits = await run[engine]();
  return { ms: performance.now() - t0, logits: [...logits] };
}

scope.onmessage = ({ data }) => {
  (data.kind === 'init' ? init(data) : time(data.kind)).then(
    (reply) => scope.postMessage(reply),
    (e: unknown) => scope.postMessage({ error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
  );
};
