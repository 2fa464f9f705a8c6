/**
 * The worker side of InferencePool: loads its own copy of the model once,
 * then answers classify requests, so inference never runs on the caller's
 * event loop. A model that cannot load is reported at once, and again to any request.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { imageClassification } from '../data/transforms.js';
import { ArgumentError } from '../errors.js';
import { classify, type ClassifyOptions } from './classify.js';
import { loadModel } from './saved.js';
import { tryCompileInferencePlan } from './plan.js';
import { loadNativeAddon } from '../backend/native/index.js';

export interface WorkerRequest {
  images: string[];
  opts: Omit<ClassifyOptions, 'transform' | 'onProgress' | 'categories' | 'plan'>;
}

export type WorkerReply = { results: Awaited<ReturnType<typeof classify>> } | { error: string } | { loadError: string };

const { modelFile, threads } = workerData as { modelFile: string; threads: number };
if (threads > 0) loadNativeAddon()?.setNumThreads(threads);

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// Loaded and compiled once per worker, not per request: a plan prepares a transformed copy of the conv weights.
const ready = loadModel(modelFile).then(({ model, categories, transforms }) => {
  if (!transforms) throw new ArgumentError(`${modelFile} has no preprocessing metadata`);
  return {
    model,
    categories,
    transform: imageClassification(transforms),
    plan: tryCompileInferencePlan(model.eval()).plan,
  };
});
// Said at once, so the pool fails its queued requests without waiting for one to reach this worker.
ready.catch((e: unknown) => parentPort!.postMessage({ loadError: message(e) } satisfies WorkerReply));

parentPort!.on('message', async (req: WorkerRequest) => {
  let loaded;
  try {
    loaded = await ready;
  } catch (e) {
    parentPort!.postMessage({ loadError: message(e) } satisfies WorkerReply);
    return;
  }
  try {
    const { categories, plan, transform } = loaded;
    const results = await classify(loaded.model, req.images, { ...req.opts, categories, plan, transform });
    parentPort!.postMessage({ results } satisfies WorkerReply);
  } catch (e) {
    parentPort!.postMessage({ error: message(e) } satisfies WorkerReply);
  }
});
