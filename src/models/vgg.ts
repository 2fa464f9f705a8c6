/**
 * The VGG family as data: a table of layer configurations, one class, and
 * thin builders — the shape of torchvision's models/vgg.py, with the same
 * module keys so its checkpoints load without remapping.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import { Module } from '../nn/module.js';
import { Conv2d } from '../nn/layers/conv.js';
import { BatchNorm2d } from '../nn/layers/batchnorm.js';
import { ReLU } from '../nn/layers/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../nn/layers/pooling.js';
import { Linear } from '../nn/layers/linear.js';
import { Dropout } from '../nn/layers/dropout.js';
import { Sequential } from '../nn/layers/sequential.js';
import { constant_, kaimingNormal_, normal_ } from '../nn/init.js';
import type { Tensor } from '../tensor/tensor.js';
import { classesForWeights, resolveWeights, type Weights } from './weights.js';
import { loadCachedWeights } from '#platform/pretrained';
import {
  cachedInferenceForward,
  clearInferenceCache,
  inferenceCacheMemory,
  type PlanMemory,
} from './inference-cache.js';

/** A layer list: a number is a 3×3 conv with that many output channels, 'M' a 2×2 max-pool. */
export type VggConfig = readonly (number | 'M')[];

export const cfgs: Readonly<Record<'A' | 'B' | 'D' | 'E', VggConfig>> = Object.freeze({
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
});

export interface MakeLayersOptions {
  batchNorm?: boolean;
  inChannels?: number;
}

/** The convolutional trunk: conv(3×3, pad 1) [+ BatchNorm] + ReLU per number, MaxPool(2, 2) per 'M'. */
export function makeLayers(cfg: VggConfig, opts: MakeLayersOptions = {}): Sequential {
  let inChannels = opts.inChannels ?? 3;
  if (!Number.isInteger(inChannels) || inChannels < 1)
    throw new ArgumentError(`inChannels must be a positive integer, got ${inChannels}`);
  const layers = new Sequential();
  for (const v of cfg) {
    if (v === 'M') {
      layers.append(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    if (!Number.isInteger(v) || v < 1)
      throw new ArgumentError(`VGG config entries must be positive integers or 'M', got ${JSON.stringify(v)}`);
    layers.append(new Conv2d(inChannels, v, 3, { padding: 1 }));
    if (opts.batchNorm) layers.append(new BatchNorm2d(v));
    layers.append(new ReLU(true));
    inChannels = v;
  }
  return layers;
}

export interface VggOptions {
  numClasses?: number;
  initWeights?: boolean;
  dropout?: number;
  /**
   * Width of the two hidden classifier layers (4096 in every torchvision VGG).
   * An extension for small models, e.g. 28×28 images, where 4096 would be
   * most of the parameters.
   */
  hiddenFeatures?: number;
  /** Output size of the adaptive average pool (7 in torchvision). */
  poolSize?: number;
}

export class VGG extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  readonly classifier: Sequential;
  /**
   * Whether forwards in eval mode that record no graph (inside noGrad, or with
   * nothing requiring a gradient) run through a cached inference plan, rebuilt
   * whenever the model changes (see inference-cache.ts). Turning it off frees
   * the plan's memory (its prepared conv weights, see inferenceCacheMemory)
   * and runs layer by layer; VGG_INFERENCE_CACHE=0 turns it off everywhere.
   */
  inferenceCache = true;

  /**
   * The first classifier layer takes (channels of the last conv) × 7 × 7
   * inputs: 25088 for the standard configs, as in torchvision, and the right
   * size for custom trunks that end with fewer channels.
   */
  constructor(features: Sequential, opts: VggOptions = {}) {
    super();
    const numClasses = opts.numClasses ?? 1000;
    const p = opts.dropout ?? 0.5;
    const hidden = opts.hiddenFeatures ?? 4096;
    const pool = opts.poolSize ?? 7;
    for (const [what, v] of [
      ['numClasses', numClasses],
      ['hiddenFeatures', hidden],
      ['poolSize', pool],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`${what} must be a positive integer, got ${v}`);
    }
    this.features = this.registerModule('features', features);
    this.avgpool = this.registerModule('avgpool', new AdaptiveAvgPool2d([pool, pool]));
    this.classifier = this.registerModule(
      'classifier',
      new Sequential(
        new Linear(lastChannels(features) * pool * pool, hidden),
        new ReLU(true),
        new Dropout(p),
        new Linear(hidden, hidden),
        new ReLU(true),
        new Dropout(p),
        new Linear(hidden, numClasses),
      ),
    );
    if (opts.initWeights ?? true) this.initializeWeights();
  }

  /**
   * torchvision's scheme: He-normal (fan-out) convs, unit BatchNorm, N(0, 0.01)
   * linears, zero biases. The 0.01 is tuned for 4096-wide hidden layers; a
   * narrower classifier (hiddenFeatures) scales it by √(4096 / width) so the
   * signal keeps the same size through the layers and small models still learn.
   */
  initializeWeights(): void {
    const linearStd = this.linearInitStd();
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        if (m.weight) constant_(m.weight, 1);
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof Linear) {
        normal_(m.weight, 0, linearStd);
        if (m.bias) constant_(m.bias, 0);
      }
    }
  }

  /** The standard deviation initializeWeights draws Linear weights with (0.01 at torchvision's width). */
  linearInitStd(): number {
    return 0.01 * Math.sqrt(4096 / (this.classifier.at(0) as Linear).outFeatures);
  }

  /**
   * The model as data (its layer list and options), or null when `features`
   * is not a makeLayers trunk. Saved with checkpoints so they rebuild themselves.
   */
  architecture(): VggArchitecture | null {
    const cfg: (number | 'M')[] = [];
    let batchNorm = false;
    let inChannels: number | null = null;
    for (const m of this.features) {
      if (m instanceof Conv2d) {
        inChannels ??= m.inChannels;
        cfg.push(m.outChannels);
      } else if (m instanceof MaxPool2d) cfg.push('M');
      else if (m instanceof BatchNorm2d) batchNorm = true;
      else if (!(m instanceof ReLU)) return null;
    }
    const first = this.classifier.at(0) as Linear;
    const last = this.classifier.at(-1) as Linear;
    const dropout = (this.classifier.at(2) as Dropout).p;
    const poolSize = this.avgpool.outputSize as [number, number];
    return {
      cfg,
      batchNorm,
      inChannels: inChannels ?? 3,
      numClasses: last.outFeatures,
      hiddenFeatures: first.outFeatures,
      dropout,
      poolSize: poolSize[0],
    };
  }

  /** The smallest square input the pools accept: each 2×2 pool halves the map. */
  minInputSize(): number {
    return 2 ** [...this.features].filter((m) => m instanceof MaxPool2d).length;
  }

  /** Frees the cached inference plan now; the next eval forward without grad compiles a new one. */
  clearInferenceCache(): void {
    clearInferenceCache(this);
  }

  /** What the cached inference plan holds (bytes), or null when none is cached. */
  inferenceCacheMemory(): PlanMemory | null {
    return inferenceCacheMemory(this);
  }

  forward(x: Tensor): Tensor {
    // A subclass's own head is not what a plan of features → avgpool → classifier computes.
    const plannable = this.inferenceCache && this.head === VGG.prototype.head;
    const planned = cachedInferenceForward(this, x, plannable);
    if (planned) return planned;
    try {
      x = this.callChild('features', this.features, x);
    } catch (e) {
      if (e instanceof ShapeError && /too small/.test(e.detail)) {
        const s = this.minInputSize();
        throw new ShapeError(`${e.message} (this VGG needs inputs of at least ${s}x${s})`);
      }
      throw e;
    }
    return this.head(x);
  }

  /** The rest of forward after `features`: avgpool, flatten, classifier (for features computed elsewhere). */
  head(features: Tensor): Tensor {
    const x = this.callChild('avgpool', this.avgpool, features);
    return this.callChild('classifier', this.classifier, x.flatten(1));
  }
}

