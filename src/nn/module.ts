/**
 * The base of every layer and model. Parameters, buffers and child modules are
 * registered by name in insertion order; one generic traversal (namedModules)
 * powers parameters(), buffers(), stateDict() and the printed form, so the
 * keys match PyTorch's exactly ('features.0.weight', 'classifier.6.bias').
 */
import { ArgumentError, ShapeError, StateDictError } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../tensor/autograd.js';
import { sameShape } from '../tensor/shape.js';
import { Parameter } from './parameter.js';
import { addIndent } from './pyrepr.js';

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/** Keys a state dict may lack because old PyTorch versions did not save them (BatchNorm before 0.4.1). */
const OPTIONAL_BUFFER = /(^|\.)num_batches_tracked$/;

export abstract class Module {
  training = true;
  /**
   * Set by freeze(m, { eval: true }): train() leaves this module in evaluation
   * mode, so a frozen BatchNorm keeps its running statistics and normalises
   * with them however often the whole model is switched back to training.
   */
  keepEval = false;
  private readonly params = new Map<string, Parameter | null>();
  private readonly bufs = new Map<string, Tensor | null>();
  private readonly nonPersistent = new Set<string>();
  private readonly children = new Map<string, Module>();

  abstract forward(...inputs: Tensor[]): Tensor;

  /** One line (or several) describing this module's settings, as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** The class name shown in the printed form. */
  typeName(): string {
    return this.constructor.name;
  }

  protected registerParameter<T extends Parameter | null>(name: string, p: T): T {
    this.checkName(name, this.params);
    this.params.set(name, p);
    return p;
  }

  protected registerBuffer<T extends Tensor | null>(name: string, t: T, persistent = true): T {
    this.checkName(name, this.bufs);
    this.bufs.set(name, t);
    if (!persistent) this.nonPersistent.add(name);
    return t;
  }

  /** Adds or replaces a child; a replaced child keeps its position, as in a Python dict. */
  registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name, this.children);
    this.children.set(name, m);
    return m;
  }

  private checkName(name: string, own: Map<string, unknown>): void {
    if (!name || name.includes('.'))
      throw new ArgumentError(`invalid attribute name "${name}": must be non-empty and contain no "."`);
    const taken = [this.params, this.bufs, this.children].some((m) => m !== own && m.has(name));
    if (taken) throw new ArgumentError(`attribute "${name}" already exists on ${this.typeName()}`);
  }

  /** Looks up a child by its registered name (e.g. '0' in a Sequential). */
  getChild(name: string): Module | undefined {
    return this.children.get(name);
  }

  /** Looks up a descendant by a dotted path such as 'features.3'. */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    const [head, ...rest] = path.split('.');
    const child = this.children.get(head);
    if (!child) throw new ArgumentError(`${this.typeName()} has no attribute "${head}" (looking up "${path}")`);
    return child.getSubmodule(rest.join('.'));
  }

  *namedChildren(): IterableIterator<[string, Module]> {
    yield* this.children.entries();
  }

  *childModules(): IterableIterator<Module> {
    yield* this.children.values();
  }

  /** This module and every descendant, depth first, each once, with dotted names. */
  *namedModules(prefix = '', memo = new Set<Module>()): IterableIterator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [name, child] of this.children) {
      yield* child.namedModules(prefix ? `${prefix}.${name}` : name, memo);
    }
  }

  *modules(): IterableIterator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = '', recurse = true): IterableIterator<[string, Parameter]> {
    yield* this.namedMembers(prefix, recurse, (m) => m.params.entries()) as IterableIterator<[string, Parameter]>;
  }

  *parameters(recurse = true): IterableIterator<Parameter> {
    for (const [, p] of this.namedParameters('', recurse)) yield p;
  }

  *namedBuffers(prefix = '', recurse = true): IterableIterator<[string, Tensor]> {
    yield* this.namedMembers(prefix, recurse, (m) => m.bufs.entries());
  }

  *buffers(recurse = true): IterableIterator<Tensor> {
    for (const [, b] of this.namedBuffers('', recurse)) yield b;
  }

  /** Shared walk for parameters and buffers: skips nulls, reports each tensor once. */
  private *namedMembers(
    prefix: string,
    recurse: boolean,
    members: (m: Module) => Iterable<[string, Tensor | null]>,
  ): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [modName, m] of mods) {
      for (const [name, t] of members(m)) {
        if (!t || seen.has(t)) continue;
        seen.add(t);
        yield [modName ? `${modName}.${name}` : name, t];
      }
    }
  }

  /** Parameters and persistent buffers by their PyTorch keys; values share memory with the module. */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      const key = (name: string): string => (prefix ? `${prefix}.${name}` : name);
      for (const [name, p] of m.params) if (p) out.set(key(name), p.detach());
      for (const [name, b] of m.bufs) if (b && !m.nonPersistent.has(name)) out.set(key(name), b.detach());
    }
    return out;
  }

  /**
   * Copies values into this module's parameters and buffers. Every problem is
   * collected first and reported together; shape mismatches always throw,
   * missing and unexpected keys only in strict mode (the default). Nothing is
   * written unless the whole load can succeed.
   */
  loadStateDict(
    stateDict: Map<string, Tensor> | ReadonlyMap<string, Tensor>,
    opts: { strict?: boolean } = {},
  ): LoadResult {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    const missingKeys: string[] = [];
    const shapeMismatches: { key: string; expected: number[]; got: number[] }[] = [];
    const writes: [Tensor, Tensor][] = [];
    for (const [key, target] of own) {
      const src = stateDict.get(key);
      if (!src) {
        if (!OPTIONAL_BUFFER.test(key)) missingKeys.push(key);
        continue;
      }
      if (!(src instanceof Tensor)) throw new ArgumentError(`state dict entry "${key}" is not a Tensor`);
      if (!sameShape(src.shape, target.shape))
        shapeMismatches.push({ key, expected: [...target.shape], got: [...src.shape] });
      else writes.push([target, src]);
    }
    const unexpectedKeys = [...stateDict.keys()].filter((k) => !own.has(k));
    if (shapeMismatches.length || (strict && (missingKeys.length || unexpectedKeys.length))) {
      throw new StateDictError(
        strict ? missingKeys : [],
        strict ? unexpectedKeys : [],
        shapeMismatches,
        this.typeName(),
      );
    }
    noGrad(() => {
      for (const [target, src] of writes) target.copy_(src);
    });
    return { missingKeys, unexpectedKeys };
  }

  train(mode = true): this {
    for (const m of this.modules()) m.training = mode && !m.keepEval;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls fn on every descendant, children before parents (as torch's Module.apply). */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children.values()) child.apply(fn);
    fn(this);
    return this;
  }

  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Runs a child's forward so that a shape error names the child ('features.3: …'). */
  protected callChild(name: string, child: Module, x: Tensor): Tensor {
    try {
      return child.forward(x);
    } catch (e) {
      if (e instanceof ShapeError) e.enterModule(name);
      throw e;
    }
  }

  /** PyTorch's printed form: the extra repr, then each child indented. */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra ? extra.split('\n') : [];
    const childLines = [...this.children].map(([name, m]) => `(${name}): ${addIndent(m.toString(), 2)}`);
    const lines = [...extraLines, ...childLines];
    let body = '';
    if (lines.length) {
      body = extraLines.length === 1 && childLines.length === 0 ? extraLines[0] : `\n  ${lines.join('\n  ')}\n`;
    }
    return `${this.typeName()}(${body})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
