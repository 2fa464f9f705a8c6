/**
 * The safetensors format (https://github.com/huggingface/safetensors):
 *
 *   u64 LE  N            header length
 *   N bytes              UTF-8 JSON object, padded with spaces
 *   rest                 data section
 *
 * The header maps tensor names to {dtype, shape, data_offsets: [begin, end]}
 * (offsets relative to the data section) plus an optional "__metadata__"
 * string->string map. Validation follows the upstream reader: bounded header,
 * known dtypes, byte lengths matching dtype x shape, tensors tiling the data
 * section exactly (contiguous, non-overlapping, fully covered). Duplicate
 * names are rejected even though JSON parsers usually keep the last one.
 */
import { ByteReader, decodeUtf8, utf8Encoder } from './bytes.js';
import { SafetensorsError } from './errors.js';
import { byteLength, isDType, type DType, type RawTensor } from './raw-tensor.js';
import { JsonSyntaxError, parseStrictJson, type JsonValue } from './strict-json.js';

/** Upstream's limit on the header size. */
export const MAX_HEADER_BYTES = 100_000_000;

const TO_FILE: Readonly<Record<DType, string>> = Object.freeze({
  float32: 'F32',
  float16: 'F16',
  bfloat16: 'BF16',
  float64: 'F64',
  int64: 'I64',
  int32: 'I32',
  int16: 'I16',
  int8: 'I8',
  uint8: 'U8',
  bool: 'BOOL',
});
const FROM_FILE: ReadonlyMap<string, DType> = new Map(Object.entries(TO_FILE).map(([d, f]) => [f, d as DType]));

export interface SafetensorsContent {
  tensors: Map<string, RawTensor>;
  metadata: Map<string, string>;
}

interface Planned {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

function fail(message: string, where?: string): SafetensorsError {
  return new SafetensorsError(message, { where: where ?? 'safetensors header' });
}

function readHeader(bytes: Uint8Array): { header: Map<string, JsonValue>; dataStart: number } {
  const r = new ByteReader(bytes, (msg, off) => new SafetensorsError(msg, { offset: off }));
  if (bytes.length < 8) throw new SafetensorsError(`file too short (${bytes.length} bytes) for a safetensors header`);
  const n = r.i64(0, 'header length');
  if (n < 0n || n > BigInt(MAX_HEADER_BYTES))
    throw new SafetensorsError(`header length ${BigInt.asUintN(64, n)} exceeds ${MAX_HEADER_BYTES} bytes`);
  const len = Number(n);
  if (len > bytes.length - 8)
    throw new SafetensorsError(`header length ${len} exceeds the file (${bytes.length} bytes)`);
  const text = decodeUtf8(bytes.subarray(8, 8 + len));
  if (text === undefined) throw fail('header is not valid UTF-8');
  if (!text.startsWith('{')) throw fail("header does not start with '{'");
  let parsed: JsonValue;
  try {
    parsed = parseStrictJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError)
      throw new SafetensorsError(`invalid header JSON: ${e.message}`, { where: 'safetensors header', cause: e });
    throw e;
  }
  if (!(parsed instanceof Map)) throw fail('header is not a JSON object');
  return { header: parsed, dataStart: 8 + len };
}

function intArray(v: JsonValue | undefined, what: string, name: string): number[] {
  if (!Array.isArray(v)) throw fail(`${what} is not an array`, name);
  return v.map((x) => {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0)
      throw fail(`${what} holds ${JSON.stringify(x)}`, name);
    return x;
  });
}

