/**
 * The worker side of InferencePool: loads its own copy of the model once,
 * then answers classify requests, so inference never runs on the caller's
 * event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { imageClassification } from '../data/transforms.js';
import { classify, type ClassifyOptions } from './classify.js';
import { loadModel } from './saved.js';
import { tryCompileInferencePlan } from './plan.js';

export interface WorkerRequest {
  id: number;
  images: string[];
  opts: Omit<ClassifyOptions, 'transform' | 'onProgress' | 'categories' | 'plan'>;
}

export type WorkerReply = { id: number; results: Awaited<ReturnType<typeof classify>> } | { id: number; error: string };

const { modelFile } = workerData as { modelFile: string };
// Loaded and compiled once per worker, not per request: a VGG16 plan prepares ~700 MB of weights.
const ready = loadModel(modelFile).then((loaded) => ({
  ...loaded,
  plan: tryCompileInferencePlan(loaded.model.eval()).plan,
}));

parentPort!.on('message', async (req: WorkerRequest) => {
  try {
    const { model, categories, transforms, plan } = await ready;
    if (!transforms) throw new Error(`${modelFile} has no preprocessing metadata`);
    const results = await classify(model, req.images, {
      ...req.opts,
      categories,
      plan,
      transform: imageClassification(transforms),
    });
    parentPort!.postMessage({ id: req.id, results } satisfies WorkerReply);
  } catch (e) {
    parentPort!.postMessage({ id: req.id, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply);
  }
});
