/**
 * How far the inference plan splits one batch across threads: at batch 1 on
 * 16 threads every op of VGG16's features must offer at least 16 work items
 * (tiles × output-channel groups for the Winograd layers, not only images or
 * tile rows), so that 16 cores have work at every layer. Reads the plan's own
 * schedule (planWorkItems), so it needs no 16-core machine.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadNativeAddon, type NativeAddon } from '../../../src/backend/native/index.js';

interface PartitionAddon extends NativeAddon {
  planCreate(ops: object[]): object;
  planWorkItems(plan: object, N: number, C: number, H: number, W: number, threads: number): [string, number][];
  planDispose(plan: object): void;
}

const addon = loadNativeAddon() as PartitionAddon | null;
const skip = !addon || typeof addon.planWorkItems !== 'function' ? 'native addon with plans not built' : false;

/** VGG16's 13 convolutions (configuration D), pools fused, zero weights, then Flatten. */
function vgg16Features(): object[] {
  const cfg: (number | 'M')[] = [
    64,
    64,
    'M',
    128,
    128,
    'M',
    256,
    256,
    256,
    'M',
    512,
    512,
    512,
    'M',
    512,
    512,
    512,
    'M',
  ];
  const ops: object[] = [];
  let C = 3;
  cfg.forEach((v, i) => {
    if (v === 'M') return;
    const pool = cfg[i + 1] === 'M';
    ops.push({
      kind: 'conv',
      label: `conv${ops.length}`,
      C,
      K: v,
      kh: 3,
      kw: 3,
      sh: 1,
      sw: 1,
      ph: 1,
      pw: 1,
      dh: 1,
      dw: 1,
      relu: true,
      pool,
      algo: 'auto',
      w: new Float32Array(v * C * 9),
      bias: null,
    });
    C = v;
  });
  ops.push({ kind: 'flatten', label: 'flatten' });
  return ops;
}

test('VGG16 at batch 1 splits into >= 16 work items per op on 16 threads, on every ISA', { skip }, () => {
  const a = addon!;
  const plan = a.planCreate(vgg16Features());
  const before = a.getIsa();
  try {
    for (const isa of a.availableIsas()) {
      a.setIsa(isa);
      const items = a.planWorkItems(plan, 1, 3, 224, 224, 16);
      assert.equal(items.length, 14, `${isa}: 13 convs and the flatten`);
      for (const [label, n] of items) assert.ok(n >= 16, `${isa} ${label}: ${n} work items on 16 threads`);
      // Two threads keep the coarser split tuned for small machines: two panel groups per thread.
      const two = a.planWorkItems(plan, 1, 3, 224, 224, 2);
      assert.equal(two.find(([label]) => label.startsWith('conv12'))![1], 4, `${isa}: conv12 on 2 threads`);
    }
  } finally {
    a.setIsa(before);
    a.planDispose(plan);
  }
});

test('planWorkItems checks its arguments', { skip }, () => {
  const a = addon!;
  const plan = a.planCreate(vgg16Features());
  try {
    assert.throws(() => a.planWorkItems(plan, 1, 3, 224, 224, 0), RangeError);
    assert.throws(() => a.planWorkItems(plan, 1, 5, 224, 224, 4), /expects 3 input channels/);
  } finally {
    a.planDispose(plan);
  }
});
