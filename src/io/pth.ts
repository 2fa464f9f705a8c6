/**
 * Reads PyTorch checkpoints (`torch.save` output) into a flat state dict.
 *
 * Two layouts exist:
 *  - zip (PyTorch >= 1.6): `<archive>/data.pkl` holds the object pickle and
 *    `<archive>/data/<key>` the raw bytes of each storage; persistent ids are
 *    ('storage', storage_type, key, location, numel).
 *  - legacy stream (PyTorch < 1.6, or `_use_new_zipfile_serialization=False`):
 *    five pickles in a row (magic number, protocol version, sys_info, the
 *    object, the sorted list of storage keys), then for each key an int64
 *    element count and the raw bytes. Persistent ids are
 *    ('storage', storage_type, root_key, location, numel, view_metadata).
 *
 * Nothing in the file is executed (see pickle.ts), and nothing is allocated
 * before the bytes backing it have been found in the file.
 */
import { readZip, type ZipEntry } from './zip.js';
import * as OP from './pickle-opcodes.js';
import { unpickle, PyTuple, pyTypeName, type PyGlobal } from './pickle.js';
import { CheckpointError } from './errors.js';
import { CopyBudget, StorageRef, TensorRef, rebuildCall, storageDtype } from './pth-tensors.js';
import { itemSize, type RawTensor } from './raw-tensor.js';
import { ByteReader } from './bytes.js';

export interface DecodePthOptions {
  /** Take the state dict from this entry of a checkpoint dict, e.g. 'state_dict' or 'model'. */
  key?: string;
  /** Remove this prefix (e.g. 'module.') from every key that starts with it. */
  stripPrefix?: string;
  /** Verify zip CRC-32s (default true). */
  checkCrc?: boolean;
  /**
   * Most bytes that may be allocated to make strided views contiguous
   * (default: twice the file size + 16 MiB). Contiguous tensors are views of
   * the input and cost nothing.
   */
  maxCopyBytes?: number;
  /**
   * The caller owns `bytes` and allows the reader to move data inside it. Legacy
   * files place storages at arbitrary byte offsets; with this set, each one is
   * shifted back (over its already-read element count) to an 8-byte boundary,
   * so float32 tensors can be viewed in place instead of copied — loading then
   * needs little more memory than the file itself.
   */
  alignInPlace?: boolean;
}

/** Value of the first pickle of a legacy checkpoint. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
const LEGACY_PROTOCOL = 1001;
const NO_GLOBALS: ReadonlySet<string> = new Set();

export type PthLayout = 'zip' | 'legacy';

/** Which torch.save layout the bytes look like, judged from the first bytes only. */
export function pthLayout(bytes: Uint8Array): PthLayout | undefined {
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5)) return 'zip';
  // PROTO n followed by LONG1: the magic number pickle.
  if (bytes.length >= 3 && bytes[0] === OP.PROTO && bytes[2] === OP.LONG1) return 'legacy';
  return undefined;
}

function asTuple(v: unknown, where: string): readonly unknown[] {
  if (!(v instanceof PyTuple))
    throw new CheckpointError(`persistent id is a ${pyTypeName(v)}, expected a tuple`, { where });
  return v.items;
}

function storageKey(v: unknown, where: string): string {
  if (typeof v !== 'string')
    throw new CheckpointError(`storage key is a ${pyTypeName(v)}, expected a string`, { where });
  return v;
}

function elementCount(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new CheckpointError(
      `storage size ${typeof v === 'bigint' ? String(v) : pyTypeName(v)} is not a valid element count`,
      { where },
    );
  }
  return v;
}

/** Unpickles the object with tensor rebuilding enabled. */
function unpickleObject(
  bytes: Uint8Array,
  start: number,
  where: string,
  persistentLoad: (pid: unknown) => unknown,
): { value: unknown; end: number } {
  return unpickle(bytes, start, {
    where,
    persistentLoad,
    call: (fn: PyGlobal, args: readonly unknown[]) => rebuildCall(fn, args, where),
  });
}

// ---- zip layout -------------------------------------------------------------

