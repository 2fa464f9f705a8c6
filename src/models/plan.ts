/**
 * Prepared ("compiled") inference plans: `compileInferencePlan(model)` lowers
 * a VGG or a Sequential of supported layers (./lower.ts), fuses it (./fuse.ts)
 * and hands the result to the active backend's compileInferencePlan. The plan
 * always computes the inference (eval-mode) function, whatever
 * `model.training` says, and accepts any batch and input size the model does.
 * See src/backend/native/plan.ts for what the native plan prepares and holds.
 */
import type { Module } from '../nn/module.js';
import { backend } from '../backend/registry.js';
import { nativeLoadError } from '../backend/native/index.js';
import type { PlanGraph } from '../backend/graph.js';
import type { CompileInferencePlanOptions, InferencePlan } from '../backend/plan.js';
import { lowerModel, LoweringError } from './lower.js';
import { fuseForPlan } from './fuse.js';

export type {
  CompileInferencePlanOptions,
  InferencePlan,
  PlanConvAlgo,
  PlanMemory,
  PlanOpTiming,
} from '../backend/plan.js';

/** Why a model cannot become a plan (also returned as `reason` by tryCompileInferencePlan). */
export class PlanUnsupportedError extends Error {
  constructor(
    message: string,
    readonly path: string = '',
  ) {
    super(message);
    this.name = 'PlanUnsupportedError';
  }
}

/** Why the active backend cannot compile plans, or null when it can. */
export function inferencePlanUnavailable(): string | null {
  const active = backend();
  if (active.compileInferencePlan) return null;
  if (active.name === 'native')
    return 'the native addon was built without inference plans; rebuild it with `node native/build.mjs`';
  const nativeError = nativeLoadError();
  return `the ${active.name} backend has no inference plans${nativeError ? ` (native backend: ${nativeError})` : ''}`;
}

/** `model` as the ops of an inference plan; throws LoweringError for a model plans cannot run. */
export function planGraphOf(model: Module): PlanGraph {
  return fuseForPlan(lowerModel(model));
}

export type TryCompileResult = { plan: InferencePlan; reason: null } | { plan: null; reason: string };

/** Compiles `model` into a plan, or says why it cannot (no plan backend, or a layer the plan cannot run). */
export function tryCompileInferencePlan(model: Module, opts: CompileInferencePlanOptions = {}): TryCompileResult {
  const unavailable = inferencePlanUnavailable();
  if (unavailable) return { plan: null, reason: unavailable };
  const convAlgo = opts.convAlgo ?? 'auto';
  if (!['auto', 'winograd', 'direct'].includes(convAlgo))
    return { plan: null, reason: `unknown convAlgo "${String(convAlgo)}"` };
  let graph: PlanGraph;
  try {
    graph = planGraphOf(model);
  } catch (e) {
    if (e instanceof LoweringError) return { plan: null, reason: e.message };
    throw e;
  }
  return { plan: backend().compileInferencePlan!(graph, { convAlgo }), reason: null };
}

/** The plan for `model`, or null when the active backend has no plans or a layer cannot be planned (see tryCompileInferencePlan for why). */
export function compileInferencePlan(model: Module, opts: CompileInferencePlanOptions = {}): InferencePlan | null {
  return tryCompileInferencePlan(model, opts).plan;
}

/** Like compileInferencePlan, but throws PlanUnsupportedError with the reason instead of returning null. */
export function compileInferencePlanOrThrow(model: Module, opts: CompileInferencePlanOptions = {}): InferencePlan {
  const r = tryCompileInferencePlan(model, opts);
  if (!r.plan) throw new PlanUnsupportedError(r.reason);
  return r.plan;
}
