// The WebAssembly kernel module of vgg-ts (src/backend/wasm drives it). Memory is imported and managed
// from JavaScript: the module keeps no heap and no mutable globals, so every worker thread instantiates
// it on the same shared memory. Parallel kernels run as tasks: runTask(code, args, tid, nt) does thread
// tid's share of nt, with the task's arguments in an f64 block at `args`.
import { GEMM_SCRATCH_FLOATS, MR, NR, gemmTask } from './gemm';
import { col2imTask, im2colTask } from './conv';
import { directConvTask } from './direct';
import { wgradTask } from './wgrad';
import { batchNormBackwardTask, batchNormTask, channelMomentsTask, maxPoolBackwardTask, maxPoolTask } from './channels';
import { WINO_SCRATCH_FLOATS, winoGemmTask, winoInputTask, winoOutputTask, winoWeightsTask } from './winograd';

export { winoInputScratchFloats } from './winograd';

export { fillBias } from './conv';
export { directPackWeights, directPackedFloats, directScratchFloats } from './direct';
export { adaptiveAvgPool2d, adaptiveAvgPool2dBackward, maxPool2d } from './pool';
export { batchNorm, binary, maxAxis, reluBackward, sumAxis, unary } from './pointwise';
export { adamStep, sgdStep } from './optim';
export { wgradScratchFloats } from './wgrad';

/** Task codes of runTask (mirrored in src/backend/wasm/kernels.ts). */
const TASK_GEMM = 1,
  TASK_IM2COL = 2,
  TASK_COL2IM = 3,
  TASK_WINO_WEIGHTS = 4,
  TASK_WINO_INPUT = 5,
  TASK_WINO_GEMM = 6,
  TASK_WINO_OUTPUT = 7,
  TASK_DIRECT_CONV = 8,
  TASK_WGRAD = 9,
  TASK_MAX_POOL = 10,
  TASK_MAX_POOL_BACKWARD = 11,
  TASK_BATCH_NORM = 12,
  TASK_BATCH_NORM_BACKWARD = 13,
  TASK_CHANNEL_MOMENTS = 14;

export function runTask(code: i32, args: usize, tid: i32, nt: i32): void {
  switch (code) {
    case TASK_GEMM:
      gemmTask(args, tid, nt);
      break;
    case TASK_IM2COL:
      im2colTask(args, tid, nt);
      break;
    case TASK_COL2IM:
      col2imTask(args, tid, nt);
      break;
    case TASK_WINO_WEIGHTS:
      winoWeightsTask(args, tid, nt);
      break;
    case TASK_WINO_INPUT:
      winoInputTask(args, tid, nt);
      break;
    case TASK_WINO_GEMM:
      winoGemmTask(args, tid, nt);
      break;
    case TASK_WINO_OUTPUT:
      winoOutputTask(args, tid, nt);
      break;
    case TASK_DIRECT_CONV:
      directConvTask(args, tid, nt);
      break;
    case TASK_WGRAD:
      wgradTask(args, tid, nt);
      break;
    case TASK_MAX_POOL:
      maxPoolTask(args, tid, nt);
      break;
    case TASK_MAX_POOL_BACKWARD:
      maxPoolBackwardTask(args, tid, nt);
      break;
    case TASK_BATCH_NORM:
      batchNormTask(args, tid, nt);
      break;
    case TASK_BATCH_NORM_BACKWARD:
      batchNormBackwardTask(args, tid, nt);
      break;
    case TASK_CHANNEL_MOMENTS:
      channelMomentsTask(args, tid, nt);
      break;
  }
}

/** First byte JavaScript may allocate from (past the module's stack and static data). */
export function heapBase(): usize {
  return __heap_base;
}

/** Floats of per-thread GEMM scratch. */
export function gemmScratchFloats(): i32 {
  return GEMM_SCRATCH_FLOATS;
}

/** Floats of per-thread Winograd transform scratch. */
export function winoScratchFloats(): i32 {
  return WINO_SCRATCH_FLOATS;
}

/** Rows of the GEMM register tile: Winograd weights are stored in panels of this many output channels. */
export function gemmTileRows(): i32 {
  return MR;
}

/** Columns of the GEMM register tile: transformed Winograd inputs are stored in panels of this many tiles. */
export function gemmTileCols(): i32 {
  return NR;
}