function lastChannels(features: Sequential): number {
  const convs = [...features.modules()].filter((m): m is Conv2d => m instanceof Conv2d);
  return convs.length ? convs[convs.length - 1].outChannels : 512;
}

/** Everything needed to rebuild a makeLayers-based VGG. */
export interface VggArchitecture {
  cfg: (number | 'M')[];
  batchNorm: boolean;
  inChannels: number;
  numClasses: number;
  hiddenFeatures: number;
  dropout: number;
  poolSize: number;
}

/** Builds the VGG an architecture record describes (weights initialised, to be replaced by loading). */
export function buildVgg(a: VggArchitecture, opts: Pick<VggOptions, 'initWeights'> = {}): VGG {
  return new VGG(makeLayers(a.cfg, { batchNorm: a.batchNorm, inChannels: a.inChannels }), {
    numClasses: a.numClasses,
    hiddenFeatures: a.hiddenFeatures,
    dropout: a.dropout,
    poolSize: a.poolSize,
    initWeights: opts.initWeights,
  });
}

export interface VggBuilderOptions extends VggOptions {
  /**
   * Pretrained weights: 'DEFAULT', 'IMAGENET1K_V1', a full name such as
   * 'VGG16_Weights.IMAGENET1K_V1', or a Weights object. Builders are
   * synchronous and read the torch.hub cache; getModel() downloads first.
   */
  weights?: string | Weights | null;
}

function builder(arch: string, cfg: keyof typeof cfgs, batchNorm: boolean) {
  return (opts: VggBuilderOptions = {}): VGG => {
    const w = resolveWeights(arch, opts.weights);
    if (!w) return new VGG(makeLayers(cfgs[cfg], { batchNorm }), opts);
    const model = new VGG(makeLayers(cfgs[cfg], { batchNorm }), {
      ...opts,
      numClasses: classesForWeights(w, opts.numClasses),
      initWeights: false,
    });
    loadCachedWeights(model, w);
    return model;
  };
}

export const vgg11 = builder('vgg11', 'A', false);
export const vgg11_bn = builder('vgg11_bn', 'A', true);
export const vgg13 = builder('vgg13', 'B', false);
export const vgg13_bn = builder('vgg13_bn', 'B', true);
export const vgg16 = builder('vgg16', 'D', false);
export const vgg16_bn = builder('vgg16_bn', 'D', true);
export const vgg19 = builder('vgg19', 'E', false);
export const vgg19_bn = builder('vgg19_bn', 'E', true);

/** Every builder by its torchvision name. */
export const vggBuilders: Readonly<Record<string, (opts?: VggBuilderOptions) => VGG>> = Object.freeze({
  vgg11,
  vgg11_bn,
  vgg13,
  vgg13_bn,
  vgg16,
  vgg16_bn,
  vgg19,
  vgg19_bn,
});
