// What an uploaded music file's AAC stream is, read from its own headers: the
// AudioSpecificConfig of an MP4/M4A's esds box (ISO/IEC 14496-3 §1.6.2.1,
// ISO/IEC 14496-1 §7.2.6) or the header of every ADTS frame (ISO/IEC 14496-3
// §1.A.2.2). Reels copy the music's packets without re-encoding, so only what
// Instagram, Facebook and YouTube all take is accepted: AAC-LC, at most 48 kHz,
// mono or stereo. Pure byte parsing: the API Worker checks an upload with it
// before anything is stored, without the renderer.

export interface AacConfig {
  /** The container: "mp4" (M4A/MP4, esds) or "adts" (raw .aac). */
  container: "mp4" | "adts";
  /** Audio Object Type of the core coder (2 is AAC-LC). */
  objectType: number;
  /** Spectral band replication (HE-AAC) or parametric stereo (HE-AAC v2), when signalled. */
  sbr: boolean;
  ps: boolean;
  /** Sample rate of the core coder, Hz. */
  sampleRate: number;
  /** Output channels; null when the layout is defined by a program config element (channelConfiguration 0). */
  channels: number | null;
}

/** ISO/IEC 14496-3 Table 1.16: samplingFrequencyIndex → Hz. */
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
/** Table 1.19: channelConfiguration → channels (7 is 7.1). */
const CHANNELS = [null, 1, 2, 3, 4, 5, 6, 8];

const OBJECT_TYPE_NAMES: Record<number, string> = { 1: "AAC Main", 2: "AAC-LC", 3: "AAC SSR", 4: "AAC LTP", 5: "HE-AAC", 6: "AAC Scalable", 17: "ER AAC-LC", 19: "ER AAC LTP", 20: "ER AAC Scalable", 22: "ER BSAC", 23: "ER AAC-LD", 29: "HE-AAC v2", 39: "ER AAC-ELD", 42: "xHE-AAC (USAC)" };

export class AacConfigError extends Error {
  override name = "AacConfigError";
}

/** The rule, said the same way in every refusal. */
export const MUSIC_RULE = "Upload AAC-LC audio at 48 kHz or less, mono or stereo, as .m4a or .aac";

class Bits {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get left(): number {
    return this.bytes.length * 8 - this.pos;
  }
  read(n: number): number {
    if (n > this.left) throw new AacConfigError("The AudioSpecificConfig is truncated.");
    let v = 0;
    for (let i = 0; i < n; i++, this.pos++) v = v * 2 + ((this.bytes[this.pos >> 3]! >> (7 - (this.pos & 7))) & 1);
    return v;
  }
}

function objectType(bits: Bits): number {
  const t = bits.read(5);
  return t === 31 ? 32 + bits.read(6) : t;
}

function sampleRate(bits: Bits): number {
  const index = bits.read(4);
  if (index === 0xf) return bits.read(24);
  const rate = SAMPLE_RATES[index];
  if (rate === undefined) throw new AacConfigError(`The AudioSpecificConfig names a reserved sampling frequency index (${index}).`);
  return rate;
}

