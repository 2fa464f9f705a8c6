/** Every op and its gradients against PyTorch 1.13's numbers, on every backend. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadGolden, assertClose, listBackends } from '../helpers/golden.js';
import { withBackend } from '../../src/backend/registry.js';
import { Tensor } from '../../src/tensor/tensor.js';
import * as F from '../../src/nn/functional.js';
import { maxPool2d } from '../../src/tensor/ops/pool.js';

const FWD = 1e-5;
const GRAD = 1e-5;

/** A fresh leaf that requires grad, holding the golden values. */
function leaf(t: Tensor): Tensor {
  return new Tensor(t.data.slice(), t.shape).requiresGrad_();
}

/** Runs forward, backpropagates the golden upstream gradient and compares outputs and gradients. */
function check(
  name: string,
  forward: (get: (n: string) => Tensor) => { y: Tensor; grads: Record<string, Tensor> },
  yName = 'y',
): void {
  const g = loadGolden(name);
  const inputs = new Map<string, Tensor>();
  const get = (n: string): Tensor => {
    if (!inputs.has(n)) inputs.set(n, leaf(g.get(n)));
    return inputs.get(n)!;
  };
  const { y, grads } = forward(get);
  assertClose(y, g.get(yName), FWD, `${name} forward`);
  if (g.has('gy')) {
    y.backward(g.get('gy'));
    for (const [expectedName, source] of Object.entries(grads)) {
      assert.ok(source.grad, `${name}: no gradient reached ${expectedName}`);
      assertClose(source.grad, g.get(expectedName), GRAD, `${name} ${expectedName}`);
    }
  }
}

