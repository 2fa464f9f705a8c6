/**
 * The base of every optimizer, with PyTorch's parameter groups and state
 * dict. An optimizer holds groups of parameters, each with its own options
 * (the constructor's options fill in whatever a group does not set), and a
 * per-parameter state (momentum buffers, moment estimates, step counts).
 *
 * Updates read `.grad` and write parameter values in place, outside the
 * autograd graph; parameters without a gradient are skipped, as in PyTorch.
 */
import { ArgumentError } from '../../errors.js';
import { enableGrad, noGrad } from '../../tensor/autograd.js';
import { Tensor } from '../../tensor/tensor.js';

/** Options every group has; schedulers read and write `lr` and the fields below. */
export interface GroupOptions {
  lr: number;
}

/** A parameter group as the optimizer keeps it: its tensors, its options and what schedulers add. */
export interface ParamGroup extends GroupOptions {
  params: Tensor[];
  /** Set by a scheduler: the learning rate it started from (PyTorch's `initial_lr`). */
  initialLr?: number;
  /** Set by OneCycleLR. */
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

/** A group as given to a constructor or to addParamGroup: `{ params, lr: 0.01 }`. */
export type GroupInput<G> = Partial<G> & { params: Iterable<Tensor> | Tensor };
/** model.parameters(), an array of tensors, or an array of groups. */
export type ParamsInput<G> = Iterable<Tensor> | Iterable<GroupInput<G>>;

/** A per-parameter state value: a step count or a buffer with the parameter's shape. */
export type StateValue = number | Float32Array;
export type ParamState = Record<string, StateValue>;

/** A group option's value as saved: JSON-serialisable. */
export type GroupValue = number | boolean | string | null | number[];
export type SavedParamGroup = { [option: string]: GroupValue } & { params: number[] };

/**
 * PyTorch's optimizer state dict. `state` maps a parameter's index (counting
 * through the groups in order) to its state, with buffers as Float32Array
 * copies (row-major, the parameter's shape) under PyTorch's names
 * (`momentum_buffer`, `step`, `exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`);
 * `paramGroups` lists each group's options with `params` as indices. Buffers
 * can go to safetensors as `state.<index>.<name>`, everything else to JSON.
 */
export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  paramGroups: SavedParamGroup[];
}

