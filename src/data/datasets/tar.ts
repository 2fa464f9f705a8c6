/**
 * A small, strict reader for ustar archives (POSIX and GNU tar), enough to
 * unpack dataset archives such as cifar-10-binary.tar.gz. It streams: entries
 * are written to disk as their bytes arrive, nothing is held in memory but
 * one header and small metadata records.
 *
 * Archives are treated as hostile: absolute names and `..` components are
 * refused (nothing may land outside the destination), as are hard and
 * symbolic links and device entries; a bad header checksum, a size field that
 * is not octal, or an entry that claims more bytes than the archive holds is
 * a TarError naming the archive and the entry.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DatasetError } from '../dataset.js';

export class TarError extends DatasetError {
  override name = 'TarError';
}

const BLOCK = 512;
/** pax and GNU long-name records hold a name or a few keys: far below this. */
const MAX_METADATA = 1 << 20;

/** Pulls bytes off a chunked stream: whole headers, or file contents a chunk at a time. */
class ByteStream {
  private chunk: Uint8Array = new Uint8Array(0);
  /** Bytes consumed so far: the offset of the next byte in the archive. */
  offset = 0;
  constructor(private readonly it: AsyncIterator<Uint8Array>) {}

  /** Up to `max` bytes, or null at the end of the stream. */
  async take(max: number): Promise<Uint8Array | null> {
    while (this.chunk.length === 0) {
      const r = await this.it.next();
      if (r.done) return null;
      this.chunk = r.value;
    }
    const out = this.chunk.subarray(0, max);
    this.chunk = this.chunk.subarray(out.length);
    this.offset += out.length;
    return out;
  }

