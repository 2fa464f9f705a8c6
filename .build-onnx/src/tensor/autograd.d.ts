/**
 * Reverse-mode automatic differentiation. Each differentiable op records a
 * GradFn on its output naming its inputs and a closure that maps the output's
 * gradient to one gradient per input; `backward` walks that graph in reverse
 * topological order. The closures live beside each op's forward code.
 */
import type { Tensor } from './tensor.js';
export interface GradFn {
    readonly name: string;
    readonly inputs: readonly Tensor[];
    /** Gradients with respect to each input, or null where an input needs none. */
    backward(grad: Tensor): readonly (Tensor | null)[];
}
export declare function isGradEnabled(): boolean;
/** Runs `fn` without recording a graph (like `with torch.no_grad()`). Synchronous code only. */
export declare function noGrad<T>(fn: () => T): T;
/** Runs `fn` with recording on, even inside noGrad (like `torch.enable_grad()`). */
export declare function enableGrad<T>(fn: () => T): T;
/**
 * Connects `out` to the graph when grad mode is on and some input requires a
 * gradient; otherwise `out` is returned as a constant.
 */
export declare function record(out: Tensor, name: string, inputs: readonly Tensor[], backward: (grad: Tensor) => readonly (Tensor | null)[]): Tensor;
/** Accumulates d(root)/d(leaf) into `.grad` of every leaf that requires it. */
export declare function runBackward(root: Tensor, seed: Tensor): void;
