/**
 * Which VGG a state dict belongs to, read from its keys and shapes alone — so a dropped `.pth` or
 * `.safetensors` (torchvision's `vgg16-397923af.pth` included) rebuilds without being told the model.
 */
import { CheckpointError } from '../io/errors.js';
import type { VggArchitecture } from './vgg.js';

const FEATURE_KEY = /^features\.(\d+)\.weight$/;

/**
 * In makeLayers' numbering a conv is followed by ReLU (and BatchNorm before it), so consecutive
 * convs are `step` apart, and one index further when a max-pool sits between them. Every config
 * ends with a max-pool, which has no parameters to show it; it is assumed, as in all of torchvision's.
 */
export function inferArchitecture(shapes: ReadonlyMap<string, readonly number[]>): VggArchitecture {
  const convs = [...shapes]
    .map(([key, shape]) => ({ index: Number(FEATURE_KEY.exec(key)?.[1] ?? NaN), shape }))
    .filter((c) => c.shape.length === 4)
    .sort((a, b) => a.index - b.index);
  const fc = [0, 3, 6].map((i) => shapes.get(`classifier.${i}.weight`));
  if (convs.length === 0 || fc.some((s) => s?.length !== 2)) {
    throw new CheckpointError(
      'not a VGG state dict: expected features.<i>.weight convolutions and classifier.0/3/6.weight linears',
    );
  }
  const batchNorm = shapes.has(`features.${convs[0].index + 1}.running_mean`);
  const step = batchNorm ? 3 : 2;
  const cfg: (number | 'M')[] = [];
  convs.forEach((c, i) => {
    if (i > 0) {
      const gap = c.index - convs[i - 1].index;
      if (gap === step + 1) cfg.push('M');
      else if (gap !== step) throw new CheckpointError(`features.${c.index}: not where a VGG layer list puts a conv`);
    }
    cfg.push(c.shape[0]);
  });
  cfg.push('M');
  const [fc0, , fc6] = fc as (readonly number[])[];
  const last = convs[convs.length - 1].shape[0];
  const poolSize = Math.round(Math.sqrt(fc0[1] / last));
  if (poolSize * poolSize * last !== fc0[1]) {
    throw new CheckpointError(`classifier.0.weight takes ${fc0[1]} inputs, not ${last} channels × a square pool`);
  }
  return {
    cfg,
    batchNorm,
    inChannels: convs[0].shape[1],
    numClasses: fc6[0],
    hiddenFeatures: fc0[0],
    dropout: 0.5,
    poolSize,
  };
}