/** ISO/IEC 14496-3 §1.6.2.1 AudioSpecificConfig(), with explicit and backward-compatible SBR/PS signalling. */
export function parseAudioSpecificConfig(asc: Uint8Array): Omit<AacConfig, "container"> {
  const bits = new Bits(asc);
  let type = objectType(bits);
  let rate = sampleRate(bits);
  const channelConfiguration = bits.read(4);
  let sbr = false;
  let ps = false;
  if (type === 5 || type === 29) {
    // Explicit hierarchical signalling: the extension's rate, then the core's type.
    sbr = true;
    ps = type === 29;
    sampleRate(bits); // the SBR output rate; the core rate is `rate`
    type = objectType(bits);
  }
  if ([1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23].includes(type)) {
    // GASpecificConfig (§4.4.1): frameLengthFlag, dependsOnCoreCoder (+ coreCoderDelay), extensionFlag.
    bits.read(1);
    if (bits.read(1)) bits.read(14);
    const extensionFlag = bits.read(1);
    // A program_config_element follows for channelConfiguration 0; its channels are not counted here (refused below).
    if (channelConfiguration !== 0 && (type === 6 || type === 20)) bits.read(3);
    if (channelConfiguration !== 0 && extensionFlag && type === 22) bits.read(16);
    if (channelConfiguration !== 0 && !sbr && bits.left >= 16) {
      // Backward-compatible signalling (§1.6.6.2): syncExtensionType 0x2b7 carries SBR, then 0x548 PS.
      if (bits.read(11) === 0x2b7 && objectTypeOrNull(bits) === 5) {
        sbr = bits.read(1) === 1;
        if (sbr) {
          sampleRate(bits);
          if (bits.left >= 12 && bits.read(11) === 0x548) ps = bits.read(1) === 1;
        }
      }
    }
  }
  if (channelConfiguration > 7) throw new AacConfigError(`The AudioSpecificConfig names a reserved channel configuration (${channelConfiguration}).`);
  return { objectType: type, sbr, ps, sampleRate: rate, channels: CHANNELS[channelConfiguration] ?? null };
}

function objectTypeOrNull(bits: Bits): number | null {
  return bits.left >= 5 ? objectType(bits) : null;
}

// ---- ADTS --------------------------------------------------------------------

/** Every frame's header (§1.A.2.2.1): each must carry the same configuration, since the packets are copied as they are. */
export function readAdtsConfig(bytes: Uint8Array): AacConfig {
  let at = 0;
  let first: AacConfig | null = null;
  let frames = 0;
  while (at + 7 <= bytes.length) {
    if (bytes[at] !== 0xff || (bytes[at + 1]! & 0xf6) !== 0xf0) {
      throw new AacConfigError(`The ADTS stream loses its frame sync at byte ${at}: it is not a clean .aac file.`);
    }
    const profile = bytes[at + 2]! >> 6;
    const rateIndex = (bytes[at + 2]! >> 2) & 0xf;
    const channelConfiguration = ((bytes[at + 2]! & 1) << 2) | (bytes[at + 3]! >> 6);
    const frameLength = ((bytes[at + 3]! & 3) << 11) | (bytes[at + 4]! << 3) | (bytes[at + 5]! >> 5);
    const rate = SAMPLE_RATES[rateIndex];
    if (rate === undefined) throw new AacConfigError(`ADTS frame ${frames + 1} names a reserved sampling frequency index (${rateIndex}).`);
    if (frameLength < 7) throw new AacConfigError(`ADTS frame ${frames + 1} has an impossible length (${frameLength} bytes).`);
    // profile_ObjectType is the Audio Object Type minus one (0 Main, 1 LC, 2 SSR, 3 LTP).
    const config: AacConfig = { container: "adts", objectType: profile + 1, sbr: false, ps: false, sampleRate: rate, channels: CHANNELS[channelConfiguration] ?? null };
    if (!first) first = config;
    else if (config.objectType !== first.objectType || config.sampleRate !== first.sampleRate || config.channels !== first.channels) {
      throw new AacConfigError(`The ADTS stream changes format at frame ${frames + 1} (${describeAac(first)}, then ${describeAac(config)}).`);
    }
    frames++;
    at += frameLength;
  }
  if (!first) throw new AacConfigError("The ADTS stream has no complete frame.");
  return first;
}

// ---- MP4 ---------------------------------------------------------------------

interface Box {
  type: string;
  /** Payload start and end (after the header). */
  start: number;
  end: number;
}

function* boxes(bytes: Uint8Array, start: number, end: number): Generator<Box> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = start;
  while (at + 8 <= end) {
    let size = view.getUint32(at);
    const type = String.fromCharCode(bytes[at + 4]!, bytes[at + 5]!, bytes[at + 6]!, bytes[at + 7]!);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) return;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) size = end - at;
    if (size < header || at + size > end) throw new AacConfigError(`The MP4 box '${type}' runs past the end of the file.`);
    yield { type, start: at + header, end: at + size };
    at += size;
  }
}

