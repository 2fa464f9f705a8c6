/** Pretrained weights into a model: from the torch.hub cache (sync) or downloaded first (async). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { checkpointsDir } from '../io/hub.js';
import { namingFile, decodeRawStateDict } from '../io/load.js';
import { rawDictToTensors } from '../io/checkpoint.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Weights } from './weights.js';

/** Thrown by a synchronous builder when the weights it was asked for have not been downloaded yet. */
export class WeightsNotCachedError extends ArgumentError {
  override name = 'WeightsNotCachedError';
  constructor(
    readonly weights: Weights,
    readonly path: string,
  ) {
    super(
      `${weights.name} is not in the cache (${path}). Download it first: ` +
        `\`await getModel('${weights.arch}', { weights: '${weights.entry}' })\`, \`await ${weights.name}.download()\` ` +
        `or \`npx vgg download ${weights.arch}\`.`,
    );
  }
}

export function cachedWeightsPath(w: Weights): string {
  return join(checkpointsDir(), w.fileName);
}

/** Reads a checkpoint file synchronously into Tensors (float32 views of the file where possible). */
export function readCheckpointSync(path: string): Map<string, Tensor> {
  const bytes = readFileSync(path);
  return rawDictToTensors(namingFile(path, () => decodeRawStateDict(bytes, { alignInPlace: true })));
}

/** Loads cached pretrained weights into `model` (strict: every key must match). */
export function loadCachedWeights(model: Module, w: Weights): void {
  const path = cachedWeightsPath(w);
  if (!existsSync(path)) throw new WeightsNotCachedError(w, path);
  model.loadStateDict(readCheckpointSync(path));
}

/** torchvision's rule: with pretrained weights, numClasses comes from the weights' categories. */
export function classesForWeights(w: Weights, requested: number | undefined): number | undefined {
  const n = w.numClasses;
  if (n === null) return requested;
  if (requested !== undefined && requested !== n) {
    throw new ArgumentError(
      `${w.name} has ${n} classes but numClasses ${requested} was requested; load the weights, then replace classifier.6`,
    );
  }
  return n;
}