for (const backendName of listBackends()) {
  describe(`golden ops [${backendName}]`, () => {
    const run = (fn: () => void) => () => withBackend(backendName, fn);

    for (const name of [
      'conv2d_basic',
      'conv2d_stride_pad',
      'conv2d_dilation',
      'conv2d_1x1_stride2',
      'conv2d_nobias',
    ]) {
      it(
        name,
        run(() => {
          const meta = loadGolden(name).meta as {
            stride: [number, number];
            padding: [number, number];
            dilation: [number, number];
            bias: boolean;
          };
          check(name, (get) => {
            const b = meta.bias ? get('b') : null;
            const y = F.conv2d(get('x'), get('w'), b, meta);
            return { y, grads: { gx: get('x'), gw: get('w'), ...(b ? { gb: b } : {}) } };
          });
        }),
      );
    }

    for (const name of [
      'maxpool2d_k2s2',
      'maxpool2d_k2s2_odd',
      'maxpool2d_k3s2p1',
      'maxpool2d_k3s2_ceil',
      'maxpool2d_k2s1_dil2',
      'maxpool2d_k3s3p1_ceil',
    ]) {
      it(
        name,
        run(() => {
          const m = loadGolden(name).meta as {
            kernel: [number, number];
            stride: [number, number];
            padding: [number, number];
            dilation: [number, number];
            ceil_mode: boolean;
          };
          check(name, (get) => ({
            y: maxPool2d(get('x'), m.kernel, {
              stride: m.stride,
              padding: m.padding,
              dilation: m.dilation,
              ceilMode: m.ceil_mode,
            }),
            grads: { gx: get('x') },
          }));
        }),
      );
    }

    for (const name of [
      'adaptiveavg_14to7',
      'adaptiveavg_13x10to7',
      'adaptiveavg_4to7_up',
      'adaptiveavg_5x7to3x4',
      'adaptiveavg_1to7',
      'adaptiveavg_9x5to2x6',
    ]) {
      it(
        name,
        run(() => {
          const size = loadGolden(name).meta.output_size as [number, number];
          check(name, (get) => ({ y: F.adaptiveAvgPool2d(get('x'), size), grads: { gx: get('x') } }));
        }),
      );
    }

    it(
      'batchnorm_train (batch statistics, running update)',
      run(() => {
        const g = loadGolden('batchnorm_train');
        const rm = g.get('running_mean');
        const rv = g.get('running_var');
        check('batchnorm_train', (get) => ({
          y: F.batchNorm(get('x'), rm, rv, get('weight'), get('bias'), { training: true, momentum: 0.1, eps: 1e-5 }),
          grads: { gx: get('x'), gweight: get('weight'), gbias: get('bias') },
        }));
        assertClose(rm, g.get('running_mean_after'), FWD, 'running_mean after');
        assertClose(rv, g.get('running_var_after'), FWD, 'running_var after');
      }),
    );

    it(
      'batchnorm_eval (running statistics)',
      run(() => {
        const g = loadGolden('batchnorm_eval');
        check('batchnorm_eval', (get) => ({
          y: F.batchNorm(get('x'), g.get('running_mean'), g.get('running_var'), get('weight'), get('bias'), {
            training: false,
            momentum: 0.1,
            eps: 1e-5,
          }),
          grads: { gx: get('x'), gweight: get('weight'), gbias: get('bias') },
        }));
      }),
    );

    it(
      'linear',
      run(() =>
        check('linear', (get) => ({
          y: F.linear(get('x'), get('w'), get('b')),
          grads: { gx: get('x'), gw: get('w'), gb: get('b') },
        })),
      ),
    );
    it(
      'softmax_dim1',
      run(() => check('softmax_dim1', (get) => ({ y: get('x').softmax(1), grads: { gx: get('x') } }))),
    );
    it(
      'logsoftmax_dim1',
      run(() => check('logsoftmax_dim1', (get) => ({ y: get('x').logSoftmax(1), grads: { gx: get('x') } }))),
    );
    it(
      'logsoftmax_dim0',
      run(() => check('logsoftmax_dim0', (get) => ({ y: get('x').logSoftmax(0), grads: { gx: get('x') } }))),
    );
    it(
      'sum over dims (0, 2) keepdim',
      run(() => check('sum_dims', (get) => ({ y: get('x').sum([0, 2], true), grads: { gx: get('x') } }))),
    );
    it(
      'mean over dim 1',
      run(() => check('mean_dim1', (get) => ({ y: get('x').mean(1), grads: { gx: get('x') } }))),
    );
    it(
      'max over dim 1 (values, indices, gradient to the argmax)',
      run(() => {
        check('max_dim1', (get) => ({ y: get('x').max(1).values, grads: { gx: get('x') } }));
        const g = loadGolden('max_dim1');
        assert.deepEqual([...g.get('x').max(1).indices.data], [...g.get('indices').data]);
      }),
    );
    it(
      'argmax over dim 1',
      run(() => {
        const g = loadGolden('argmax_dim1');
        assert.deepEqual([...g.get('x').argmax(1).data], [...g.get('indices').data]);
      }),
    );
    it(
      'matmul 2-D',
      run(() => check('matmul_2d', (get) => ({ y: get('a').matmul(get('b')), grads: { ga: get('a'), gb: get('b') } }))),
    );
    it(
      'matmul batched',
      run(() =>
        check('matmul_batched', (get) => ({ y: get('a').matmul(get('b')), grads: { ga: get('a'), gb: get('b') } })),
      ),
    );

    it(
      'broadcasting add, sub, mul, div with gradients',
      run(() => {
        for (const op of ['add', 'sub', 'mul', 'div'] as const) {
          check(
            'broadcast_ops',
            (get) => {
              const a = leaf(get('a'));
              const b = leaf(get(op === 'div' ? 'bpos' : 'b'));
              return { y: a[op](b), grads: { [`ga_${op}`]: a, [`gb_${op}`]: b } };
            },
            `y_${op}`,
          );
        }
      }),
    );

    it(
      'unary ops with gradients',
      run(() => {
        const g = loadGolden('unary_ops');
        const inputs = g.meta.inputs as Record<string, string>;
        const apply: Record<string, (t: Tensor) => Tensor> = {
          exp: (t) => t.exp(),
          log: (t) => t.log(),
          sqrt: (t) => t.sqrt(),
          relu: (t) => t.relu(),
          neg: (t) => t.neg(),
          sigmoid: (t) => t.sigmoid(),
          tanh: (t) => t.tanh(),
          abs: (t) => t.abs(),
          pow: (t) => t.pow(2),
          pow_half: (t) => t.pow(0.5),
        };
        for (const [op, fn] of Object.entries(apply)) {
          check(
            'unary_ops',
            (get) => {
              const x = leaf(get(inputs[op]));
              return { y: fn(x), grads: { [`g_${op}`]: x } };
            },
            op,
          );
        }
      }),
    );
  });
}
