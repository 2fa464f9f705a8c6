/**
 * CRC-32 (IEEE 802.3, as used by ZIP). Node 20 has no zlib.crc32, so this is
 * a table-driven "slicing-by-8" implementation: eight lookup tables let the
 * loop consume 8 bytes per iteration, which matters for checkpoints of
 * hundreds of megabytes.
 */
const TABLES = (() => {
    const tables = [];
    const t0 = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
        let c = i;
        for (let k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        t0[i] = c >>> 0;
    }
    tables.push(t0);
    for (let t = 1; t < 8; t++) {
        const prev = tables[t - 1];
        const cur = new Uint32Array(256);
        for (let i = 0; i < 256; i++)
            cur[i] = (prev[i] >>> 8) ^ t0[prev[i] & 0xff];
        tables.push(cur);
    }
    return tables;
})();
/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
export function crc32(data, previous = 0) {
    const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
    let crc = ~previous >>> 0;
    let i = 0;
    const n = data.length;
    const end8 = n - (n % 8);
    for (; i < end8; i += 8) {
        const a = (crc ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24))) >>> 0;
        crc =
            t7[a & 0xff] ^
                t6[(a >>> 8) & 0xff] ^
                t5[(a >>> 16) & 0xff] ^
                t4[a >>> 24] ^
                t3[data[i + 4]] ^
                t2[data[i + 5]] ^
                t1[data[i + 6]] ^
                t0[data[i + 7]];
    }
    for (; i < n; i++)
        crc = t0[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return ~crc >>> 0;
}
//# sourceMappingURL=crc32.js.map