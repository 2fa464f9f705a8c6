/**
 * Minimal ZIP reader and writer for PyTorch checkpoints (PyTorch >= 1.6
 * stores torch.save output as an uncompressed ZIP archive).
 *
 * The reader trusts nothing: every offset and length from the file is checked
 * against the buffer before it is used, entry data is only ever a view of the
 * input (STORED) or an inflation capped at the declared size (DEFLATE), and
 * CRC-32 is verified. The writer produces STORED entries whose data is aligned
 * to 64 bytes like PyTorch's own writer, so the tensor bytes can be mapped
 * straight into typed arrays.
 */
import { inflateRawSync } from '#platform/inflate';
import { ByteReader, ByteWriter, decodeLatin1, decodeUtf8, utf8Encoder } from './bytes.js';
import { crc32 } from './crc32.js';
import { ZipError } from './errors.js';

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;

const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;

const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;

const FLAG_ENCRYPTED = 0x0001;
const FLAG_STRONG_ENCRYPTION = 0x0040;
const FLAG_UTF8 = 0x0800;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

/** DEFLATE cannot expand input by more than ~1032:1; anything claiming more is a bomb or a lie. */
const MAX_DEFLATE_RATIO = 1032;

export interface ZipReadOptions {
  /** Inflate DEFLATE entries (default true). When false they are refused with a ZipError. */
  allowDeflate?: boolean;
  /** Verify CRC-32 of each entry the first time its data is read (default true). */
  checkCrc?: boolean;
  /** Largest uncompressed entry accepted for DEFLATE entries, in bytes (default 2 GiB - 1). */
  maxInflatedSize?: number;
}

export class ZipEntry {
  private cached: Uint8Array | undefined;

  constructor(
    private readonly source: Uint8Array,
    readonly name: string,
    readonly method: number,
    readonly crc32: number,
    readonly compressedSize: number,
    readonly size: number,
    /** Offset of the entry's (possibly compressed) data in the archive. */
    readonly dataOffset: number,
    private readonly opts: Required<ZipReadOptions>,
  ) {}

  /**
   * The entry's uncompressed bytes. STORED entries are returned as a view of
   * the archive buffer (no copy). Validated (size, CRC) on first access.
   */
  data(): Uint8Array {
    if (this.cached !== undefined) return this.cached;
    const raw = this.source.subarray(this.dataOffset, this.dataOffset + this.compressedSize);
    let out: Uint8Array;
    if (this.method === METHOD_STORED) {
      out = raw;
    } else {
      out = this.inflate(raw);
    }
    if (this.opts.checkCrc) {
      const actual = crc32(out);
      if (actual !== this.crc32) {
        throw new ZipError(`CRC-32 mismatch: stored ${hex(this.crc32)}, computed ${hex(actual)}`, {
          where: this.name,
          offset: this.dataOffset,
        });
      }
    }
    this.cached = out;
    return out;
  }