function findArchivePrefix(entries: Map<string, ZipEntry>): string {
  const candidates = [...entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (candidates.length === 0) {
    throw new CheckpointError('zip archive has no <archive>/data.pkl entry: not a torch.save checkpoint');
  }
  if (candidates.length > 1) {
    throw new CheckpointError(`zip archive has several data.pkl entries: ${candidates.join(', ')}`);
  }
  const prefix = candidates[0].slice(0, -'data.pkl'.length);
  if (entries.has(`${prefix}constants.pkl`) || [...entries.keys()].some((n) => n.startsWith(`${prefix}code/`))) {
    throw new CheckpointError('this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint');
  }
  return prefix;
}

function loadZipObject(bytes: Uint8Array, opts: DecodePthOptions): unknown {
  const entries = readZip(bytes, { checkCrc: opts.checkCrc ?? true });
  const prefix = findArchivePrefix(entries);
  const byteorder = entries.get(`${prefix}byteorder`);
  if (byteorder !== undefined) {
    const order = new TextDecoder().decode(byteorder.data()).trim();
    if (order !== 'little')
      throw new CheckpointError(`unsupported byte order '${order}'`, { where: `${prefix}byteorder` });
  }
  const where = `${prefix}data.pkl`;
  const storages = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown): unknown => {
    const t = asTuple(pid, where);
    if (t.length !== 5 || t[0] !== 'storage') throw new CheckpointError('unrecognised persistent id', { where });
    const dtype = storageDtype(t[1], where);
    const key = storageKey(t[2], where);
    const numel = elementCount(t[4], where);
    const seen = storages.get(key);
    if (seen !== undefined) {
      if (seen.dtype !== dtype || seen.numel !== numel) {
        throw new CheckpointError(`storage ${key} is used with conflicting types or sizes`, { where });
      }
      return seen;
    }
    const name = `${prefix}data/${key}`;
    const entry = entries.get(name);
    if (entry === undefined) throw new CheckpointError(`storage ${key} has no ${name} entry`, { where });
    // Checked against the directory before any data is read: a pickle claiming
    // 2^40 elements fails here rather than in an allocator.
    if (numel * itemSize(dtype) > entry.size) {
      throw new CheckpointError(
        `storage ${key} claims ${numel} ${dtype} elements but ${name} has only ${entry.size} bytes`,
        { where },
      );
    }
    const ref = new StorageRef(key, dtype, numel);
    ref.attach(entry.data());
    storages.set(key, ref);
    return ref;
  };
  return unpickleObject(entries.get(where)!.data(), 0, where, persistentLoad).value;
}

// ---- legacy layout ----------------------------------------------------------

function loadLegacyObject(bytes: Uint8Array, alignInPlace = false): unknown {
  const header = (start: number, what: string) => unpickle(bytes, start, { where: what, allowedGlobals: NO_GLOBALS });
  const magic = header(0, 'legacy magic number');
  if (magic.value !== LEGACY_MAGIC)
    throw new CheckpointError('not a PyTorch checkpoint (bad magic number)', { offset: 0 });
  const protocol = header(magic.end, 'legacy protocol version');
  if (protocol.value !== LEGACY_PROTOCOL) {
    throw new CheckpointError(`unsupported legacy protocol version ${String(protocol.value)}`, { offset: magic.end });
  }
  const sysInfo = header(protocol.end, 'legacy sys_info');
  if (sysInfo.value instanceof Map && sysInfo.value.get('little_endian') === false) {
    throw new CheckpointError('big-endian legacy checkpoints are not supported', { offset: protocol.end });
  }

  const where = 'legacy object pickle';
  const roots = new Map<string, StorageRef>();
  const views = new Map<string, StorageRef>();
  const persistentLoad = (pid: unknown): unknown => {
    const t = asTuple(pid, where);
    if (t.length !== 6 || t[0] !== 'storage') throw new CheckpointError('unrecognised persistent id', { where });
    const dtype = storageDtype(t[1], where);
    const key = storageKey(t[2], where);
    const numel = elementCount(t[4], where);
    let root = roots.get(key);
    if (root === undefined) {
      root = new StorageRef(key, dtype, numel);
      roots.set(key, root);
    } else if (root.dtype !== dtype || root.numel !== numel) {
      throw new CheckpointError(`storage ${key} is used with conflicting types or sizes`, { where });
    }
    const viewMeta = t[5];
    if (viewMeta === null) return root;
    // (view_key, offset, view_size): a slice of the root storage (very old PyTorch).
    const v = asTuple(viewMeta, where);
    if (v.length !== 3) throw new CheckpointError('malformed storage view metadata', { where });
    const viewKey = storageKey(v[0], where);
    const existing = views.get(viewKey);
    if (existing !== undefined) return existing;
    const view = new StorageRef(viewKey, dtype, elementCount(v[2], where), root, elementCount(v[1], where));
    views.set(viewKey, view);
    return view;
  };
  const obj = unpickleObject(bytes, sysInfo.end, where, persistentLoad);

  const keysPickle = unpickle(bytes, obj.end, { where: 'legacy storage key list', allowedGlobals: NO_GLOBALS });
  const keys = keysPickle.value;
  if (!Array.isArray(keys)) throw new CheckpointError('storage key list is not a list', { offset: obj.end });

  const r = new ByteReader(
    bytes,
    (msg, off) => new CheckpointError(msg, { offset: off, where: 'legacy storage data' }),
  );
  let pos = keysPickle.end;
  for (const k of keys) {
    const key = storageKey(k, 'legacy storage key list');
    const root = roots.get(key);
    if (root === undefined)
      throw new CheckpointError(`storage ${key} has data but no tensor refers to it`, { offset: pos });
    const count = r.i64(pos, `element count of storage ${key}`);
    pos += 8;
    const size = itemSize(root.dtype);
    // Compare before allocating or slicing: a count of 2^40 is rejected here.
    if (count < 0n || count * BigInt(size) > BigInt(bytes.length - pos)) {
      throw new CheckpointError(`storage ${key} claims ${count} elements, more than the file holds`, {
        offset: pos - 8,
      });
    }
    if (Number(count) !== root.numel) {
      throw new CheckpointError(`storage ${key} has ${count} elements but the pickle says ${root.numel}`, {
        offset: pos - 8,
      });
    }
    if (root.attached) throw new CheckpointError(`storage ${key} appears twice`, { offset: pos - 8 });
    const n = Number(count) * size;
    const data = r.slice(pos, n, `data of storage ${key}`);
    const shift = (bytes.byteOffset + pos) % 8;
    if (alignInPlace && shift !== 0) {
      // The 8 count bytes just read are free, so the data can move back onto a boundary.
      bytes.copyWithin(pos - shift, pos, pos + n);
      root.attach(bytes.subarray(pos - shift, pos - shift + n));
    } else {
      root.attach(data);
    }
    pos += n;
  }
  return obj.value;
}