function isTensorIterable(x: unknown): x is Iterable<unknown> {
  return x !== null && typeof x === 'object' && typeof (x as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function copyValue(v: unknown): unknown {
  return Array.isArray(v) ? [...(v as unknown[])] : v;
}

export abstract class Optimizer<G extends GroupOptions = GroupOptions> {
  readonly defaults: Readonly<Partial<G>>;
  readonly paramGroups: (G & ParamGroup)[] = [];
  /** Per-parameter state, created on a parameter's first update. */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<G>, defaults: Partial<G>) {
    if (params instanceof Tensor || !isTensorIterable(params)) {
      throw new ArgumentError(`${this.constructor.name}: params must be an iterable of Tensors or of parameter groups`);
    }
    this.defaults = Object.freeze({ ...defaults });
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new ArgumentError(`${this.constructor.name} got an empty parameter list`);
    const groups = items.every((p) => p instanceof Tensor)
      ? [{ params: items as Tensor[] } as unknown as GroupInput<G>]
      : (items as GroupInput<G>[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Checks one group's options (throws ArgumentError naming the option). */
  protected abstract validateGroup(group: G & ParamGroup, where: string): void;

  /** Updates the parameters of one group from their gradients (inside noGrad). */
  protected abstract updateGroup(group: G & ParamGroup): void;

  /** Adds a group (e.g. layers unfrozen during fine-tuning); unset options come from the defaults. */
  addParamGroup(input: GroupInput<G>): void {
    const where = `${this.constructor.name} parameter group ${this.paramGroups.length}`;
    if (input === null || typeof input !== 'object' || !('params' in input)) {
      throw new ArgumentError(`${where}: a parameter group must be an object with "params"`);
    }
    const list =
      input.params instanceof Tensor ? [input.params] : isTensorIterable(input.params) ? [...input.params] : null;
    if (!list) throw new ArgumentError(`${where}: "params" must be a Tensor or an iterable of Tensors`);
    const seen = new Set<Tensor>();
    list.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new ArgumentError(`${where}: params[${i}] is not a Tensor`);
      if (!p.isLeaf && !p.retainsGrad)
        throw new ArgumentError(`${where}: params[${i}] is not a leaf tensor; can't optimize a non-leaf Tensor`);
      if (seen.has(p)) throw new ArgumentError(`${where}: params[${i}] appears twice in the group`);
      seen.add(p);
    });
    for (const g of this.paramGroups) {
      if (g.params.some((p) => seen.has(p)))
        throw new ArgumentError(`${where}: some parameters appear in more than one parameter group`);
    }
    const group: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this.defaults)) group[k] = copyValue(v);
    for (const [k, v] of Object.entries(input)) if (k !== 'params' && v !== undefined) group[k] = copyValue(v);
    group.params = list;
    const full = group as unknown as G & ParamGroup;
    this.checkLr(full.lr, where);
    this.validateGroup(full, where);
    this.paramGroups.push(full);
  }

  private checkLr(lr: unknown, where: string): void {
    if (lr === undefined) throw new ArgumentError(`${where}: no learning rate (lr) was given`);
    if (typeof lr !== 'number' || !(lr >= 0) || !Number.isFinite(lr))
      throw new ArgumentError(`${where}: invalid learning rate ${String(lr)} (must be a finite number >= 0)`);
  }

  /**
   * Clears the gradients. By default they become null (PyTorch 2.x's
   * `set_to_none=True`; 1.13 zeroed them): the next backward then writes
   * fresh gradients instead of adding to zeros, with the same result.
   */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else p.grad.zero_();
      }
    }
  }

  /** One update of every parameter that has a gradient. A closure, if given, is run first with grad enabled and its result returned. */
  step<T = unknown>(closure?: () => T): T | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const g of this.paramGroups) {
        this.checkLr(g.lr, `${this.constructor.name} step`);
        this.updateGroup(g);
        // The kernels wrote p.data directly; count the write so cached plans see it.
        for (const p of g.params) if (p.grad) p.markDirty();
      }
    });
    return loss;
  }

  /** The state for `p`, created empty on first use. */
  protected stateOf(p: Tensor): ParamState {
    let s = this.state.get(p);
    if (!s) {
      s = {};
      this.state.set(p, s);
    }
    return s;
  }

  /** A snapshot: buffers are copied, so later steps do not change it. */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const saved: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') saved[k] = copyValue(v);
      saved.params = g.params.map((p) => {
        index.set(p, index.size);
        return index.size - 1;
      });
      return saved as SavedParamGroup;
    });
    const state = new Map<number, ParamState>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = v instanceof Float32Array ? v.slice() : v;
      state.set(i, copy);
    }
    return { state, paramGroups };
  }

  /**
   * Restores a state dict from stateDict() (of an optimizer of the same kind
   * over parameters of the same shapes, in the same order). Everything is
   * checked before anything changes; buffers are copied in.
   */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !(sd.state instanceof Map) || !Array.isArray(sd.paramGroups)) {
      throw new ArgumentError(`${name}.loadStateDict: expected { state: Map, paramGroups: [...] }`);
    }
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ArgumentError(
        `${name}.loadStateDict: loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const params: Tensor[] = [];
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((saved, gi) => {
      const own = this.paramGroups[gi];
      if (!Array.isArray(saved.params) || saved.params.length !== own.params.length) {
        throw new ArgumentError(
          `${name}.loadStateDict: parameter group ${gi} has ${saved.params?.length} parameters in the state dict, ${own.params.length} in the optimizer`,
        );
      }
      saved.params.forEach((idx, j) => byIndex.set(idx, own.params[j]));
      params.push(...own.params);
    });
    const newState = new Map<Tensor, ParamState>();
    for (const [idx, s] of sd.state) {
      const p = byIndex.get(idx);
      if (!p) throw new ArgumentError(`${name}.loadStateDict: state for parameter index ${idx}, which no group lists`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Float32Array) {
          if (v.length !== p.numel) {
            throw new ArgumentError(
              `${name}.loadStateDict: state ${idx}.${k} has ${v.length} values, the parameter has ${p.numel} (shape [${p.shape.join(', ')}])`,
            );
          }
          copy[k] = v.slice();
        } else if (typeof v === 'number') {
          copy[k] = v;
        } else {
          throw new ArgumentError(`${name}.loadStateDict: state ${idx}.${k} must be a number or a Float32Array`);
        }
      }
      newState.set(p, copy);
    }
    const newGroups = sd.paramGroups.map((saved, gi) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(saved)) if (k !== 'params') group[k] = copyValue(v);
      group.params = this.paramGroups[gi].params;
      const full = group as unknown as G & ParamGroup;
      const where = `${name}.loadStateDict parameter group ${gi}`;
      this.checkLr(full.lr, where);
      this.validateGroup(full, where);
      return full;
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
    this.paramGroups.splice(0, this.paramGroups.length, ...newGroups);
  }

  /** PyTorch's printed form: each group's options, sorted by name. */
  toString(): string {
    const lines = [`${this.constructor.name} (`];
    this.paramGroups.forEach((g, i) => {
      lines.push(`Parameter Group ${i}`);
      for (const k of Object.keys(g)
        .filter((key) => key !== 'params')
        .sort()) {
        const v = (g as unknown as Record<string, unknown>)[k];
        lines.push(`    ${k}: ${Array.isArray(v) ? `(${v.join(', ')})` : String(v)}`);
      }
    });
    lines.push(')');
    return lines.join('\n');
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** Throws unless `v` is a finite number in the range the check allows. */
export function checkOption(v: unknown, what: string, where: string, ok: (x: number) => boolean, rule: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v))
    throw new ArgumentError(`${where}: invalid ${what} ${String(v)} (${rule})`);
  return v;
}

export function checkBool(v: unknown, what: string, where: string): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(`${where}: ${what} must be true or false, got ${String(v)}`);
  return v;
}