  private inflate(raw: Uint8Array): Uint8Array {
    if (!this.opts.allowDeflate) {
      throw new ZipError('compressed (DEFLATE) entries are not accepted', { where: this.name });
    }
    // Refuse before inflating: the declared size is what we would let zlib produce.
    if (this.size > this.opts.maxInflatedSize) {
      throw new ZipError(`declared size ${this.size} exceeds the limit of ${this.opts.maxInflatedSize} bytes`, {
        where: this.name,
      });
    }
    if (this.size > this.compressedSize * MAX_DEFLATE_RATIO + 1024) {
      throw new ZipError(
        `declared size ${this.size} is impossible for ${this.compressedSize} compressed bytes (zip bomb?)`,
        { where: this.name },
      );
    }
    let out: Uint8Array;
    try {
      // maxOutputLength makes zlib stop (and throw) as soon as the output
      // would exceed the declared size, so a lying header cannot make us
      // allocate more than it claims. It must be >= 1, hence the max().
      out = inflateRawSync(raw, Math.max(1, this.size));
    } catch (e) {
      throw new ZipError(`cannot inflate: ${(e as Error).message}`, { where: this.name, cause: e });
    }
    if (out.length !== this.size) {
      throw new ZipError(`inflated to ${out.length} bytes but the directory says ${this.size}`, { where: this.name });
    }
    return out;
  }
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

function zipFail(message: string, offset: number): ZipError {
  return new ZipError(message, { offset });
}

interface Directory {
  count: number;
  cdOffset: number;
  cdSize: number;
  /** Where the central directory must end: the zip64 record, or the EOCD. */
  cdLimit: number;
}

function findEndOfCentralDirectory(r: ByteReader): number {
  if (r.length < EOCD_SIZE) throw new ZipError(`file too short to be a ZIP archive (${r.length} bytes)`);
  const lowest = Math.max(0, r.length - EOCD_SIZE - MAX_COMMENT);
  for (let pos = r.length - EOCD_SIZE; pos >= lowest; pos--) {
    if (r.bytes[pos] !== 0x50 || r.u32(pos, 'EOCD signature') !== SIG_EOCD) continue;
    // A record is only genuine if its comment ends exactly at the end of the file;
    // this rejects signatures that happen to occur inside the comment or data.
    if (pos + EOCD_SIZE + r.u16(pos + 20, 'comment length') === r.length) return pos;
  }
  throw new ZipError('no end-of-central-directory record: not a ZIP archive, or truncated');
}

function readDirectory(r: ByteReader): Directory {
  const eocd = findEndOfCentralDirectory(r);
  const disk = r.u16(eocd + 4, 'disk number');
  const cdDisk = r.u16(eocd + 6, 'central directory disk');
  const onDisk = r.u16(eocd + 8, 'entries on disk');
  let count = r.u16(eocd + 10, 'entry count');
  let cdSize = r.u32(eocd + 12, 'central directory size');
  let cdOffset = r.u32(eocd + 16, 'central directory offset');
  let cdLimit = eocd;

  const loc = eocd - ZIP64_LOCATOR_SIZE;
  if (loc >= 0 && r.u32(loc, 'zip64 locator signature') === SIG_ZIP64_LOCATOR) {
    if (r.u32(loc + 4, 'zip64 record disk') !== 0 || r.u32(loc + 16, 'disk count') > 1) {
      throw new ZipError('multi-disk ZIP archives are not supported', { offset: loc });
    }
    const rec = r.u64(loc + 8, 'zip64 end record offset');
    if (rec + ZIP64_EOCD_SIZE > loc) throw new ZipError('zip64 end record overlaps its locator', { offset: rec });
    if (r.u32(rec, 'zip64 end record signature') !== SIG_ZIP64_EOCD) {
      throw new ZipError('bad zip64 end-of-central-directory signature', { offset: rec });
    }
    if (r.u32(rec + 16, 'zip64 disk') !== 0 || r.u32(rec + 20, 'zip64 cd disk') !== 0) {
      throw new ZipError('multi-disk ZIP archives are not supported', { offset: rec });
    }
    const onDisk64 = r.u64(rec + 24, 'zip64 entries on disk');
    count = r.u64(rec + 32, 'zip64 entry count');
    cdSize = r.u64(rec + 40, 'zip64 central directory size');
    cdOffset = r.u64(rec + 48, 'zip64 central directory offset');
    if (onDisk64 !== count) throw new ZipError('multi-disk ZIP archives are not supported', { offset: rec });
    cdLimit = rec;
  } else {
    if (disk !== 0 || cdDisk !== 0 || onDisk !== count) {
      throw new ZipError('multi-disk ZIP archives are not supported', { offset: eocd });
    }
    if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
      throw new ZipError('archive needs zip64 records but has none', { offset: eocd });
    }
  }
  if (cdOffset + cdSize > cdLimit) {
    throw new ZipError(`central directory (${cdOffset}+${cdSize}) runs past its end record`, { offset: cdOffset });
  }
  // Each entry needs at least 46 bytes, which bounds the loop by the file size.
  if (count * CENTRAL_SIZE > cdSize) {
    throw new ZipError(`${count} entries cannot fit in a ${cdSize}-byte central directory`, { offset: cdOffset });
  }
  return { count, cdOffset, cdSize, cdLimit };
}

interface Zip64Fields {
  size: number;
  compressedSize: number;
  localOffset: number;
}

/** Reads the zip64 extended-information extra field: only the fields whose 32-bit slots are saturated are present. */
function applyZip64Extra(r: ByteReader, start: number, len: number, f: Zip64Fields, name: string): void {
  const need = { size: f.size === U32_MAX, comp: f.compressedSize === U32_MAX, off: f.localOffset === U32_MAX };
  if (!need.size && !need.comp && !need.off) return;
  let p = start;
  const end = start + len;
  while (p + 4 <= end) {
    const id = r.u16(p, 'extra field id');
    const size = r.u16(p + 2, 'extra field size');
    const body = p + 4;
    if (body + size > end) throw new ZipError('extra field runs past its entry', { where: name, offset: p });
    if (id === 0x0001) {
      let q = body;
      const take = (what: string): number => {
        if (q + 8 > body + size) throw new ZipError(`zip64 extra field lacks ${what}`, { where: name, offset: q });
        const v = r.u64(q, what);
        q += 8;
        return v;
      };
      if (need.size) f.size = take('uncompressed size');
      if (need.comp) f.compressedSize = take('compressed size');
      if (need.off) f.localOffset = take('local header offset');
      return;
    }
    p = body + size;
  }
  throw new ZipError('entry needs a zip64 extra field but has none', { where: name });
}

