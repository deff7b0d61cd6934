// A store-only zip writer: the clean copies are already compressed images, so deflate would
// cost time for nothing. Entries are Blobs; the zip is a Blob built from parts (headers + the
// entries' own Blobs), so no file is copied into one giant ArrayBuffer. CRC-32 is computed by
// reading each entry in 4 MiB slices. Zip64 is not written: a zip over 4 GiB (or 65535 entries)
// is refused with a reason.

const LIMIT = 0xFFFFFFFF;
const SLICE = 4 << 20;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (as zip and PNG use it) of `bytes`, continuing from `crc` (0 to start). */
export function crc32(bytes, crc = 0) {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xFF] ^ (c >>> 8);
  return ~c >>> 0;
}

async function blobCrc(blob) {
  let crc = 0;
  for (let at = 0; at < blob.size; at += SLICE) {
    crc = crc32(new Uint8Array(await blob.slice(at, at + SLICE).arrayBuffer()), crc);
  }
  return crc;
}

/** MS-DOS date and time fields for `d` (local time, 2-second resolution, 1980 at the earliest). */
function dosDateTime(d) {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/**
 * Zips `entries` ([{ name, data: Blob | string }]) without compression.
 * Names are UTF-8 (flag bit 11); duplicates get ` (2)`, ` (3)`… before the extension.
 * @returns {Promise<Blob>} application/zip
 */
export async function makeZip(entries, { date = new Date() } = {}) {
  if (entries.length > 0xFFFF) throw new Error(`a zip holds at most 65535 files without zip64; this one would hold ${entries.length}`);
  const enc = new TextEncoder();
  const { time, date: day } = dosDateTime(date);
  const parts = [];
  const central = [];
  const used = new Set();
  let offset = 0;
  for (const entry of entries) {
    const blob = typeof entry.data === 'string' ? new Blob([entry.data]) : entry.data;
    const name = enc.encode(uniqueName(entry.name, used));
    const crc = await blobCrc(blob);
    if (blob.size > LIMIT || offset > LIMIT) throw new Error('the zip would pass 4 GB, which needs zip64; download the copies in smaller batches');
    const local = new DataView(new ArrayBuffer(30));
    local.setUint32(0, 0x04034b50, true);
    local.setUint16(4, 10, true); // version needed: 1.0 (stored)
    local.setUint16(6, 0x0800, true); // UTF-8 names
    local.setUint16(8, 0, true); // stored
    local.setUint16(10, time, true);
    local.setUint16(12, day, true);
    local.setUint32(14, crc, true);
    local.setUint32(18, blob.size, true);
    local.setUint32(22, blob.size, true);
    local.setUint16(26, name.length, true);
    local.setUint16(28, 0, true);
    parts.push(local.buffer, name, blob);

    const c = new DataView(new ArrayBuffer(46));
    c.setUint32(0, 0x02014b50, true);
    c.setUint16(4, 0x031E, true); // made by: Unix, 3.0
    c.setUint16(6, 10, true);
    c.setUint16(8, 0x0800, true);
    c.setUint16(10, 0, true);
    c.setUint16(12, time, true);
    c.setUint16(14, day, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, blob.size, true);
    c.setUint32(24, blob.size, true);
    c.setUint16(28, name.length, true);
    c.setUint32(38, 0o100644 << 16, true); // external attributes: a regular file, rw-r--r--
    c.setUint32(42, offset, true);
    central.push(c.buffer, name);
    offset += 30 + name.length + blob.size;
  }
  const centralSize = central.reduce((n, p) => n + p.byteLength, 0);
  if (offset + centralSize > LIMIT) throw new Error('the zip would pass 4 GB, which needs zip64; download the copies in smaller batches');
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, entries.length, true);
  end.setUint16(10, entries.length, true);
  end.setUint32(12, centralSize, true);
  end.setUint32(16, offset, true);
  return new Blob([...parts, ...central, end.buffer], { type: 'application/zip' });
}

/** `name`, or `name (2).ext`, `name (3).ext`… if `used` has it already; records what it returns. */
export function uniqueName(/** @type {string} */ name, /** @type {Set<string>} */ used) {
  let candidate = name;
  for (let n = 2; used.has(candidate); n++) {
    const dot = name.lastIndexOf('.');
    candidate = dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
  }
  used.add(candidate);
  return candidate;
}
