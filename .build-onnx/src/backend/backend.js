/**
 * The kernel set every backend implements. Kernels work on raw, contiguous,
 * row-major Float32Arrays plus the sizes they need; they never see a Tensor,
 * so a native or WebAssembly backend can implement them without knowing the
 * autograd layer. Every output buffer is allocated by the caller or returned
 * fresh; kernels never keep references to their arguments.
 */
export {};
//# sourceMappingURL=backend.js.map