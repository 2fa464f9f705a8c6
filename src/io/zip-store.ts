/**
 * Zip archives whose DEFLATE entries are inflated asynchronously (DecompressionStream, in browsers and
 * Node alike) and written back STORED, so the synchronous zip/pth readers need no zlib. torch.save
 * writes STORED entries, so its files pass through untouched; only re-zipped checkpoints cost a copy.
 */
import { crc32 } from './crc32.js';
import { ZipError } from './errors.js';
import { readZip, writeZip, type ZipWriteEntry } from './zip.js';

const METHOD_STORED = 0;

async function inflateRaw(raw: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([raw as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** `bytes` unchanged when every entry is STORED, else the same archive with every entry STORED (sizes and CRC-32s checked). */
export async function storeZipEntries(bytes: Uint8Array): Promise<Uint8Array> {
  const entries = readZip(bytes, { checkCrc: false });
  if ([...entries.values()].every((e) => e.method === METHOD_STORED)) return bytes;
  const stored: ZipWriteEntry[] = [];
  for (const e of entries.values()) {
    if (e.method === METHOD_STORED) {
      stored.push({ name: e.name, data: e.data() });
      continue;
    }
    let data: Uint8Array;
    try {
      data = await inflateRaw(bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize));
    } catch (err) {
      throw new ZipError(`cannot inflate: ${(err as Error).message}`, { where: e.name, cause: err });
    }
    if (data.length !== e.size)
      throw new ZipError(`inflated to ${data.length} bytes but the directory says ${e.size}`, { where: e.name });
    if (crc32(data) !== e.crc32) throw new ZipError('CRC-32 mismatch after inflating', { where: e.name });
    stored.push({ name: e.name, data });
  }
  return writeZip(stored);
}
