/**
 * The TensorFlow.js WebAssembly peer of the forward bench: the same VGG, with
 * the same weights, built from tfjs-core ops on tfjs-backend-wasm (XNNPACK).
 *
 * tfjs wants NHWC activations and HWIO filters: conv weights [K][C][3][3] are
 * transposed to [3][3][C][K] once, and the first Linear's input columns are
 * permuted from PyTorch's (C, H, W) flatten order to NHWC's (H, W, C), so the
 * network computes the same function as ours on the transposed input. Convs
 * run as fused conv2d + bias + ReLU, Linears as fused matMul + bias (+ ReLU)
 * on weights transposed once to [in][out]: fused matMul with transposeB and a
 * bias gives wrong numbers on tfjs-backend-wasm 4.22.0 (max relative error
 * 0.3–0.5 on a 2×50 · 50×7 product), and transposeB = false is the layout
 * its XNNPACK path takes anyway. Plain VGGs only (no BatchNorm), at a size
 * where the adaptive average pool is the identity (224×224).
 *
 * The .wasm binaries ship inside the npm package and are loaded from its dist
 * folder: nothing is downloaded at run time. SIMD is used when the runtime
 * supports it; tfjs-backend-wasm disables its threaded build under Node
 * (tensorflow/tfjs#3830), so it runs on one thread.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths, getThreadsCount, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { nn, type VGG } from '../src/index.js';

const { Conv2d, Linear, MaxPool2d, ReLU, Dropout } = nn;

/** Selects the wasm backend; returns a one-line description of it. */
export async function initTfjsWasm(): Promise<string> {
  const dist = join(
    dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    'dist',
  );
  setWasmPaths(`${dist}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs-backend-wasm failed to initialise');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return `tfjs-backend-wasm ${version_wasm} (${simd ? 'SIMD' : 'no SIMD'}, ${getThreadsCount()} thread${getThreadsCount() === 1 ? '' : 's'})`;
}

type Layer =
  | { kind: 'conv'; filter: tf.Tensor4D; bias: tf.Tensor1D }
  | { kind: 'pool' }
  | { kind: 'linear'; weight: tf.Tensor2D; bias: tf.Tensor1D; relu: boolean }; // weight [in][out]

export interface TfjsVgg {
  /** Logits [batch, classes] for x = NCHW data [batch, 3, 224, 224] already transposed to NHWC. */
  run(x: tf.Tensor4D): Float32Array;
  dispose(): void;
}

function unsupported(what: string): never {
  throw new Error(`tfjs peer: ${what} (plain VGGs at 224×224 only)`);
}

/** Copies the model's weights into tfjs tensors in tfjs's layouts. */
export function tfjsVgg(model: VGG): TfjsVgg {
  const layers: Layer[] = [];
  let channels = 0;
  for (const m of model.features) {
    if (m instanceof Conv2d) {
      const ok =
        m.kernelSize.every((k) => k === 3) &&
        m.stride.every((s) => s === 1) &&
        m.padding.every((p) => p === 1) &&
        m.dilation.every((d) => d === 1) &&
        m.bias !== null;
      if (!ok) unsupported('a conv other than 3×3, stride 1, padding 1, with bias');
      const [K, C] = [m.outChannels, m.inChannels];
      const filter = tf.tidy(() => tf.transpose(tf.tensor4d(m.weight.data, [K, C, 3, 3]), [2, 3, 1, 0]));
      layers.push({ kind: 'conv', filter, bias: tf.tensor1d(m.bias!.data) });
      channels = K;
    } else if (m instanceof MaxPool2d) {
      layers.push({ kind: 'pool' });
    } else if (!(m instanceof ReLU)) {
      unsupported(`layer ${m.typeName()} in features`);
    }
  }
  const classifier = [...model.classifier];
  classifier.forEach((m, i) => {
    if (m instanceof Linear) {
      const weight = tf.tidy((): tf.Tensor2D => {
        if (layers.some((l) => l.kind === 'linear'))
          return tf.transpose(tf.tensor2d(m.weight.data, [m.outFeatures, m.inFeatures]));
        // Rows from (C, H, W) to (H, W, C): the order an NHWC map flattens in.
        const hw = Math.round(Math.sqrt(m.inFeatures / channels));
        if (hw * hw * channels !== m.inFeatures) unsupported('a first Linear that does not take C×H×H features');
        const w = tf.tensor4d(m.weight.data, [m.outFeatures, channels, hw, hw]);
        return tf.reshape<tf.Rank.R2>(tf.transpose(w, [2, 3, 1, 0]), [m.inFeatures, m.outFeatures]);
      });
      layers.push({ kind: 'linear', weight, bias: tf.tensor1d(m.bias!.data), relu: classifier[i + 1] instanceof ReLU });
    } else if (!(m instanceof ReLU || m instanceof Dropout)) {
      unsupported(`layer ${m.typeName()} in the classifier`);
    }
  });

  const forward = (x: tf.Tensor4D): tf.Tensor => {
    let h: tf.Tensor = x;
    for (const l of layers) {
      if (l.kind === 'conv') {
        h = tf.fused.conv2d({
          x: h as tf.Tensor4D,
          filter: l.filter,
          strides: 1,
          pad: 'same',
          bias: l.bias,
          activation: 'relu',
        });
      } else if (l.kind === 'pool') {
        h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid');
      } else {
        if (h.rank === 4) {
          if (h.shape[1] !== h.shape[2] || h.shape[1]! * h.shape[2]! * h.shape[3]! !== l.weight.shape[0])
            unsupported(`a ${h.shape[1]}×${h.shape[2]} map before the classifier`);
          h = tf.reshape(h, [h.shape[0], -1]);
        }
        h = tf.fused.matMul({ a: h as tf.Tensor2D, b: l.weight, bias: l.bias, activation: l.relu ? 'relu' : 'linear' });
      }
    }
    return h;
  };

  return {
    run(x) {
      const y = tf.tidy(() => forward(x));
      const out = y.dataSync() as Float32Array;
      y.dispose();
      return out;
    },
    dispose() {
      for (const l of layers) {
        if (l.kind === 'conv') tf.dispose([l.filter, l.bias]);
        else if (l.kind === 'linear') tf.dispose([l.weight, l.bias]);
      }
    },
  };
}

/** x [N, C, H, W] (plain NCHW) as a tfjs NHWC tensor. */
export function toNhwc(x: Float32Array, shape: readonly number[]): tf.Tensor4D {
  const [n, c, h, w] = shape;
  return tf.tidy(() => tf.transpose(tf.tensor4d(x, [n, c, h, w]), [0, 2, 3, 1]));
}
