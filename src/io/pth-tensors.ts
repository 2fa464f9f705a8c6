/**
 * Lazy tensor records produced while unpickling a PyTorch checkpoint, and
 * their materialisation into contiguous RawTensors.
 *
 * Unpickling only records *which* storage a tensor views and with what
 * offset/size/stride; the bytes are attached afterwards (in the legacy format
 * they follow the pickle). Materialisation then checks that every element the
 * view addresses lies inside its storage, and charges any copy against a
 * byte budget so that many overlapping or broadcast (stride 0) views of one
 * small storage cannot make us allocate far more than the file contains.
 */
import { CheckpointError } from './errors.js';
import { PyGlobal, PyTuple, pyTypeName, NOT_HANDLED } from './pickle.js';
import { itemSize, type DType, type RawTensor } from './raw-tensor.js';

/** torch.<X>Storage -> dtype. */
const STORAGE_DTYPES: ReadonlyMap<string, DType> = new Map([
  ['torch.FloatStorage', 'float32'],
  ['torch.HalfStorage', 'float16'],
  ['torch.BFloat16Storage', 'bfloat16'],
  ['torch.DoubleStorage', 'float64'],
  ['torch.LongStorage', 'int64'],
  ['torch.IntStorage', 'int32'],
  ['torch.ShortStorage', 'int16'],
  ['torch.CharStorage', 'int8'],
  ['torch.ByteStorage', 'uint8'],
  ['torch.BoolStorage', 'bool'],
]);

const DTYPE_STORAGES: ReadonlyMap<DType, string> = new Map(
  [...STORAGE_DTYPES].map(([s, d]) => [d, s.slice('torch.'.length)]),
);

/** The torch storage class name (e.g. "FloatStorage") for a dtype. */
export function storageTypeName(dtype: DType): string {
  const name = DTYPE_STORAGES.get(dtype);
  if (name === undefined) throw new RangeError(`no storage type for dtype ${String(dtype)}`);
  return name;
}

export function storageDtype(type: unknown, where: string): DType {
  const dtype = type instanceof PyGlobal ? STORAGE_DTYPES.get(type.qualifiedName) : undefined;
  if (dtype === undefined) throw new CheckpointError(`unsupported storage type ${pyTypeName(type)}`, { where });
  return dtype;
}

/**
 * A typed storage: `numel` elements of `dtype`. Either a root whose bytes are
 * attached with `attach()`, or (legacy format) a view of a root starting at
 * element `base`.
 */
export class StorageRef {
  private bytes: Uint8Array | undefined;

  constructor(
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
    private readonly root?: StorageRef,
    private readonly base = 0,
  ) {}

  attach(bytes: Uint8Array): void {
    this.bytes = bytes;
  }

  get attached(): boolean {
    return this.root !== undefined ? this.root.attached : this.bytes !== undefined;
  }

  /** The storage's bytes: exactly numel * itemsize of them. */
  data(): Uint8Array {
    const size = itemSize(this.dtype);
    if (this.root !== undefined) {
      const rootData = this.root.data();
      const start = this.base * size;
      const end = start + this.numel * size;
      if (end > rootData.length) {
        throw new CheckpointError(
          `storage view ${this.key} [${this.base}, +${this.numel}) exceeds its root storage ${this.root.key}`,
        );
      }
      return rootData.subarray(start, end);
    }
    if (this.bytes === undefined) throw new CheckpointError(`storage ${this.key} has no data in the file`);
    if (this.bytes.length < this.numel * size) {
      throw new CheckpointError(`storage ${this.key} holds ${this.bytes.length} bytes, needs ${this.numel * size}`);
    }
    return this.bytes.subarray(0, this.numel * size);
  }
}

/** Byte budget shared by all copies made while reading one file. */
export class CopyBudget {
  constructor(private remaining: number) {}

  charge(bytes: number, what: string): void {
    if (bytes > this.remaining) {
      throw new CheckpointError(
        `materialising ${what} needs ${bytes} more bytes than the file justifies (views overlap or broadcast too much)`,
      );
    }
    this.remaining -= bytes;
  }
}

/** A tensor as described by the pickle: a strided view of a storage. */
export class TensorRef {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {}

  get dtype(): DType {
    return this.storage.dtype;
  }

