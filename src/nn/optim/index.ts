/** Optimizers and learning-rate schedulers (torch.optim). */
export {
  Optimizer,
  type GroupOptions,
  type ParamGroup,
  type GroupInput,
  type ParamsInput,
  type StateValue,
  type ParamState,
  type GroupValue,
  type SavedParamGroup,
  type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  CosineAnnealingLR,
  LinearLR,
  OneCycleLR,
  SequentialLR,
  type AnyOptimizer,
  type SchedulerStateDict,
  type StepLROptions,
  type MultiStepLROptions,
  type CosineAnnealingLROptions,
  type LinearLROptions,
  type OneCycleLROptions,
  type SequentialLROptions,
} from './schedulers.js';
