/**
 * The Web Worker behind createWorkerClassifier: loads the model and runs inference off the page's
 * thread, so the page keeps drawing. Keeps the last image's input to show any layer's feature maps.
 */
import { ArgumentError } from '../errors.js';
import { noGrad } from '../tensor/autograd.js';
import type { Tensor } from '../tensor/tensor.js';
import { topK } from '../models/classify.js';
import { createFeatureExtractor, featureLayerNames } from '../models/features.js';
import { cfgs, type VggArchitecture } from '../models/vgg.js';
import { initBrowserBackend } from './backend.js';
import { renderFeatureGrid } from './feature-grid.js';
import { readImage } from './image.js';
import { modelFromBytes, type ReadyModel } from './model-source.js';
import type { FeatureMaps, LoadedModelInfo, WorkerReplies, WorkerReply, WorkerRequest } from './worker-protocol.js';

const ARCH_BY_CFG: Record<keyof typeof cfgs, string> = { A: 'vgg11', B: 'vgg13', D: 'vgg16', E: 'vgg19' };

function describe(a: VggArchitecture): string {
  const key = (Object.keys(cfgs) as (keyof typeof cfgs)[]).find(
    (k) => JSON.stringify(cfgs[k]) === JSON.stringify(a.cfg),
  );
  if (key && a.inChannels === 3) return `${ARCH_BY_CFG[key]}${a.batchNorm ? '_bn' : ''}`;
  const convs = a.cfg.filter((c) => c !== 'M').length;
  return `custom VGG (${convs} convs${a.batchNorm ? ', BatchNorm' : ''}, ${a.inChannels} input channel${a.inChannels > 1 ? 's' : ''})`;
}

let ready: ReadyModel | undefined;
let lastInput: Tensor | undefined;

function current(): ReadyModel {
  if (!ready) throw new ArgumentError('no model loaded');
  return ready;
}

/** Activations of `layer` for the last classified image. */
function layerMaps(layer: string): FeatureMaps {
  if (!lastInput) throw new ArgumentError('classify an image first');
  const maps = noGrad(() => createFeatureExtractor(current().model, [layer]).forward(lastInput!)).get(layer)!;
  const [, c, h, w] = maps.shape;
  return { layer, shape: [c, h, w], data: Float32Array.from(maps.data) };
}

/** What a reply hands over instead of copying: the activations' buffer or the rendered grid. */
function transferables(value: WorkerReplies[keyof WorkerReplies]): Transferable[] {
  if ('data' in value && value.data instanceof Float32Array) return [value.data.buffer];
  if ('bitmap' in value) return [value.bitmap];
  return [];
}

const handlers: {
  [K in WorkerRequest['kind']]: (req: Extract<WorkerRequest, { kind: K }>) => Promise<WorkerReplies[K]>;
} = {
  init: (req) =>
    initBrowserBackend({ wasmBaseUrl: req.wasmBaseUrl, workerUrl: req.wasmWorkerUrl, threads: req.threads }),

  async load(req): Promise<LoadedModelInfo> {
    const bytes = req.source instanceof Blob ? new Uint8Array(await req.source.arrayBuffer()) : req.source;
    ready = await modelFromBytes(bytes, req.name);
    lastInput = undefined;
    return {
      description: describe(ready.architecture),
      numClasses: ready.architecture.numClasses,
      layers: [...featureLayerNames(ready.model).keys()],
    };
  },

  async classify(req) {
    const { model, transform, categories } = current();
    const start = performance.now();
    const image = await readImage(req.image);
    const input = transform(image);
    const x = input.reshape([1, ...input.shape]);
    // An eval-mode forward without autograd runs through the model's cached inference plan where the
    // backend compiles plans (wasm does: see models/inference-cache.ts); layer by layer on ref.
    const probs = noGrad(() => model.forward(x).softmax(1));
    lastInput = x;
    return { top: topK(probs, req.topk, categories)[0], ms: performance.now() - start };
  },

  features: async (req) => layerMaps(req.layer),

  featureGrid: async (req) => renderFeatureGrid(layerMaps(req.layer), { maxWidth: req.maxWidth }),
};

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
};

scope.onmessage = (e) => {
  const req = e.data;
  const handle = handlers[req.kind] as (r: WorkerRequest) => Promise<WorkerReplies[keyof WorkerReplies]>;
  handle(req).then(
    (value) => {
      scope.postMessage({ id: req.id, ok: true, value }, transferables(value));
    },
    (err: unknown) => {
      const error =
        err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
      scope.postMessage({ id: req.id, ok: false, error });
    },
  );
};