function child(bytes: Uint8Array, parent: Box, type: string): Box | null {
  for (const b of boxes(bytes, parent.start, parent.end)) if (b.type === type) return b;
  return null;
}

function path(bytes: Uint8Array, from: Box, ...types: string[]): Box | null {
  let at: Box | null = from;
  for (const t of types) {
    if (!at) return null;
    at = child(bytes, at, t);
  }
  return at;
}

/** An MPEG-4 descriptor's tag and payload (ISO/IEC 14496-1 §8.3.3: size in 7-bit groups). */
function descriptor(bytes: Uint8Array, at: number, end: number): { tag: number; start: number; end: number } {
  if (at >= end) throw new AacConfigError("The esds box is truncated.");
  const tag = bytes[at++]!;
  let size = 0;
  for (let i = 0; i < 4; i++) {
    if (at >= end) throw new AacConfigError("The esds box is truncated.");
    const b = bytes[at++]!;
    size = (size << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  if (at + size > end) throw new AacConfigError("An esds descriptor runs past its box.");
  return { tag, start: at, end: at + size };
}

/** The AudioSpecificConfig inside an esds box's ES_Descriptor → DecoderConfigDescriptor → DecoderSpecificInfo. */
function ascFromEsds(bytes: Uint8Array, esds: Box): Uint8Array {
  const es = descriptor(bytes, esds.start + 4, esds.end); // after the FullBox version and flags
  if (es.tag !== 0x03) throw new AacConfigError("The esds box holds no ES_Descriptor.");
  let at = es.start + 2; // ES_ID
  const flags = bytes[at++]!;
  if (flags & 0x80) at += 2; // dependsOn_ES_ID
  if (flags & 0x40) at += 1 + bytes[at]!; // URL
  if (flags & 0x20) at += 2; // OCR_ES_Id
  const dc = descriptor(bytes, at, es.end);
  if (dc.tag !== 0x04) throw new AacConfigError("The esds box holds no DecoderConfigDescriptor.");
  const oti = bytes[dc.start]!;
  // objectTypeIndication (ISO/IEC 14496-1 Table 5): 0x40 MPEG-4 audio; 0x66–0x68 MPEG-2 AAC; 0x69, 0x6B MP3.
  if (oti === 0x69 || oti === 0x6b) throw new AacConfigError("The music track is MP3, not AAC.");
  if (oti !== 0x40 && (oti < 0x66 || oti > 0x68)) throw new AacConfigError(`The music track's esds names object type 0x${oti.toString(16)}, which is not AAC.`);
  const info = descriptor(bytes, dc.start + 13, dc.end);
  if (info.tag !== 0x05) throw new AacConfigError("The esds box holds no AudioSpecificConfig.");
  return bytes.subarray(info.start, info.end);
}

/** The first sound track's sample entry: mp4a's esds read, any other codec named. */
export function readMp4AacConfig(bytes: Uint8Array): AacConfig {
  const file: Box = { type: "file", start: 0, end: bytes.length };
  const moov = child(bytes, file, "moov");
  if (!moov) throw new AacConfigError("The MP4 file has no moov box (it is incomplete or not MP4).");
  for (const trak of boxes(bytes, moov.start, moov.end)) {
    if (trak.type !== "trak") continue;
    const hdlr = path(bytes, trak, "mdia", "hdlr");
    if (!hdlr || String.fromCharCode(...bytes.subarray(hdlr.start + 8, hdlr.start + 12)) !== "soun") continue;
    const stsd = path(bytes, trak, "mdia", "minf", "stbl", "stsd");
    if (!stsd) throw new AacConfigError("The MP4 sound track has no sample description.");
    const entry = boxes(bytes, stsd.start + 8, stsd.end).next().value; // after version, flags, entry_count
    if (!entry) throw new AacConfigError("The MP4 sound track has no sample description.");
    if (entry.type !== "mp4a") throw new AacConfigError(`The music track is ${codecName(entry.type)}, not AAC.`);
    // AudioSampleEntry: 8 bytes SampleEntry + 20 bytes; QuickTime sound description v1 adds 16, v2 adds 36.
    const version = (bytes[entry.start + 8]! << 8) | bytes[entry.start + 9]!;
    const childrenStart = entry.start + 28 + (version === 1 ? 16 : version === 2 ? 36 : 0);
    const inner: Box = { type: "mp4a", start: childrenStart, end: entry.end };
    const esds = child(bytes, inner, "esds") ?? path(bytes, inner, "wave", "esds");
    if (!esds) throw new AacConfigError("The MP4 AAC track has no esds box (no AudioSpecificConfig).");
    return { container: "mp4", ...parseAudioSpecificConfig(ascFromEsds(bytes, esds)) };
  }
  throw new AacConfigError("The MP4 file has no audio track.");
}

function codecName(fourcc: string): string {
  const names: Record<string, string> = { alac: "Apple Lossless (ALAC)", "ac-3": "Dolby Digital (AC-3)", "ec-3": "Dolby Digital Plus (E-AC-3)", Opus: "Opus", fLaC: "FLAC", ".mp3": "MP3", lpcm: "uncompressed PCM", sowt: "uncompressed PCM", twos: "uncompressed PCM" };
  return names[fourcc] ?? `'${fourcc.trim()}'`;
}

// ---- the rule ----------------------------------------------------------------

export function describeAac(c: Omit<AacConfig, "container">): string {
  const type = c.ps ? "HE-AAC v2" : c.sbr ? "HE-AAC" : (OBJECT_TYPE_NAMES[c.objectType] ?? `Audio Object Type ${c.objectType}`);
  const rate = `${c.sampleRate / 1000} kHz`;
  const channels = c.channels === null ? "a channel layout of its own" : c.channels === 1 ? "mono" : c.channels === 2 ? "stereo" : `${c.channels} channels`;
  return `${type}, ${rate}, ${channels}`;
}

/** Why this stream cannot be a reel's music (the 4xx message), or null when it can. */
export function aacConfigProblem(c: AacConfig): string | null {
  const wrong: string[] = [];
  if (c.objectType !== 2 || c.sbr || c.ps) wrong.push("not AAC-LC");
  if (c.sampleRate > 48000) wrong.push("above 48 kHz");
  if (c.channels === null || c.channels > 2) wrong.push("more than two channels");
  if (!wrong.length) return null;
  return `The music is ${describeAac(c)}: ${wrong.join(", ")}. ${MUSIC_RULE} (the Brands page converts other audio for you).`;
}

/** Reads the stream's configuration from an MP4/M4A or ADTS file; throws AacConfigError saying why it cannot. */
export function readAacConfig(bytes: Uint8Array): AacConfig {
  const isMp4 = bytes.length > 8 && String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp";
  if (isMp4) return readMp4AacConfig(bytes);
  if (bytes.length > 7 && bytes[0] === 0xff && (bytes[1]! & 0xf6) === 0xf0) return readAdtsConfig(bytes);
  throw new AacConfigError(`The music must be AAC audio in an .m4a/MP4 file or an ADTS (.aac) stream. ${MUSIC_RULE}.`);
}

export type MusicInspection = { ok: true; config: AacConfig } | { ok: false; problem: string };

/** The whole check of an upload's stream: its configuration, or a message saying what to upload instead. */
export function inspectMusic(bytes: Uint8Array): MusicInspection {
  try {
    const config = readAacConfig(bytes);
    const problem = aacConfigProblem(config);
    return problem ? { ok: false, problem } : { ok: true, config };
  } catch (err) {
    if (!(err instanceof AacConfigError)) throw err;
    return { ok: false, problem: err.message.includes(MUSIC_RULE) ? err.message : `${err.message} ${MUSIC_RULE}.` };
  }
}
