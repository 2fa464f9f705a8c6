/**
 * Writes a state dict as a PyTorch zip checkpoint, the layout torch.save has
 * used since 1.6:
 *
 *   <archive>/data.pkl    protocol-2 pickle of an OrderedDict whose values are
 *                         torch._utils._rebuild_tensor_v2(storage, 0, shape,
 *                         stride, False, OrderedDict()) reductions, each
 *                         storage a persistent id
 *                         ('storage', torch.<X>Storage, '<i>', 'cpu', numel)
 *   <archive>/byteorder   "little" (written by PyTorch >= 2.1; older versions ignore it)
 *   <archive>/data/<i>    raw little-endian bytes of tensor i
 *   <archive>/version     "3\n" (what PyTorch 1.13 writes)
 *
 * Only globals on torch.load(weights_only=True)'s allowlist are used, so the
 * result loads in that safe mode.
 */
import { PickleBuilder } from './pickle-writer.js';
import { storageTypeName } from './pth-tensors.js';
import { byteLength, isDType, type RawTensor } from './raw-tensor.js';
import { writeZip, type ZipWriteEntry } from './zip.js';

export interface EncodePthOptions {
  /** Force zip64 records (only useful for testing readers). */
  forceZip64?: boolean;
}

function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i];
  }
  return stride;
}

function buildDataPkl(tensors: Map<string, RawTensor>): Uint8Array {
  const p = new PickleBuilder().proto(2);
  p.global('collections', 'OrderedDict').emptyTuple().reduce();
  if (tensors.size > 0) {
    p.mark();
    let i = 0;
    for (const [name, t] of tensors) {
      const numel = t.shape.reduce((a, b) => a * b, 1);
      p.str(name);
      p.global('torch._utils', '_rebuild_tensor_v2');
      p.mark(); // arguments of _rebuild_tensor_v2
      p.mark().str('storage').global('torch', storageTypeName(t.dtype)).str(String(i)).str('cpu').int(numel).tuple();
      p.binPersId();
      p.int(0); // storage offset
      p.intTuple(t.shape);
      p.intTuple(contiguousStride(t.shape));
      p.bool(false); // requires_grad
      p.global('collections', 'OrderedDict').emptyTuple().reduce(); // backward hooks
      p.tuple().reduce();
      i++;
    }
    p.setItems();
  }
  return p.stop().bytes();
}

/** Serialises tensors (in order) as `torch.save(OrderedDict(...))` would, zip layout. */
export function encodeRawPth(
  tensors: Map<string, RawTensor>,
  archiveName = 'archive',
  opts: EncodePthOptions = {},
): Uint8Array {
  if (!/^[^/\\]+$/.test(archiveName) || archiveName === '.' || archiveName === '..') {
    throw new RangeError(`invalid archive name ${JSON.stringify(archiveName)}`);
  }
  for (const [name, t] of tensors) {
    if (!isDType(t.dtype)) throw new TypeError(`tensor ${name} has unknown dtype ${String(t.dtype)}`);
    const size = byteLength(t.dtype, t.shape);
    if (t.data.length !== size) throw new RangeError(`tensor ${name} has ${t.data.length} bytes, expected ${size}`);
  }
  const entries: ZipWriteEntry[] = [
    { name: `${archiveName}/data.pkl`, data: buildDataPkl(tensors) },
    { name: `${archiveName}/byteorder`, data: new TextEncoder().encode('little') },
  ];
  let i = 0;
  for (const t of tensors.values()) entries.push({ name: `${archiveName}/data/${i++}`, data: t.data });
  entries.push({ name: `${archiveName}/version`, data: new TextEncoder().encode('3\n') });
  return writeZip(entries, { forceZip64: opts.forceZip64 });
}
