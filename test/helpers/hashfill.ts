/**
 * The "hash fill" of test/fixtures/generate.py (see hash_fill_ there): model
 * weights defined by a formula both sides compute bit-exactly, so golden
 * files need not store 130M parameters.
 */
import type { Module } from '../../src/nn/module.js';

function hashUnit(i: number, k: number): number {
  return (Math.imul((i + 1000003 * k) | 0, 2654435761 | 0) >>> 0) / 2 ** 32;
}

export function hashValues(k: number, key: string, shape: readonly number[]): Float32Array {
  const n = shape.reduce((p, d) => p * d, 1);
  const out = new Float32Array(n);
  if (key.endsWith('num_batches_tracked')) return out;
  const s = shape.length > 1 ? Math.sqrt(6.0 / (n / shape[0])) : 0;
  for (let i = 0; i < n; i++) {
    const u = hashUnit(i, k);
    if (key.endsWith('running_var')) out[i] = 0.5 + u;
    else if (key.endsWith('running_mean')) out[i] = (u - 0.5) * 0.2;
    else if (shape.length > 1) out[i] = (u - 0.5) * 2.0 * s;
    else if (key.endsWith('weight')) out[i] = 1.0 + (u - 0.5) * 0.2;
    else out[i] = (u - 0.5) * 0.2;
  }
  return out;
}

/** Overwrites every state-dict entry of `model` in place, in state-dict order. */
export function hashFill<M extends Module>(model: M): M {
  [...model.stateDict()].forEach(([key, t], k) => t.copy_(hashValues(k, key, t.shape)));
  return model;
}