function parseEntry(name: string, v: JsonValue): Planned {
  if (!(v instanceof Map)) throw fail('tensor entry is not an object', name);
  const dt = v.get('dtype');
  if (typeof dt !== 'string') throw fail('dtype is missing or not a string', name);
  const dtype = FROM_FILE.get(dt);
  if (dtype === undefined) throw fail(`unsupported dtype ${JSON.stringify(dt)}`, name);
  const shape = intArray(v.get('shape'), 'shape', name);
  const offsets = intArray(v.get('data_offsets'), 'data_offsets', name);
  if (offsets.length !== 2) throw fail('data_offsets must be [begin, end]', name);
  const [begin, end] = offsets;
  if (begin > end) throw fail(`data_offsets [${begin}, ${end}] are reversed`, name);
  let expected: number;
  try {
    expected = byteLength(dtype, shape);
  } catch {
    throw fail(`shape [${shape.join(', ')}] is too large`, name);
  }
  if (expected !== end - begin) {
    throw fail(`${dt} shape [${shape.join(', ')}] needs ${expected} bytes but data_offsets span ${end - begin}`, name);
  }
  return { name, dtype, shape, begin, end };
}

/** Parses and validates a safetensors file. Tensor data are views of `bytes` (no copy). */
export function decodeRawSafetensors(bytes: Uint8Array): SafetensorsContent {
  const { header, dataStart } = readHeader(bytes);
  const metadata = new Map<string, string>();
  const planned: Planned[] = [];
  for (const [name, v] of header) {
    if (name === '__metadata__') {
      if (!(v instanceof Map)) throw fail('__metadata__ is not an object');
      for (const [k, s] of v) {
        if (typeof s !== 'string') throw fail(`__metadata__ value for ${JSON.stringify(k)} is not a string`);
        metadata.set(k, s);
      }
      continue;
    }
    planned.push(parseEntry(name, v));
  }
  // Tensors must tile the data section: sorted by offset, each starts where the previous ended.
  const dataLen = bytes.length - dataStart;
  const byOffset = [...planned].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const p of byOffset) {
    if (p.begin !== expected) {
      throw fail(
        p.begin < expected
          ? `data overlaps the previous tensor (starts at ${p.begin}, previous ends at ${expected})`
          : `gap in the data section before offset ${p.begin}`,
        p.name,
      );
    }
    expected = p.end;
  }
  if (expected !== dataLen) {
    throw fail(`tensors cover ${expected} bytes but the data section has ${dataLen}`);
  }
  const tensors = new Map<string, RawTensor>();
  for (const p of planned) {
    tensors.set(p.name, {
      dtype: p.dtype,
      shape: p.shape,
      data: bytes.subarray(dataStart + p.begin, dataStart + p.end),
    });
  }
  return { tensors, metadata };
}

/**
 * Serialises tensors (in the given order) and optional string metadata.
 * The header is padded with spaces so the data section starts 8-byte aligned.
 */
export function encodeRawSafetensors(
  tensors: Map<string, RawTensor>,
  metadata?: Record<string, string> | Map<string, string>,
): Uint8Array {
  const parts: string[] = [];
  if (metadata !== undefined) {
    const entries = metadata instanceof Map ? [...metadata] : Object.entries(metadata);
    const fields = entries.map(([k, v]) => {
      if (typeof v !== 'string') throw new TypeError(`metadata value for ${k} is not a string`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    parts.push(`"__metadata__":{${fields.join(',')}}`);
  }
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new RangeError('a tensor cannot be named __metadata__');
    if (!isDType(t.dtype)) throw new TypeError(`tensor ${name} has unknown dtype ${String(t.dtype)}`);
    const size = byteLength(t.dtype, t.shape);
    if (t.data.length !== size) throw new RangeError(`tensor ${name} has ${t.data.length} bytes, expected ${size}`);
    // Built by hand (not JSON.stringify of an object) to keep order and treat every name as data.
    parts.push(
      `${JSON.stringify(name)}:{"dtype":"${TO_FILE[t.dtype]}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${offset + size}]}`,
    );
    offset += size;
  }
  const json = utf8Encoder.encode(`{${parts.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const t of tensors.values()) {
    out.set(t.data, pos);
    pos += t.data.length;
  }
  return out;
}
