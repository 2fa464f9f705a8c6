/** Batch normalisation over the channel axis of NCHW (or NC) input, with gradients. */
import { backend } from '../../backend/registry.js';
import { ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';

export interface BatchNormOptions {
  training: boolean;
  /** Weight of the new batch statistic in the running average (PyTorch's momentum). */
  momentum: number;
  eps: number;
}

/**
 * In training, normalises with the batch's statistics and updates the running
 * ones in place (variance unbiased, as PyTorch does); in evaluation, uses the
 * running statistics.
 */
export function batchNorm(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  opts: BatchNormOptions,
): Tensor {
  if (x.ndim < 2) throw new ShapeError(`batch_norm expects input [N, C, ...], got ${shapeToString(x.shape)}`);
  const [N, C] = x.shape;
  const HW = x.numel / Math.max(N * C, 1);
  for (const [name, t] of [
    ['weight', weight],
    ['bias', bias],
    ['running_mean', runningMean],
    ['running_var', runningVar],
  ] as const) {
    if (t && t.numel !== C)
      throw new ShapeError(
        `expected input with ${t.numel} channels (${name} ${shapeToString(t.shape)}), got input ${shapeToString(x.shape)}`,
      );
  }
  const useBatchStats = opts.training || !runningMean || !runningVar;
  const count = N * HW;
  let mean: Float32Array;
  let invStd: Float32Array;
  if (useBatchStats) {
    if (count <= 1)
      throw new ShapeError(`expected more than 1 value per channel when training, got input ${shapeToString(x.shape)}`);
    const moments = backend().channelMoments(x.data, N, C, HW);
    mean = Float32Array.from(moments.mean);
    invStd = Float32Array.from(moments.variance, (v) => 1 / Math.sqrt(v + opts.eps));
    if (opts.training && runningMean && runningVar) {
      const m = opts.momentum;
      for (let c = 0; c < C; c++) {
        runningMean.data[c] = (1 - m) * runningMean.data[c] + m * moments.mean[c];
        runningVar.data[c] = (1 - m) * runningVar.data[c] + m * moments.variance[c] * (count / (count - 1));
      }
      runningMean.markDirty();
      runningVar.markDirty();
    }
  } else {
    mean = runningMean!.data.slice();
    invStd = Float32Array.from(runningVar!.data, (v) => 1 / Math.sqrt(v + opts.eps));
  }
  const y = new Tensor(
    backend().batchNorm(x.data, N, C, HW, mean, invStd, weight?.data ?? null, bias?.data ?? null),
    x.shape,
  );
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(y, 'NativeBatchNormBackward', inputs, (g) => {
    const grads = backend().batchNormBackward(
      g.data,
      x.data,
      N,
      C,
      HW,
      mean,
      invStd,
      weight?.data ?? null,
      useBatchStats,
      x.requiresGrad,
    );
    const out: (Tensor | null)[] = [grads.gx && new Tensor(grads.gx, x.shape)];
    if (weight) out.push(weight.requiresGrad ? new Tensor(grads.gWeight, weight.shape) : null);
    if (bias) out.push(bias.requiresGrad ? new Tensor(grads.gBias, bias.shape) : null);
    return out;
  });
}
