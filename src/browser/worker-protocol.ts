/** Messages between createWorkerClassifier (page) and worker.ts (Web Worker). */
import type { TopK } from '../models/classify.js';
import type { BackendInfo } from './backend.js';
import type { FeatureGrid, FeatureGridOptions } from './feature-grid.js';

export type ImageInput = Blob | ImageBitmap | ImageData;

export type WorkerRequest =
  | { id: number; kind: 'init'; wasmBaseUrl?: string; wasmWorkerUrl?: string; threads?: number }
  | { id: number; kind: 'load'; source: Uint8Array | Blob; name: string }
  | { id: number; kind: 'classify'; image: ImageInput; topk: number }
  | { id: number; kind: 'features'; layer: string }
  | ({ id: number; kind: 'featureGrid'; layer: string } & FeatureGridOptions);

export interface LoadedModelInfo {
  /** e.g. `vgg16` for torchvision's configurations, else `custom VGG (8 convs)`. */
  description: string;
  numClasses: number;
  /** Layer names for featureMaps, conv1_1 … pool5 (or as many as the trunk has). */
  layers: string[];
}

export interface Prediction {
  top: TopK[];
  /** Milliseconds for preprocessing and the forward pass. */
  ms: number;
}

/** Activations of one layer for the last classified image: `[channels, height, width]`, row-major. */
export interface FeatureMaps {
  layer: string;
  shape: [number, number, number];
  data: Float32Array;
}

export interface WorkerReplies {
  init: BackendInfo;
  load: LoadedModelInfo;
  classify: Prediction;
  features: FeatureMaps;
  featureGrid: FeatureGrid;
}

export type WorkerReply =
  | { id: number; ok: true; value: WorkerReplies[keyof WorkerReplies] }
  | { id: number; ok: false; error: { name: string; message: string } };
