/**
 * A model's inference forward through a cached inference plan, so that
 * `noGrad(() => model.eval().forward(x))` runs as fast as a plan compiled by
 * hand, and never on stale weights.
 *
 * The first such forward compiles the model (compileInferencePlan) and keeps
 * the plan; later ones reuse it while a snapshot of the model is unchanged.
 * The snapshot is taken on every call (well under a millisecond for a VGG):
 * every module by identity and every field of every module by value (flags,
 * sizes, eps, an instance's own forward, the registered parameter, buffer and
 * child maps), every tensor by identity and version (Tensor.version), and the
 * active backend. So in-place writes (optimizer steps, loadStateDict, nn.init,
 * Tensor methods ending in `_`, BatchNorm's running statistics), replacing a
 * layer, a parameter or a forward, and train()/eval() all make the next
 * forward compile a new plan, and the old one is freed at once. A forward that
 * trains or records a graph frees the plan too, since the weights are about to
 * change. The one thing a snapshot cannot see is a write straight into
 * `tensor.data`: call `tensor.markDirty()` or `model.clearInferenceCache()`
 * after it.
 */
import type { InferencePlan, PlanMemory } from '../backend/plan.js';
import { compileInferencePlan } from './plan.js';
import { backend } from '../backend/registry.js';
import { Module } from '../nn/module.js';
import { isGradEnabled } from '../tensor/autograd.js';
import { Tensor } from '../tensor/tensor.js';

export type { PlanMemory };

interface CacheEntry {
  snapshot: unknown[];
  /** null when the model cannot become a plan: such a model runs layer by layer without retrying. */
  plan: InferencePlan | null;
}

const cache = new WeakMap<Module, CacheEntry>();

/**
 * `model`'s output for `x` through its cached plan, or null when the forward
 * has to run layer by layer: caching is off (`enabled`, VGG_INFERENCE_CACHE=0),
 * a module is in training mode, autograd would record a graph, the backend has
 * no plans, or the plan cannot take the model or the input (the layer-by-layer
 * forward then throws the usual error).
 */
export function cachedInferenceForward(model: Module, x: Tensor, enabled: boolean): Tensor | null {
  if (!enabled || cacheTurnedOff() || model.training) {
    clearInferenceCache(model);
    return null;
  }
  // Plans run on backends that compile them, on NCHW input.
  if (!backend().compileInferencePlan || x.ndim !== 4) return null;
  const snap = takeSnapshot(model);
  if (!snap || (isGradEnabled() && (x.requiresGrad || snap.requiresGrad))) {
    clearInferenceCache(model);
    return null;
  }
  let entry = cache.get(model);
  if (!entry || !sameValues(entry.snapshot, snap.values)) {
    clearInferenceCache(model);
    entry = { snapshot: snap.values, plan: compileInferencePlan(model) };
    cache.set(model, entry);
  }
  if (!entry.plan) return null;
  try {
    return entry.plan.forward(x);
  } catch {
    return null;
  }
}

function cacheTurnedOff(): boolean {
  return typeof process !== 'undefined' && process.env.VGG_INFERENCE_CACHE === '0';
}

/** Frees `model`'s cached plan now (the garbage collector would, later). */
export function clearInferenceCache(model: Module): void {
  cache.get(model)?.plan?.dispose();
  cache.delete(model);
}

/** What `model`'s cached plan holds, or null when none is cached. */
export function inferenceCacheMemory(model: Module): PlanMemory | null {
  return cache.get(model)?.plan?.memory() ?? null;
}

/** Closes each object's values in a snapshot, so that fields cannot shift from one object to the next unnoticed. */
const END = Symbol('end');

/** The model flattened into comparable values; null when a module is in training mode. */
function takeSnapshot(model: Module): { values: unknown[]; requiresGrad: boolean } | null {
  const values: unknown[] = [backend()];
  const seen = new Set<object>();
  let requiresGrad = false;
  let training = false;
  const visit = (v: unknown): void => {
    if (v instanceof Tensor) {
      values.push(v, v.version);
      requiresGrad ||= v.requiresGrad;
      return;
    }
    values.push(v);
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if (v instanceof Module) training ||= v.training;
    const fields =
      v instanceof Map || v instanceof Set
        ? v.entries()
        : v instanceof Module || Array.isArray(v) || Object.getPrototypeOf(v) === Object.prototype
          ? Object.entries(v)
          : []; // other class instances (a Dropout's Generator) count by identity: their state is not the model's
    for (const [key, field] of fields) {
      values.push(key);
      visit(field);
    }
    values.push(END);
  };
  visit(model);
  return training ? null : { values, requiresGrad };
}

function sameValues(a: unknown[], b: unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}
