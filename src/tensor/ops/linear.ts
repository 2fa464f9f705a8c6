/** Fully connected layer maths: y = x·Wᵀ + b over the last axis. */
import { backend } from '../../backend/registry.js';
import { ShapeError } from '../../errors.js';
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { shapeToString } from '../shape.js';

/** x[..., in], weight[out, in], bias[out] -> [..., out]. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const [O, I] = weight.shape;
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== I) {
    throw new ShapeError(
      `mat1 and mat2 shapes cannot be multiplied: input ${shapeToString(x.shape)} has ${x.shape[x.ndim - 1]} features, weight ${shapeToString(weight.shape)} expects ${I}`,
    );
  }
  const M = x.numel / I;
  const y = new Float32Array(M * O);
  if (bias) for (let m = 0; m < M; m++) y.set(bias.data, m * O);
  backend().gemm(false, true, M, O, I, 1, x.data, weight.data, bias ? 1 : 0, y);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record(new Tensor(y, [...x.shape.slice(0, -1), O]), 'AddmmBackward', inputs, (g) => {
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      const d = new Float32Array(M * I);
      backend().gemm(false, false, M, I, O, 1, g.data, weight.data, 0, d);
      gx = new Tensor(d, x.shape);
    }
    if (weight.requiresGrad) {
      const d = new Float32Array(O * I);
      backend().gemm(true, false, O, I, M, 1, g.data, x.data, 0, d);
      gw = new Tensor(d, weight.shape);
    }
    return [gx, gw, bias?.requiresGrad ? new Tensor(backend().sumAxis(g.data, 1, M, O), bias.shape) : null];
  });
}
