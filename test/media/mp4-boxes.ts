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
