/** Shared by the ONNX tests: running an export in onnxruntime, comparing, and reading protobuf back. */
import * as ort from 'onnxruntime-node';
import { Tensor, noGrad, randn, rand, nn } from '../../src/index.js';

/** Gives every BatchNorm2d random running statistics and affine parameters, so eval BN is far from the identity. */
export function randomizeBatchNorm(model: nn.Module): void {
  for (const m of model.modules()) {
    if (!(m instanceof nn.BatchNorm2d)) continue;
    const c = m.numFeatures;
    m.runningMean?.data.set(randn([c]).data.map((v) => v * 0.5));
    m.runningVar?.data.set(rand([c]).data.map((v) => 0.25 + 2 * v));
    m.weight?.data.set(rand([c]).data.map((v) => 0.5 + v));
    m.bias?.data.set(randn([c]).data.map((v) => v * 0.2));
  }
}

/** The model's own eval-mode output (the input is copied, since in-place ReLUs may write to it). */
export function referenceOutput(model: nn.Module, x: Tensor): Tensor {
  const wasTraining = model.training;
  try {
    return noGrad(() => model.eval().forward(new Tensor(x.data.slice(), x.shape)));
  } finally {
    model.train(wasTraining);
  }
}

export async function createSession(bytes: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes);
}

export async function runSession(
  session: ort.InferenceSession,
  x: Tensor,
  inputName = 'input',
  outputName = 'output',
): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const feeds = { [inputName]: new ort.Tensor('float32', x.data.slice(), [...x.shape]) };
  const out = (await session.run(feeds))[outputName];
  return { data: out.data as Float32Array, dims: out.dims };
}

// ---- a minimal protobuf reader, enough to inspect what the exporter wrote ----

export type Field =
  { wire: 0; value: bigint } | { wire: 2; value: Uint8Array } | { wire: 5; value: number } | { wire: 1; value: bigint };

/** Every field of one message by number, in order of appearance. */
export function decode(buf: Uint8Array): Map<number, Field[]> {
  const out = new Map<number, Field[]>();
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (at >= buf.length) throw new Error('truncated varint');
      const byte = buf[at++];
      v |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
  };
  while (at < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    let f: Field;
    if (wire === 0) f = { wire, value: varint() };
    else if (wire === 2) {
      const len = Number(varint());
      if (at + len > buf.length) throw new Error('truncated field');
      f = { wire, value: buf.subarray(at, at + len) };
      at += len;
    } else if (wire === 5) {
      f = { wire, value: view.getFloat32(at, true) };
      at += 4;
    } else if (wire === 1) {
      f = { wire, value: view.getBigUint64(at, true) };
      at += 8;
    } else throw new Error(`unexpected wire type ${wire}`);
    const list = out.get(field) ?? [];
    list.push(f);
    out.set(field, list);
  }
  return out;
}

function fields(msg: Map<number, Field[]>, n: number): Field[] {
  return msg.get(n) ?? [];
}

export const ints = (msg: Map<number, Field[]>, n: number): number[] =>
  fields(msg, n).map((f) => {
    if (f.wire !== 0) throw new Error(`field ${n} is not a varint`);
    return Number(BigInt.asIntN(64, f.value));
  });
export const int = (msg: Map<number, Field[]>, n: number): number | undefined => ints(msg, n).at(-1);
export const bytes = (msg: Map<number, Field[]>, n: number): Uint8Array[] =>
  fields(msg, n).map((f) => {
    if (f.wire !== 2) throw new Error(`field ${n} is not length-delimited`);
    return f.value;
  });
export const strings = (msg: Map<number, Field[]>, n: number): string[] =>
  bytes(msg, n).map((b) => new TextDecoder().decode(b));
export const str = (msg: Map<number, Field[]>, n: number): string | undefined => strings(msg, n).at(-1);
export const messages = (msg: Map<number, Field[]>, n: number): Map<number, Field[]>[] => bytes(msg, n).map(decode);
export const floats = (msg: Map<number, Field[]>, n: number): number[] =>
  fields(msg, n).map((f) => {
    if (f.wire !== 5) throw new Error(`field ${n} is not a fixed32`);
    return f.value;
  });

/** ValueInfoProto → name and dims (numbers for dim_value, strings for dim_param). */
export function valueInfo(v: Map<number, Field[]>): { name: string; elemType: number; dims: (number | string)[] } {
  const tensorType = messages(messages(v, 2)[0], 1)[0];
  const shape = messages(tensorType, 2)[0];
  const dims = messages(shape, 1).map((d) => str(d, 2) ?? int(d, 1) ?? NaN);
  return { name: str(v, 1) ?? '', elemType: int(tensorType, 1) ?? 0, dims };
}
