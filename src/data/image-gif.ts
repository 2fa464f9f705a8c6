/**
 * Just enough of the GIF format to learn the colour Pillow gives transparent pixels of
 * the first frame. Pillow keeps a GIF as palette indices, so `convert('RGB')` shows a
 * transparent pixel in its palette colour; libvips decodes it as RGBA (0, 0, 0, 0).
 * readImage puts the palette colour back where the alpha is 0 (Chromium's decoder does the same as libvips).
 */

/** The palette colour of the first frame's transparent index, or null (no transparency, or not parseable). */
export function gifTransparentColour(bytes: Uint8Array): [number, number, number] | null {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== 'GIF87a' && sig !== 'GIF89a') return null;
  if (bytes.length < 13) return null;
  let pos = 13;
  const packed = bytes[10];
  let globalTable: Uint8Array | null = null;
  if (packed & 0x80) {
    const size = 3 * (1 << ((packed & 7) + 1));
    globalTable = bytes.subarray(pos, pos + size);
    pos += size;
  }
  let transparentIndex = -1;
  while (pos < bytes.length) {
    const block = bytes[pos++];
    if (block === 0x21) {
      const label = bytes[pos++];
      if (label === 0xf9 && bytes[pos] >= 4) {
        const flags = bytes[pos + 1];
        transparentIndex = flags & 1 ? bytes[pos + 4] : -1;
      }
      // skip the sub-blocks
      while (pos < bytes.length && bytes[pos] !== 0) pos += bytes[pos] + 1;
      pos++;
    } else if (block === 0x2c) {
      if (transparentIndex < 0 || pos + 9 > bytes.length) return null;
      const imgPacked = bytes[pos + 8];
      let table = globalTable;
      if (imgPacked & 0x80) {
        const size = 3 * (1 << ((imgPacked & 7) + 1));
        table = bytes.subarray(pos + 9, pos + 9 + size);
      }
      const o = transparentIndex * 3;
      if (!table || o + 3 > table.length) return null;
      return [table[o], table[o + 1], table[o + 2]];
    } else {
      return null; // trailer or something unexpected: no first frame found
    }
  }
  return null;
}

/** Transparent GIF pixels get their palette colour back, as Pillow shows them (see image-gif.ts). */
export function restoreGifTransparentColour(rgba: Uint8Array | Uint8ClampedArray, file: Uint8Array): void {
  const colour = gifTransparentColour(file);
  if (!colour) return;
  for (let o = 0; o < rgba.length; o += 4) {
    if (rgba[o + 3] === 0) {
      rgba[o] = colour[0];
      rgba[o + 1] = colour[1];
      rgba[o + 2] = colour[2];
    }
  }
}