/**
 * Parses the archive's directory and local headers and returns its entries by
 * name. Entry data is checked and produced lazily by `entry.data()`.
 */
export function readZip(bytes: Uint8Array, options: ZipReadOptions = {}): Map<string, ZipEntry> {
  const opts: Required<ZipReadOptions> = {
    allowDeflate: options.allowDeflate ?? true,
    checkCrc: options.checkCrc ?? true,
    maxInflatedSize: options.maxInflatedSize ?? 0x7fffffff,
  };
  const r = new ByteReader(bytes, zipFail);
  const dir = readDirectory(r);
  const entries = new Map<string, ZipEntry>();
  const cdEnd = dir.cdOffset + dir.cdSize;
  let p = dir.cdOffset;
  for (let i = 0; i < dir.count; i++) {
    if (p + CENTRAL_SIZE > cdEnd) throw new ZipError('central directory is truncated', { offset: p });
    if (r.u32(p, 'central header signature') !== SIG_CENTRAL) {
      throw new ZipError('bad central directory header signature', { offset: p });
    }
    const flags = r.u16(p + 8, 'flags');
    const method = r.u16(p + 10, 'compression method');
    const crc = r.u32(p + 16, 'crc-32');
    const f: Zip64Fields = {
      compressedSize: r.u32(p + 20, 'compressed size'),
      size: r.u32(p + 24, 'uncompressed size'),
      localOffset: r.u32(p + 42, 'local header offset'),
    };
    const nameLen = r.u16(p + 28, 'name length');
    const extraLen = r.u16(p + 30, 'extra length');
    const commentLen = r.u16(p + 32, 'comment length');
    const next = p + CENTRAL_SIZE + nameLen + extraLen + commentLen;
    if (next > cdEnd) throw new ZipError('central directory entry runs past the directory', { offset: p });
    const nameBytes = r.slice(p + CENTRAL_SIZE, nameLen, 'file name');
    const name = flags & FLAG_UTF8 ? decodeUtf8(nameBytes) : decodeLatin1(nameBytes);
    if (name === undefined) throw new ZipError('file name is not valid UTF-8', { offset: p + CENTRAL_SIZE });
    applyZip64Extra(r, p + CENTRAL_SIZE + nameLen, extraLen, f, name);

    if (flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)) {
      throw new ZipError('encrypted entries are not supported', { where: name });
    }
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      throw new ZipError(`unsupported compression method ${method}`, { where: name });
    }
    if (method === METHOD_STORED && f.compressedSize !== f.size) {
      throw new ZipError(`stored entry has compressed size ${f.compressedSize} != size ${f.size}`, { where: name });
    }
    if (entries.has(name)) throw new ZipError('duplicate entry name', { where: name, offset: p });

    // The local header repeats name and extra with their own lengths; the data follows them.
    const lh = f.localOffset;
    if (lh + LOCAL_SIZE > dir.cdOffset)
      throw new ZipError('local header lies outside the data area', { where: name, offset: lh });
    if (r.u32(lh, 'local header signature') !== SIG_LOCAL) {
      throw new ZipError('bad local header signature', { where: name, offset: lh });
    }
    const dataOffset = lh + LOCAL_SIZE + r.u16(lh + 26, 'local name length') + r.u16(lh + 28, 'local extra length');
    if (dataOffset + f.compressedSize > dir.cdOffset) {
      throw new ZipError(`entry data (${f.compressedSize} bytes) runs past the data area`, {
        where: name,
        offset: dataOffset,
      });
    }
    entries.set(name, new ZipEntry(bytes, name, method, crc, f.compressedSize, f.size, dataOffset, opts));
    p = next;
  }
  return entries;
}

export interface ZipWriteEntry {
  name: string;
  data: Uint8Array;
}

export interface ZipWriteOptions {
  /** Align each entry's data to this many bytes (default 64, as PyTorch does). */
  align?: number;
  /** Write zip64 records even when nothing needs them (for tests and interoperability checks). */
  forceZip64?: boolean;
}

interface Planned {
  name: Uint8Array;
  data: Uint8Array;
  crc: number;
  offset: number;
  zip64: boolean;
  pad: number;
}

/**
 * The fields a local header and its central directory record both hold, from "version needed
 * to extract" to the name length; sizes live in the zip64 extra field when the entry needs it.
 */
