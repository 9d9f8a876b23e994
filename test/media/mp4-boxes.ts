// Shared by the workerd media tests and the Node ffmpeg tests (no Node imports here).

/** Top-level MP4 boxes in order (ISO/IEC 14496-12 §4.2). */
export function topLevelBoxes(mp4: Uint8Array): string[] {
  const v = new DataView(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= mp4.length; ) {
    const size = v.getUint32(at);
    boxes.push(String.fromCharCode(...mp4.subarray(at + 4, at + 8)));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

const CONTAINERS = new Set(["moov", "trak", "mdia", "minf", "stbl", "edts", "udta", "dinf", "mvex", "moof", "traf"]);

/** Every box's path ("moov/trak/edts"), descending into the container boxes of ISO/IEC 14496-12. */
export function boxPaths(mp4: Uint8Array, start = 0, end = mp4.length, prefix = ""): string[] {
  const v = new DataView(mp4.buffer, mp4.byteOffset, mp4.byteLength);
  const out: string[] = [];
  for (let at = start; at + 8 <= end; ) {
    const size = v.getUint32(at);
    const type = String.fromCharCode(...mp4.subarray(at + 4, at + 8));
    const path = prefix ? `${prefix}/${type}` : type;
    out.push(path);
    if (size < 8) break;
    if (CONTAINERS.has(type)) out.push(...boxPaths(mp4, at + 8, at + size, path));
    at += size;
  }
  return out;
}
