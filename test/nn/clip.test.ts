/** clipGradNorm_ against PyTorch 1.13's clip_grad_norm_; clipGradValue_. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor, zeros } from '../../src/tensor/creation.js';
import { Parameter } from '../../src/nn/parameter.js';
import { ArgumentError } from '../../src/errors.js';
import { clipGradNorm_, clipGradValue_ } from '../../src/nn/clip.js';
import { loadTensors, assertClose } from '../helpers/train.js';

const golden = loadTensors('clip.safetensors');
const cases = JSON.parse(golden.metadata.get('cases') as string) as {
  name: string;
  maxNorm: number;
  normType: number | 'inf';
}[];

function paramsWithGrads(): Parameter[] {
  return [0, 1, 2].map((i) => {
    const g = golden.get(`g.${i}`);
    const p = new Parameter(zeros(g.shape));
    p.grad = new Tensor(g.data.slice(), g.shape);
    return p;
  });
}

describe('clipGradNorm_ vs PyTorch 1.13', () => {
  for (const c of cases) {
    it(c.name, (tc) => {
      const params = paramsWithGrads();
      const total = clipGradNorm_(params, c.maxNorm, c.normType === 'inf' ? Infinity : c.normType);
      const eTotal = assertClose([total], golden.get(`${c.name}.total`).data, 1e-6, `${c.name} total norm`);
      let eGrad = 0;
      params.forEach((p, i) => {
        eGrad = Math.max(
          eGrad,
          assertClose(p.grad!.data, golden.get(`${c.name}.g.${i}`).data, 1e-6, `${c.name} grad ${i}`),
        );
      });
      tc.diagnostic(`total rel err ${eTotal.toExponential(2)}, grads rel err ${eGrad.toExponential(2)}`);
    });
  }
});

describe('clipping behaviour', () => {
  it('skips parameters without gradients; no gradients gives 0', () => {
    const a = new Parameter(zeros([2]));
    const b = new Parameter(zeros([2]));
    b.grad = tensor([3, 4]);
    assert.equal(clipGradNorm_([a, b], 1), 5);
    assert.ok(Math.abs(b.grad.data[0] - 0.6) < 1e-6 && a.grad === null);
    assert.equal(clipGradNorm_([a], 1), 0);
    assert.ok(Math.abs(clipGradNorm_(b, 10) - 1) < 1e-6, 'a single tensor works too');
  });

  it('errorIfNonfinite and bad arguments', () => {
    const p = new Parameter(zeros([2]));
    p.grad = tensor([Infinity, 1]);
    assert.throws(
      () => clipGradNorm_([p], 1, 2, { errorIfNonfinite: true }),
      (e: unknown) => e instanceof ArgumentError && /non-finite/.test((e as Error).message),
    );
    assert.throws(() => clipGradNorm_([p], NaN), ArgumentError);
    assert.throws(() => clipGradNorm_([p], -1), ArgumentError);
    assert.throws(() => clipGradNorm_([p], 1, 0), ArgumentError);
  });

  it('clipGradValue_ clamps every value', () => {
    const p = new Parameter(zeros([4]));
    p.grad = tensor([-3, -0.5, 0.5, 3]);
    clipGradValue_([p], 1);
    assert.deepEqual([...p.grad.data], [-1, -0.5, 0.5, 1]);
    assert.throws(() => clipGradValue_([p], -1), ArgumentError);
  });
});