function writeSharedHeaderFields(w: ByteWriter, e: Planned): void {
  w.u16(e.zip64 ? 45 : 20); // version needed: 4.5 for zip64, else 2.0
  w.u16(FLAG_UTF8);
  w.u16(METHOD_STORED);
  w.u16(0); // time
  w.u16(0); // date
  w.u32(e.crc);
  w.u32(e.zip64 ? U32_MAX : e.data.length); // compressed size
  w.u32(e.zip64 ? U32_MAX : e.data.length); // uncompressed size
  w.u16(e.name.length);
}

/** The zip64 extended-information extra field: both sizes, then the header's offset in the central record. */
function writeZip64Extra(w: ByteWriter, e: Planned, central: boolean): void {
  w.u16(0x0001);
  w.u16(central ? 24 : 16);
  w.u64(e.data.length);
  w.u64(e.data.length);
  if (central) w.u64(e.offset);
}

/**
 * Writes STORED entries. Each local header carries an extra field with id "FB"
 * filled with 'Z' padding (PyTorch's convention) so the data starts on an
 * `align`-byte boundary.
 */
export function writeZip(entries: Iterable<ZipWriteEntry>, options: ZipWriteOptions = {}): Uint8Array {
  const align = options.align ?? 64;
  if (!Number.isInteger(align) || align < 1 || align > 0x8000) throw new RangeError(`invalid alignment ${align}`);
  const force = options.forceZip64 ?? false;
  const planned: Planned[] = [];
  const seen = new Set<string>();
  let pos = 0;
  for (const e of entries) {
    if (seen.has(e.name)) throw new RangeError(`duplicate zip entry name ${e.name}`);
    seen.add(e.name);
    const name = utf8Encoder.encode(e.name);
    if (name.length > U16_MAX) throw new RangeError(`zip entry name too long: ${e.name}`);
    const zip64 = force || e.data.length >= U32_MAX || pos >= U32_MAX;
    const before = pos + LOCAL_SIZE + name.length + (zip64 ? 20 : 0) + 4;
    const pad = (align - (before % align)) % align;
    planned.push({ name, data: e.data, crc: crc32(e.data), offset: pos, zip64, pad });
    pos = before + pad + e.data.length;
  }
  const cdOffset = pos;
  let cdSize = 0;
  for (const e of planned) cdSize += CENTRAL_SIZE + e.name.length + (e.zip64 ? 28 : 0);
  const needZip64End = force || planned.length >= U16_MAX || cdOffset >= U32_MAX || cdSize >= U32_MAX;
  const total = cdOffset + cdSize + (needZip64End ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0) + EOCD_SIZE;

  const w = new ByteWriter(total);
  for (const e of planned) {
    w.u32(SIG_LOCAL);
    writeSharedHeaderFields(w, e);
    w.u16((e.zip64 ? 20 : 0) + 4 + e.pad);
    w.raw(e.name);
    if (e.zip64) writeZip64Extra(w, e, false);
    w.u16(0x4246); // "FB"
    w.u16(e.pad);
    w.fill(0x5a, e.pad); // 'Z'
    w.raw(e.data);
  }
  for (const e of planned) {
    w.u32(SIG_CENTRAL);
    w.u16(e.zip64 ? 45 : 20); // version made by
    writeSharedHeaderFields(w, e);
    w.u16(e.zip64 ? 28 : 0);
    w.u16(0); // comment length
    w.u16(0); // disk
    w.u16(0); // internal attributes
    w.u32(0); // external attributes
    w.u32(e.zip64 ? U32_MAX : e.offset);
    w.raw(e.name);
    if (e.zip64) writeZip64Extra(w, e, true);
  }
  if (needZip64End) {
    const rec = w.pos;
    w.u32(SIG_ZIP64_EOCD);
    w.u64(ZIP64_EOCD_SIZE - 12); // size of the remaining record
    w.u16(45);
    w.u16(45);
    w.u32(0);
    w.u32(0);
    w.u64(planned.length);
    w.u64(planned.length);
    w.u64(cdSize);
    w.u64(cdOffset);
    w.u32(SIG_ZIP64_LOCATOR);
    w.u32(0);
    w.u64(rec);
    w.u32(1);
  }
  w.u32(SIG_EOCD);
  w.u16(0);
  w.u16(0);
  const count16 = force || planned.length >= U16_MAX ? U16_MAX : planned.length;
  w.u16(count16);
  w.u16(count16);
  w.u32(force || cdSize >= U32_MAX ? U32_MAX : cdSize);
  w.u32(force || cdOffset >= U32_MAX ? U32_MAX : cdOffset);
  w.u16(0);
  if (w.pos !== total) throw new Error(`internal error: wrote ${w.pos} of ${total} zip bytes`);
  return w.bytes;
}
