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

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (like `with torch.no_grad()`). Synchronous code only. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with recording on, even inside noGrad (like `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Connects `out` to the graph when grad mode is on and some input requires a
 * gradient; otherwise `out` is returned as a constant.
 */
export function record(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  backward: (grad: Tensor) => readonly (Tensor | null)[],
): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward };
  }
  return out;
}

/** Accumulates d(root)/d(leaf) into `.grad` of every leaf that requires it. */
export function runBackward(root: Tensor, seed: Tensor): void {
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  noGrad(() => {
    for (const node of order) {
      const grad = grads.get(node);
      if (!grad) continue;
      grads.delete(node);
      const fn = node.gradFn;
      if (!fn) {
        node.accumulateGrad(grad);
        continue;
      }
      if (node.retainsGrad) node.accumulateGrad(grad);
      const inputGrads = fn.backward(grad);
      fn.inputs.forEach((input, i) => {
        const g = inputGrads[i];
        if (!g || !input.requiresGrad) return;
        const prev = grads.get(input);
        grads.set(input, prev ? prev.add(g) : g);
      });
    }
  });
}

/** Nodes reachable from root, each after every node that consumes it. */
function topologicalOrder(root: Tensor): Tensor[] {
  const visited = new Set<Tensor>();
  const post: Tensor[] = [];
  // Iterative DFS: VGG graphs are shallow, but a long training loop that
  // accidentally chains graphs must not overflow the stack.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [node, next] = top;
    const inputs = node.gradFn?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const child = inputs[next];
      if (child.requiresGrad && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      post.push(node);
    }
  }
  return post.reverse();
}
