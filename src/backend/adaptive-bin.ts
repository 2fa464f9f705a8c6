/** PyTorch's adaptive-pool bin [start, end) for output index i of `out` over `size` inputs: [⌊i·size/out⌋, ⌈(i+1)·size/out⌉). */
export function adaptiveBin(i: number, out: number, size: number): [number, number] {
  return [Math.floor((i * size) / out), Math.ceil(((i + 1) * size) / out)];
}
