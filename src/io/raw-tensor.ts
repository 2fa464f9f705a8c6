/**
 * The neutral tensor record that every checkpoint reader returns and every
 * writer accepts. It deliberately depends on nothing else in the library so
 * the file-format code can be used (and tested) on its own.
 */

export type DType =
  'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

export interface RawTensor {
  dtype: DType;
  shape: number[];
  /**
   * Little-endian, C-contiguous, exactly numel * itemsize bytes. Readers may
   * return views into the input file's buffer (no copy), so treat it as
   * read-only unless you made it yourself.
   */
  data: Uint8Array;
}

/** A state dict: parameter name -> tensor, in file order. */
export type StateDict = Map<string, RawTensor>;

const ITEM_SIZE: Readonly<Record<DType, number>> = Object.freeze({
  float32: 4,
  float16: 2,
  bfloat16: 2,
  float64: 8,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
});

export const DTYPES: readonly DType[] = Object.freeze(Object.keys(ITEM_SIZE) as DType[]);

export function isDType(s: unknown): s is DType {
  // Object.hasOwn, not `in`: "toString" or "__proto__" must not count as dtypes.
  return typeof s === 'string' && Object.hasOwn(ITEM_SIZE, s);
}

export function itemSize(dtype: DType): number {
  return ITEM_SIZE[dtype];
}

/**
 * Number of elements of a shape, or throws RangeError if the shape is not a
 * list of non-negative safe integers or the product is not a safe integer.
 * Callers that validate file content turn this into their own CheckpointError.
 */
export function shapeNumel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`invalid dimension ${String(d)}`);
    n *= d;
    if (!Number.isSafeInteger(n)) throw new RangeError('element count overflows');
  }
  return n;
}

/** Bytes a tensor of this dtype and shape occupies. */
export function byteLength(dtype: DType, shape: readonly number[]): number {
  const bytes = shapeNumel(shape) * ITEM_SIZE[dtype];
  if (!Number.isSafeInteger(bytes)) throw new RangeError('byte length overflows');
  return bytes;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1024 + frac) * 2 ** (exp - 25);
}

/**
 * Converts any dtype to a fresh float32 array (never aliasing `t.data`).
 * float64 and int64 values are rounded to the nearest float32, like
 * `tensor.float()` in PyTorch.
 */
export function toFloat32(t: RawTensor): Float32Array {
  const size = ITEM_SIZE[t.dtype];
  if (size === undefined) throw new TypeError(`unknown dtype ${String(t.dtype)}`);
  const n = shapeNumel(t.shape);
  if (t.data.byteLength !== n * size) {
    throw new RangeError(`tensor data has ${t.data.byteLength} bytes, expected ${n * size}`);
  }
  const out = new Float32Array(n);
  const src = t.data;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (t.dtype) {
    case 'float32':
      if (HOST_LITTLE_ENDIAN) {
        // Byte copy handles unaligned sources, which a typed-array view cannot.
        new Uint8Array(out.buffer).set(src);
      } else {
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      }
      break;
    case 'float16':
      for (let i = 0; i < n; i++) out[i] = halfToNumber(view.getUint16(i * 2, true));
      break;
    case 'bfloat16': {
      // bfloat16 is the top half of a float32: shifting keeps NaN payloads too.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case 'float64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'int64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'int32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'int16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'int8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'uint8':
      for (let i = 0; i < n; i++) out[i] = src[i];
      break;
    case 'bool':
      for (let i = 0; i < n; i++) out[i] = src[i] !== 0 ? 1 : 0;
      break;
  }
  return out;
}

/** Wraps float32 values (copied) as a float32 RawTensor of the given shape. */
export function fromFloat32(shape: readonly number[], values: Float32Array): RawTensor {
  const n = shapeNumel(shape);
  if (n !== values.length) {
    throw new RangeError(`shape [${shape.join(', ')}] has ${n} elements but ${values.length} values were given`);
  }
  const data = new Uint8Array(n * 4);
  if (HOST_LITTLE_ENDIAN) {
    data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  } else {
    const view = new DataView(data.buffer);
    for (let i = 0; i < n; i++) view.setFloat32(i * 4, values[i], true);
  }
  return { dtype: 'float32', shape: [...shape], data };
}
