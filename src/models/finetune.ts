/**
 * Fine-tuning a pretrained VGG for new classes: a fresh last Linear layer
 * sized for them, and (usually) the convolutional trunk frozen so only the
 * classifier learns. See nn/freeze.ts for what freezing does and costs.
 */
import { ArgumentError } from '../errors.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { Sequential } from '../nn/layers/sequential.js';
import { constant_, normal_ } from '../nn/init.js';
import { freeze } from '../nn/freeze.js';
import type { Generator } from '../tensor/rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { tryCompileInferencePlan } from './plan.js';
import { VGG } from './vgg.js';

export interface ReplaceHeadOptions {
  /** Draws the new weights (default: the global generator). */
  generator?: Generator;
}

export interface ReplacedHead {
  /** Where the new layer sits, e.g. 'classifier.6'. */
  key: string;
  head: Linear;
  /** The layer it replaced (with the pretrained weights). */
  previous: Linear;
}

function checkNumClasses(numClasses: unknown): asserts numClasses is number {
  if (typeof numClasses !== 'number' || !Number.isInteger(numClasses) || numClasses < 1) {
    throw new ArgumentError(`numClasses must be a positive integer, got ${String(numClasses)}`);
  }
}

/** The last Linear in module order (classifier.6 in a VGG) with its key, or null. */
function lastLinear(model: Module): { key: string; layer: Linear } | null {
  let found: { key: string; layer: Linear } | null = null;
  for (const [key, m] of model.namedModules()) if (m instanceof Linear) found = { key, layer: m };
  return found;
}

/**
 * Swaps the model's last Linear layer (classifier.6 in a VGG) for a new one
 * with `numClasses` outputs, initialised as VGG initialises its linears:
 * normal(0, σ) weights with the model's own σ (0.01 at torchvision's width),
 * zero bias. The model's architecture() then reports the new class count, so
 * saveModel / loadModel round-trip it. The layer must sit in a Sequential,
 * whose forward reads its children by key; another parent may hold it in a
 * field this function cannot see.
 */
export function replaceClassifierHead(model: Module, numClasses: number, opts: ReplaceHeadOptions = {}): ReplacedHead {
  if (!(model instanceof Module)) throw new ArgumentError('replaceClassifierHead needs a Module');
  checkNumClasses(numClasses);
  const found = lastLinear(model);
  if (!found || found.key === '')
    throw new ArgumentError(`replaceClassifierHead: ${model.typeName()} has no Linear layer inside it to replace`);
  const { key, layer } = found;
  const dot = key.lastIndexOf('.');
  const parent = dot < 0 ? model : model.getSubmodule(key.slice(0, dot));
  if (!(parent instanceof Sequential)) {
    throw new ArgumentError(
      `replaceClassifierHead: the last Linear (${key}) sits in a ${parent.typeName()}, not a Sequential; replace it there yourself`,
    );
  }
  // As in PyTorch, constructing the Linear draws its default initialisation from
  // the global generator before the VGG initialisation below overwrites it.
  const head = new Linear(layer.inFeatures, numClasses, { bias: layer.bias !== null });
  normal_(head.weight, 0, model instanceof VGG ? model.linearInitStd() : 0.01, opts.generator);
  if (head.bias) constant_(head.bias, 0);
  head.training = layer.training;
  parent.set(Number(key.slice(dot + 1)), head);
  return { key, head, previous: layer };
}

export interface PrepareFineTuneOptions extends ReplaceHeadOptions {
  numClasses: number;
  /** Freeze the convolutional trunk, `features` (default true). */
  freezeFeatures?: boolean;
  /**
   * Also keep the frozen trunk in evaluation mode, so its BatchNorm layers use
   * and keep their pretrained running statistics (default false, PyTorch's
   * behaviour after requires_grad_(False): they keep updating in training).
   */
  featuresEval?: boolean;
}

/** The usual recipe in one call: a new head for `numClasses`, `features` frozen. Nothing changes if an option is wrong. */
export function prepareFineTune(model: Module, opts: PrepareFineTuneOptions): ReplacedHead {
  if (!(model instanceof Module)) throw new ArgumentError('prepareFineTune needs a Module');
  if (opts === null || typeof opts !== 'object')
    throw new ArgumentError('prepareFineTune needs options with numClasses');
  checkNumClasses(opts.numClasses);
  const freezeFeatures = opts.freezeFeatures ?? true;
  const features = freezeFeatures ? model.getChild('features') : undefined;
  if (freezeFeatures && !features)
    throw new ArgumentError(
      `prepareFineTune: ${model.typeName()} has no "features" to freeze (pass freezeFeatures: false)`,
    );
  const replaced = replaceClassifierHead(model, opts.numClasses, opts);
  if (features) freeze(features, { eval: opts.featuresEval ?? false });
  return replaced;
}

/** A training forward for a VGG whose `features` are frozen (see frozenFeaturesForward). */
export interface FrozenFeaturesForward {
  /** Logits for x [N, C, H, W]; gradients reach the classifier only. */
  forward(x: Tensor): Tensor;
  /** Whether the trunk runs as an inference plan (false: layer by layer). */
  readonly planned: boolean;
  /** Frees the plan's prepared weights; the model itself is untouched. */
  dispose(): void;
}

/**
 * Frozen features never change while they stay frozen, so they can run as a
 * native inference plan (weights transformed once, conv + ReLU + pool fused),
 * 2–3× faster than layer by layer; the classifier runs on the backend with
 * autograd. Without the addon, or for layers a plan cannot take, the forward
 * is the model's own. Unfreezing or editing the features afterwards needs a
 * new one.
 */
export function frozenFeaturesForward(model: VGG): FrozenFeaturesForward {
  const trunk = tryCompileInferencePlan(model.features).plan;
  return {
    forward: (x) => (trunk ? model.head(trunk.forward(x)) : model.forward(x)),
    planned: trunk !== null,
    dispose: () => trunk?.dispose(),
  };
}