// ---- public API -------------------------------------------------------------

/**
 * Reads the object stored in a checkpoint, with each tensor left as a lazy
 * TensorRef (call `materialize`). Useful to look at non-tensor entries such as
 * `epoch`; most callers want decodeRawPth.
 */
export function decodePthObject(bytes: Uint8Array, opts: DecodePthOptions = {}): unknown {
  const layout = pthLayout(bytes);
  if (layout === 'zip') return loadZipObject(bytes, opts);
  if (layout === 'legacy') return loadLegacyObject(bytes, opts.alignInPlace);
  if (bytes.length === 0) throw new CheckpointError('file is empty');
  if (bytes.length >= 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
    throw new CheckpointError('tar-format checkpoints (PyTorch < 0.4) are not supported');
  }
  throw new CheckpointError('not a PyTorch checkpoint (neither a zip archive nor a legacy pickle stream)', {
    offset: 0,
  });
}

function hasTensors(d: Map<unknown, unknown>): boolean {
  for (const v of d.values()) if (v instanceof TensorRef) return true;
  return false;
}

function describeKeys(d: Map<unknown, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of d) {
    if (parts.length >= 20) {
      parts.push('…');
      break;
    }
    const holdsTensors = v instanceof Map && hasTensors(v);
    parts.push(`${typeof k === 'string' ? JSON.stringify(k) : pyTypeName(k)}${holdsTensors ? ' (holds tensors)' : ''}`);
  }
  return parts.join(', ');
}

function selectStateDict(top: unknown, key: string | undefined): Map<unknown, unknown> {
  if (!(top instanceof Map))
    throw new CheckpointError(`checkpoint holds a ${pyTypeName(top)}, expected a dict of tensors`);
  if (key !== undefined) {
    if (!top.has(key)) throw new CheckpointError(`checkpoint has no entry '${key}'; available: ${describeKeys(top)}`);
    const inner = top.get(key);
    if (!(inner instanceof Map))
      throw new CheckpointError(`checkpoint entry '${key}' is a ${pyTypeName(inner)}, expected a dict of tensors`);
    if (inner.size > 0 && !hasTensors(inner)) {
      throw new CheckpointError(`checkpoint entry '${key}' holds no tensors; its keys are: ${describeKeys(inner)}`);
    }
    return inner;
  }
  if (top.size > 0 && !hasTensors(top)) {
    // A training checkpoint ({'epoch':…, 'state_dict':…}): say so rather than guess which entry is meant.
    throw new CheckpointError(
      `checkpoint is a dict without tensors at its top level; pass the 'key' option to choose one of: ${describeKeys(top)}`,
    );
  }
  return top;
}

/**
 * Reads a PyTorch checkpoint (either layout) and returns its state dict:
 * name -> contiguous tensor, in file order. Non-tensor entries are skipped.
 */
export function decodeRawPth(bytes: Uint8Array, opts: DecodePthOptions = {}): Map<string, RawTensor> {
  const dict = selectStateDict(decodePthObject(bytes, opts), opts.key);
  const budget = new CopyBudget(opts.maxCopyBytes ?? bytes.length * 2 + (16 << 20));
  const out = new Map<string, RawTensor>();
  const prefix = opts.stripPrefix;
  for (const [k, v] of dict) {
    if (typeof k !== 'string')
      throw new CheckpointError(`state dict has a key of type ${pyTypeName(k)}; keys must be strings`);
    if (!(v instanceof TensorRef)) continue;
    const name = prefix !== undefined && prefix !== '' && k.startsWith(prefix) ? k.slice(prefix.length) : k;
    if (out.has(name))
      throw new CheckpointError(`two entries map to '${name}' after removing prefix '${prefix ?? ''}'`);
    out.set(name, v.materialize(k, budget));
  }
  return out;
}
