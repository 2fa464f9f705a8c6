import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';
export interface LoadResult {
    missingKeys: string[];
    unexpectedKeys: string[];
}
export declare abstract class Module {
    training: boolean;
    private readonly params;
    private readonly bufs;
    private readonly nonPersistent;
    private readonly children;
    abstract forward(...inputs: Tensor[]): Tensor;
    /** One line (or several) describing this module's settings, as PyTorch's extra_repr. */
    extraRepr(): string;
    /** The class name shown in the printed form. */
    typeName(): string;
    protected registerParameter<T extends Parameter | null>(name: string, p: T): T;
    protected registerBuffer<T extends Tensor | null>(name: string, t: T, persistent?: boolean): T;
    /** Adds or replaces a child; a replaced child keeps its position, as in a Python dict. */
    registerModule<M extends Module>(name: string, m: M): M;
    private checkName;
    /** Looks up a child by its registered name (e.g. '0' in a Sequential). */
    getChild(name: string): Module | undefined;
    /** Looks up a descendant by a dotted path such as 'features.3'. */
    getSubmodule(path: string): Module;
    namedChildren(): IterableIterator<[string, Module]>;
    childModules(): IterableIterator<Module>;
    /** This module and every descendant, depth first, each once, with dotted names. */
    namedModules(prefix?: string, memo?: Set<Module>): IterableIterator<[string, Module]>;
    modules(): IterableIterator<Module>;
    namedParameters(prefix?: string, recurse?: boolean): IterableIterator<[string, Parameter]>;
    parameters(recurse?: boolean): IterableIterator<Parameter>;
    namedBuffers(prefix?: string, recurse?: boolean): IterableIterator<[string, Tensor]>;
    buffers(recurse?: boolean): IterableIterator<Tensor>;
    /** Shared walk for parameters and buffers: skips nulls, reports each tensor once. */
    private namedMembers;
    /** Parameters and persistent buffers by their PyTorch keys; values share memory with the module. */
    stateDict(): Map<string, Tensor>;
    /**
     * Copies values into this module's parameters and buffers. Every problem is
     * collected first and reported together; shape mismatches always throw,
     * missing and unexpected keys only in strict mode (the default). Nothing is
     * written unless the whole load can succeed.
     */
    loadStateDict(stateDict: Map<string, Tensor> | ReadonlyMap<string, Tensor>, opts?: {
        strict?: boolean;
    }): LoadResult;
    train(mode?: boolean): this;
    eval(): this;
    /** Calls fn on every descendant, children before parents (as torch's Module.apply). */
    apply(fn: (m: Module) => void): this;
    requiresGrad_(flag?: boolean): this;
    zeroGrad(): void;
    /** Runs a child's forward so that a shape error names the child ('features.3: …'). */
    protected callChild(name: string, child: Module, x: Tensor): Tensor;
    /** PyTorch's printed form: the extra repr, then each child indented. */
    toString(): string;
}