  /** Validates the view against its storage and returns a contiguous copy or view. */
  materialize(name: string, budget: CopyBudget): RawTensor {
    const { storage, offset, shape, stride } = this;
    const size = itemSize(storage.dtype);
    let numel = 1;
    for (const d of shape) numel *= d;
    if (!Number.isSafeInteger(numel)) throw new CheckpointError(`tensor has too many elements`, { where: name });
    const data = storage.data();
    if (numel === 0) return { dtype: storage.dtype, shape: [...shape], data: new Uint8Array(0) };

    // Highest element index addressed; all terms are non-negative, so if it
    // fits the storage, every element does. Huge products lose precision but
    // stay far above any real storage size, so the comparison stays correct.
    let last = offset;
    for (let i = 0; i < shape.length; i++) last += (shape[i] - 1) * stride[i];
    if (last >= storage.numel) {
      throw new CheckpointError(
        `tensor addresses element ${last} but its storage ${storage.key} has only ${storage.numel}`,
        { where: name },
      );
    }

    if (isContiguous(shape, stride)) {
      return { dtype: storage.dtype, shape: [...shape], data: data.subarray(offset * size, (offset + numel) * size) };
    }
    budget.charge(numel * size, name);
    return { dtype: storage.dtype, shape: [...shape], data: gather(data, size, offset, shape, stride, numel) };
  }
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && stride[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** Copies a strided view into a fresh contiguous buffer, one innermost row at a time. */
function gather(
  src: Uint8Array,
  size: number,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  numel: number,
): Uint8Array {
  const out = new Uint8Array(numel * size);
  const nd = shape.length;
  const inner = shape[nd - 1];
  const innerStride = stride[nd - 1];
  const index = new Array<number>(nd).fill(0);
  let base = offset; // element index of the start of the current innermost row
  let o = 0;
  for (let row = 0, rows = numel / inner; row < rows; row++) {
    if (innerStride === 1) {
      out.set(src.subarray(base * size, (base + inner) * size), o);
      o += inner * size;
    } else {
      for (let j = 0, e = base; j < inner; j++, e += innerStride) {
        const s = e * size;
        for (let b = 0; b < size; b++) out[o++] = src[s + b];
      }
    }
    // Odometer increment over the outer dimensions.
    for (let d = nd - 2; d >= 0; d--) {
      index[d]++;
      base += stride[d];
      if (index[d] < shape[d]) break;
      base -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

function intList(v: unknown, what: string, where: string): number[] {
  const items = v instanceof PyTuple ? v.items : Array.isArray(v) ? v : undefined;
  if (items === undefined) throw new CheckpointError(`${what} is a ${pyTypeName(v)}, expected a tuple`, { where });
  return items.map((x) => nonNegativeInt(x, what, where));
}

function nonNegativeInt(x: unknown, what: string, where: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) {
    const shown = typeof x === 'bigint' || typeof x === 'number' ? String(x) : pyTypeName(x);
    throw new CheckpointError(`${what} has the value ${shown}, expected a non-negative integer`, { where });
  }
  return x;
}

function buildTensor(args: readonly unknown[], where: string): TensorRef {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof StorageRef)) {
    throw new CheckpointError(`tensor storage is a ${pyTypeName(storage)}, expected a persistent storage`, { where });
  }
  const shape = intList(size, 'size', where);
  const strides = intList(stride, 'stride', where);
  if (shape.length !== strides.length) {
    throw new CheckpointError(`size has ${shape.length} dims but stride has ${strides.length}`, { where });
  }
  return new TensorRef(storage, nonNegativeInt(offset, 'storage offset', where), shape, strides);
}

/**
 * The unpickler `call` hook for torch's tensor-rebuilding functions. Returns
 * TensorRefs; anything else is left to the unpickler (NOT_HANDLED).
 */
export function rebuildCall(fn: PyGlobal, args: readonly unknown[], where: string): unknown {
  switch (fn.qualifiedName) {
    case 'torch._utils._rebuild_tensor': // (storage, storage_offset, size, stride)
      if (args.length !== 4) break;
      return buildTensor(args, where);
    case 'torch._utils._rebuild_tensor_v2': // (..., requires_grad, backward_hooks[, metadata])
      if (args.length !== 6 && args.length !== 7) break;
      return buildTensor(args, where);
    case 'torch._utils._rebuild_parameter': {
      // (data, requires_grad, backward_hooks): a Parameter is its data for our purposes.
      const [data] = args;
      if (args.length !== 3 || !(data instanceof TensorRef)) break;
      return data;
    }
    case 'torch._tensor._rebuild_from_type_v2': {
      // (func, new_type, args, state): a tensor subclass or a tensor with attributes.
      const [func, , inner] = args;
      if (args.length !== 4 || !(func instanceof PyGlobal) || !(inner instanceof PyTuple)) break;
      const t = rebuildCall(func, inner.items, where);
      if (!(t instanceof TensorRef)) break;
      return t;
    }
    default:
      return NOT_HANDLED;
  }
  throw new CheckpointError(`unexpected arguments to ${fn.qualifiedName} (${args.map(pyTypeName).join(', ')})`, {
    where,
  });
}
