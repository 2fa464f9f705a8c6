/**
 * Looking inside a VGG: the classic layer names (conv1_1 … relu5_4, pool1 …
 * pool5, and bn1_1 … with batch norm), a feature extractor that returns the
 * activations of chosen layers, global embeddings (Keras' include_top=false
 * with pooling 'avg' or 'max'), and a perceptual loss over chosen layers.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { Conv2d } from '../nn/layers/conv.js';
import { BatchNorm2d } from '../nn/layers/batchnorm.js';
import { ReLU } from '../nn/layers/activation.js';
import { MaxPool2d } from '../nn/layers/pooling.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from '../tensor/autograd.js';
import { shapeToString } from '../tensor/shape.js';
import type { VGG } from './vgg.js';

/** Classic name → index in `features` ('conv1_1' → 0, 'relu1_1' → 1, 'pool1' → 4 in vgg16). */
export function featureLayerNames(model: VGG): Map<string, number> {
  const names = new Map<string, number>();
  let block = 1;
  let conv = 0;
  [...model.features].forEach((m, i) => {
    if (m instanceof Conv2d) names.set(`conv${block}_${++conv}`, i);
    else if (m instanceof BatchNorm2d) names.set(`bn${block}_${conv}`, i);
    else if (m instanceof ReLU) names.set(`relu${block}_${conv}`, i);
    else if (m instanceof MaxPool2d) {
      names.set(`pool${block}`, i);
      block++;
      conv = 0;
    }
  });
  return names;
}

/** Resolves 'relu3_3' or 'features.15' to an index into `features`. */
function resolveLayer(model: VGG, names: Map<string, number>, layer: string): number {
  const classic = names.get(layer);
  if (classic !== undefined) return classic;
  const m = /^features\.(\d+)$/.exec(layer);
  if (m && Number(m[1]) < model.features.length) return Number(m[1]);
  throw new ArgumentError(
    `unknown layer "${layer}"; use a classic name (${[...names.keys()].slice(0, 6).join(', ')}, …) or an index path such as features.0`,
  );
}

export interface FeatureExtractor {
  /** The requested layer names, in the order given. */
  readonly layers: readonly string[];
  /** Runs the trunk only as far as the deepest requested layer. */
  forward(x: Tensor): Map<string, Tensor>;
}

/**
 * Returns the activations of `layers` (classic names or 'features.N'). An
 * in-place ReLU that follows a captured layer would overwrite it, so such
 * outputs are copied before the ReLU runs; everything else is returned as is.
 */
export function createFeatureExtractor(model: VGG, layers: readonly string[]): FeatureExtractor {
  if (layers.length === 0) throw new ArgumentError('createFeatureExtractor needs at least one layer');
  const names = featureLayerNames(model);
  const wanted = new Map<number, string[]>();
  for (const l of layers) {
    const i = resolveLayer(model, names, l);
    wanted.set(i, [...(wanted.get(i) ?? []), l]);
  }
  const last = Math.max(...wanted.keys());
  const trunk = [...model.features];
  return {
    layers: [...layers],
    forward(x: Tensor): Map<string, Tensor> {
      const out = new Map<string, Tensor>();
      let h = x;
      for (let i = 0; i <= last; i++) {
        try {
          h = trunk[i].forward(h);
        } catch (e) {
          if (e instanceof ShapeError) e.enterModule(`features.${i}`);
          throw e;
        }
        const labels = wanted.get(i);
        if (!labels) continue;
        const next = trunk[i + 1];
        const overwritten = next instanceof ReLU && next.inplace && !(isGradEnabled() && h.requiresGrad);
        const value = overwritten ? h.clone() : h;
        for (const l of labels) out.set(l, value);
      }
      return new Map(layers.map((l) => [l, out.get(l)!]));
    },
  };
}

export type GlobalPooling = 'avg' | 'max';

/** Global average or max pooling of the last feature map: [N, C] image embeddings. */
export function embed(model: VGG, x: Tensor, pooling: GlobalPooling = 'avg'): Tensor {
  const maps = model.features.forward(x);
  if (maps.ndim !== 4) throw new ShapeError(`expected a 4-D feature map, got ${shapeToString(maps.shape)}`);
  const flat = maps.flatten(2);
  return pooling === 'avg' ? flat.mean(2) : flat.max(2).values;
}

/** Row-wise cosine similarity of a[N, D] with b[M, D] -> [N, M]. */
export function cosineSimilarity(a: Tensor, b: Tensor): Tensor {
  const norm = (t: Tensor): Tensor => t.div(t.mul(t).sum(1, true).sqrt().maximum(1e-12));
  return norm(a).matmul(norm(b).transpose(0, 1));
}

export interface PerceptualLossOptions {
  /** Weight of each layer's term (default 1 for every layer). */
  weights?: Readonly<Record<string, number>>;
  /** Squared error ('l2', the usual perceptual/content loss) or absolute error ('l1'). */
  kind?: 'l2' | 'l1';
}

/**
 * Σ_layer w_layer · mean(|φ(a) − φ(b)|^p) over the extractor's layers — differentiable
 * with respect to both images, so it can drive training or image optimisation.
 */
export function perceptualLoss(
  extractor: FeatureExtractor,
  a: Tensor,
  b: Tensor,
  opts: PerceptualLossOptions = {},
): Tensor {
  const fa = extractor.forward(a);
  const fb = extractor.forward(b);
  let total: Tensor | null = null;
  for (const layer of extractor.layers) {
    const diff = fa.get(layer)!.sub(fb.get(layer)!);
    const term = (opts.kind === 'l1' ? diff.abs() : diff.mul(diff)).mean().mul(opts.weights?.[layer] ?? 1);
    total = total ? total.add(term) : term;
  }
  return total!;
}
