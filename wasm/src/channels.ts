// Task forms of the pooling and batch-norm kernels: each thread takes whole planes (pools) or whole
// channels (batch norm), so every value, and every per-channel sum, comes out of one thread in the same
// order as on one thread.
import { maxPool2d, maxPool2dBackward } from './pool';
import { batchNormBackward, batchNormChannels, channelMoments } from './pointwise';
import { int, ptr, shareOf } from './simd';

/** [lo, hi) of thread tid's share of count units. */
function lo(range: i64): i32 {
  return <i32>(range >> 32);
}

function hi(range: i64): i32 {
  return <i32>(range & 0xffffffff);
}

/** Arguments: x, y, idx, planes, then the window (inH … dilationW); planes are split. */
export function maxPoolTask(args: usize, tid: i32, nt: i32): void {
  const range = shareOf(int(args, 3), 1, tid, nt);
  const c0 = lo(range);
  const planes = hi(range) - c0;
  if (planes <= 0) return;
  const inH = int(args, 4);
  const inW = int(args, 5);
  const outH = int(args, 6);
  const outW = int(args, 7);
  const inAt = (<usize>c0 * inH * inW) << 2;
  const outAt = (<usize>c0 * outH * outW) << 2;
  maxPool2d(
    ptr(args, 0) + inAt,
    ptr(args, 1) + outAt,
    ptr(args, 2) + outAt,
    planes,
    inH,
    inW,
    outH,
    outW,
    int(args, 8),
    int(args, 9),
    int(args, 10),
    int(args, 11),
    int(args, 12),
    int(args, 13),
    int(args, 14),
    int(args, 15),
  );
}

/** Arguments: gy, idx, gx, planes, inPlane, outPlane; planes are split (each owns its part of gx). */
export function maxPoolBackwardTask(args: usize, tid: i32, nt: i32): void {
  const range = shareOf(int(args, 3), 1, tid, nt);
  const c0 = lo(range);
  const planes = hi(range) - c0;
  if (planes <= 0) return;
  const inPlane = int(args, 4);
  const outPlane = int(args, 5);
  const outAt = (<usize>c0 * outPlane) << 2;
  maxPool2dBackward(
    ptr(args, 0) + outAt,
    ptr(args, 1) + outAt,
    ptr(args, 2) + ((<usize>c0 * inPlane) << 2),
    planes,
    inPlane,
    outPlane,
  );
}

/** Arguments: x, y, N, C, HW, mean, invStd, weight, bias; channels are split. */
export function batchNormTask(args: usize, tid: i32, nt: i32): void {
  const C = int(args, 3);
  const range = shareOf(C, 1, tid, nt);
  const x = ptr(args, 0);
  const y = ptr(args, 1);
  const N = int(args, 2);
  const HW = int(args, 4);
  batchNormChannels(x, y, N, C, HW, ptr(args, 5), ptr(args, 6), ptr(args, 7), ptr(args, 8), lo(range), hi(range));
}

/** Arguments: g, x, N, C, HW, mean, invStd, weight, batchStats, gx, gWeight, gBias; channels are split. */
export function batchNormBackwardTask(args: usize, tid: i32, nt: i32): void {
  const C = int(args, 3);
  const range = shareOf(C, 1, tid, nt);
  const g = ptr(args, 0);
  const x = ptr(args, 1);
  const N = int(args, 2);
  const HW = int(args, 4);
  const mean = ptr(args, 5);
  const invStd = ptr(args, 6);
  const weight = ptr(args, 7);
  const batchStats = int(args, 8) != 0;
  const gx = ptr(args, 9);
  batchNormBackward(
    g,
    x,
    N,
    C,
    HW,
    mean,
    invStd,
    weight,
    batchStats,
    gx,
    ptr(args, 10),
    ptr(args, 11),
    lo(range),
    hi(range),
  );
}

/** Arguments: x, N, C, HW, mean, variance; channels are split. */
export function channelMomentsTask(args: usize, tid: i32, nt: i32): void {
  const C = int(args, 2);
  const range = shareOf(C, 1, tid, nt);
  channelMoments(ptr(args, 0), int(args, 1), C, int(args, 3), ptr(args, 4), ptr(args, 5), lo(range), hi(range));
}
