/**
 * Freezing part of a model (fine-tuning, transfer learning): its parameters
 * stop requiring gradients, so they stop learning and stop costing anything.
 *
 * Why they cost nothing: ops connect their output to the graph only when an
 * input requires a gradient, so a frozen trunk fed with a plain input runs
 * forward only; backward computes no gradient for a frozen weight or bias and
 * no input gradient for the first trainable layer after a frozen part; and
 * optimizers skip parameters without a gradient, weight decay included.
 *
 * BatchNorm behaves as in PyTorch: requires_grad_(False) stops its weight
 * and bias from learning, but in training mode it still normalises with each
 * batch's statistics and updates running_mean, running_var and
 * num_batches_tracked. `freeze(m, { eval: true })` also keeps the module in
 * evaluation mode, through later model.train() calls, so the pretrained
 * statistics are used and left unchanged.
 */
import { ArgumentError } from '../errors.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

export interface FreezeOptions {
  /** Keep the module (and its descendants) in evaluation mode until unfreeze (default false). */
  eval?: boolean;
}

function checkModule(module: unknown, where: string): asserts module is Module {
  if (!(module instanceof Module))
    throw new ArgumentError(`${where} needs a Module, got ${module === null ? 'null' : typeof module}`);
}

/**
 * Stops every parameter of `module` from learning. Gradients already stored
 * are dropped too: an optimizer would otherwise apply them again at each step.
 */
export function freeze<M extends Module>(module: M, opts: FreezeOptions = {}): M {
  checkModule(module, 'freeze');
  for (const p of module.parameters()) {
    p.requiresGrad = false;
    p.grad = null;
  }
  if (opts.eval) {
    for (const m of module.modules()) {
      m.keepEval = true;
      m.training = false;
    }
  }
  return module;
}

/**
 * Makes every parameter of `module` learn again and lifts freeze's `eval`
 * pin; the module returns to training mode at the model's next train().
 */
export function unfreeze<M extends Module>(module: M): M {
  checkModule(module, 'unfreeze');
  for (const p of module.parameters()) p.requiresGrad = true;
  for (const m of module.modules()) m.keepEval = false;
  return module;
}

/** The parameters that still learn, in parameters() order: what to hand to an optimizer. */
export function trainableParameters(module: Module): Parameter[] {
  checkModule(module, 'trainableParameters');
  return [...module.parameters()].filter((p) => p.requiresGrad);
}