  /** Exactly `n` bytes in one array; fewer only when the stream ends first. */
  async exact(n: number): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const part = await this.take(n - got);
      if (!part) return out.subarray(0, got);
      out.set(part, got);
      got += part.length;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

/** The NUL-terminated text of a header field. */
function text(block: Uint8Array, at: number, len: number): string {
  const field = block.subarray(at, at + len);
  const end = field.indexOf(0);
  return Buffer.from(end < 0 ? field : field.subarray(0, end)).toString('utf8');
}

/** An octal number field (NUL- or space-terminated), or null when it is not one. */
function octal(block: Uint8Array, at: number, len: number): number | null {
  const s = text(block, at, len).trim();
  return /^[0-7]+$/.test(s) ? parseInt(s, 8) : s === '' ? 0 : null;
}

/** The header checksum counts the checksum field as eight spaces; old tars summed signed bytes. */
function checksumOk(block: Uint8Array): boolean {
  const stored = octal(block, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

/** `name` as a path relative to the destination; refuses anything that could escape it. */
function safeRelative(name: string, where: string): string {
  if (name.includes('\0')) throw new TarError(`${where}: entry name contains a NUL byte`);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    throw new TarError(`${where}: entry "${name}" has an absolute path; refusing to extract outside the destination`);
  }
  const parts = name.split(/[/\\]/).filter((p) => p !== '' && p !== '.');
  if (parts.includes('..'))
    throw new TarError(`${where}: entry "${name}" climbs out of the destination with ".."; refusing to extract it`);
  return parts.join('/');
}

/** The `path` record of a pax extended header ("<len> path=<name>\n" records), if any. */
function paxPath(record: Uint8Array, where: string): string | undefined {
  let path: string | undefined;
  let at = 0;
  while (at < record.length && record[at] !== 0) {
    const space = record.indexOf(0x20, at);
    const len = space < 0 ? NaN : Number(Buffer.from(record.subarray(at, space)).toString('ascii'));
    if (!Number.isInteger(len) || len <= space - at || at + len > record.length)
      throw new TarError(`${where}: malformed pax extended header`);
    const entry = Buffer.from(record.subarray(space + 1, at + len - 1)).toString('utf8');
    const eq = entry.indexOf('=');
    if (eq > 0 && entry.slice(0, eq) === 'path') path = entry.slice(eq + 1);
    at += len;
  }
  return path;
}

/**
 * Unpacks the tar stream `source` into the existing folder `dest` (best a fresh,
 * empty one) and returns the relative paths of the files written. `archive`
 * names the archive in errors.
 */
export async function extractTar(source: AsyncIterable<Uint8Array>, dest: string, archive: string): Promise<string[]> {
  const input = new ByteStream(source[Symbol.asyncIterator]());
  const written: string[] = [];
  let longName: string | undefined;
  try {
    for (;;) {
      const at = input.offset;
      const header = await input.exact(BLOCK);
      if (header.length === 0) break; // the end-of-archive blocks are optional in practice
      if (header.length < BLOCK) throw new TarError(`${archive}: truncated header at byte ${at}`);
      if (header.every((b) => b === 0)) break;
      const where = `${archive} (entry at byte ${at})`;
      if (!checksumOk(header))
        throw new TarError(`${where}: header checksum mismatch; the archive is corrupt or not a tar file`);
      const magic = text(header, 257, 6);
      if (magic.trimEnd() !== 'ustar')
        throw new TarError(`${where}: not a ustar header (magic ${JSON.stringify(magic)})`);
      if (header[124] & 0x80)
        throw new TarError(`${where}: base-256 size field (an entry over 8 GiB) is not supported`);
      const size = octal(header, 124, 12);
      if (size === null) throw new TarError(`${where}: size field is not an octal number`);
      const posix = header[263] === 0x30 && header[264] === 0x30; // "ustar\0" "00": the name may have a prefix
      const prefix = posix ? text(header, 345, 155) : '';
      const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      const type = String.fromCharCode(header[156] || 0x30);
      const read = async (sink: (part: Uint8Array) => Promise<unknown> | void): Promise<void> => {
        for (let left = size; left > 0;) {
          const part = await input.take(left);
          if (!part)
            throw new TarError(
              `${where}: entry "${name}" declares ${size} bytes but the archive ends after ${size - left}`,
            );
          await sink(part);
          left -= part.length;
        }
        const pad = (BLOCK - (size % BLOCK)) % BLOCK;
        if ((await input.exact(pad)).length < pad)
          throw new TarError(`${where}: the archive ends inside the padding of "${name}"`);
      };
      const metadata = async (): Promise<Uint8Array> => {
        if (size > MAX_METADATA) throw new TarError(`${where}: a ${size}-byte metadata record is implausibly large`);
        const parts: Uint8Array[] = [];
        await read((p) => {
          parts.push(p.slice());
        });
        return Buffer.concat(parts);
      };
      if (!['L', 'x', 'g'].includes(type)) longName = undefined;
      switch (type) {
        case 'L': {
          // GNU long name for the next entry
          const record = await metadata();
          const end = record.indexOf(0);
          longName = Buffer.from(end < 0 ? record : record.subarray(0, end)).toString('utf8');
          break;
        }
        case 'x': // pax header for the next entry: only its path matters here
          longName = paxPath(await metadata(), where) ?? longName;
          break;
        case 'g': // pax global header: nothing in it changes where files go
          await metadata();
          break;
        case '5': {
          const rel = safeRelative(name, where);
          if (rel) await mkdir(join(dest, rel), { recursive: true });
          await read(() => undefined);
          break;
        }
        case '0':
        case '7': {
          const rel = safeRelative(name, where);
          if (!rel) throw new TarError(`${where}: a file entry with an empty name`);
          const path = join(dest, rel);
          await mkdir(dirname(path), { recursive: true });
          const file = await open(path, 'w');
          try {
            await read((part) => file.write(part));
          } finally {
            await file.close();
          }
          written.push(rel);
          break;
        }
        case '1':
        case '2':
          throw new TarError(
            `${where}: entry "${name}" is a ${type === '1' ? 'hard' : 'symbolic'} link to "${text(header, 157, 100)}"; links are refused`,
          );
        default:
          throw new TarError(
            `${where}: entry "${name}" has type ${JSON.stringify(type)} (device, FIFO or other special file); only files and folders are extracted`,
          );
      }
    }
  } finally {
    await input.close();
  }
  return written;
}
