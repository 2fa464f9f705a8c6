/** Reads the golden files written by test/fixtures/generate.py from real PyTorch. */
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { decodeRawSafetensors } from '../../src/io/safetensors.js';
import { toFloat32 } from '../../src/io/raw-tensor.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fixturePath } from './paths.js';

export interface Golden {
  meta: Record<string, unknown>;
  names: string[];
  has(name: string): boolean;
  get(name: string): Tensor;
}

export function loadGolden(name: string): Golden {
  const { tensors, metadata } = decodeRawSafetensors(readFileSync(fixturePath('golden', `${name}.safetensors`)));
  return {
    meta: JSON.parse(metadata.get('meta') ?? '{}') as Record<string, unknown>,
    names: [...tensors.keys()],
    has: (n) => tensors.has(n),
    get: (n) => {
      const raw = tensors.get(n);
      if (!raw) throw new Error(`golden ${name} has no tensor ${n}`);
      return new Tensor(toFloat32(raw), raw.shape);
    },
  };
}

export function loadGoldenJson<T>(file: string): T {
  return JSON.parse(readFileSync(fixturePath('golden', file), 'utf8')) as T;
}

/** max |a − b| / max |b|: the relative error the issues' tolerances are stated in. */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`length mismatch ${actual.length} vs ${expected.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= diff)) diff = d; // a NaN difference propagates
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Asserts equal shapes, no NaN, and relative error within `tol`. */
export function assertClose(actual: Tensor, expected: Tensor, tol: number, what: string): void {
  assert.deepEqual([...actual.shape], [...expected.shape], `${what}: shape`);
  assert.ok(!actual.data.some(Number.isNaN), `${what}: NaN in result`);
  const err = relError(actual.data, expected.data);
  assert.ok(err <= tol, `${what}: relative error ${err.toExponential(3)} > ${tol}`);
}

/** Every backend under test, so each golden check runs once per backend. */
export { testBackends as listBackends } from './backends.js';
