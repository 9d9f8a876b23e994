// A brand's music track: AAC-LC (at most 48 kHz, two channels: aac-config.ts)
// in an MP4/M4A container or as raw ADTS, read
// packet by packet so the reel can copy it without re-encoding.
import { inspectMusic } from "./aac-config";
import { ALL_FORMATS, BufferSource, EncodedPacket, EncodedPacketSink, Input } from "./mediabunny";

export class MusicError extends Error {
  override name = "MusicError";
}

export interface AacTrack {
  /** WebCodecs AudioDecoderConfig: codec string, sample rate, channels, AudioSpecificConfig. */
  decoderConfig: AudioDecoderConfig;
  packets: EncodedPacket[];
  /** End of the last packet read, seconds. */
  seconds: number;
}

/** Reads AAC packets up to `maxSeconds`; throws MusicError when the file is not AAC audio. */
export async function readAacTrack(bytes: Uint8Array, maxSeconds = Infinity): Promise<AacTrack> {
  // Packets are copied as they are, so the stream itself must be what the platforms take.
  const inspected = inspectMusic(bytes);
  if (!inspected.ok) throw new MusicError(inspected.problem);
  const input = new Input({ source: new BufferSource(bytes), formats: ALL_FORMATS });
  try {
    const format = await input.getFormat().catch(() => null);
    if (!format) throw new MusicError("The music file is neither MP4/M4A nor ADTS.");
    const track = await input.getPrimaryAudioTrack();
    if (!track) throw new MusicError("The music file has no audio track.");
    if (track.codec !== "aac") throw new MusicError(`The music track is ${track.codec ?? "an unknown codec"}, not AAC.`);
    const decoderConfig = await track.getDecoderConfig();
    if (!decoderConfig) throw new MusicError("The AAC track has no decoder configuration.");
    const packets: EncodedPacket[] = [];
    let seconds = 0;
    const start = (await track.getFirstTimestamp()) ?? 0;
    for await (const packet of new EncodedPacketSink(track).packets()) {
      if (packet.timestamp - start >= maxSeconds) break;
      packets.push(packet);
      seconds = packet.timestamp - start + packet.duration;
    }
    if (!packets.length) throw new MusicError("The AAC track is empty.");
    return { decoderConfig, packets, seconds };
  } catch (err) {
    if (err instanceof MusicError) throw err;
    throw new MusicError(`The music file could not be read: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    input.dispose();
  }
}

/** Why these bytes cannot be a reel's music, or null when they can. */
export async function musicProblem(bytes: Uint8Array): Promise<string | null> {
  try {
    await readAacTrack(bytes, 1);
    return null;
  } catch (err) {
    return err instanceof MusicError ? err.message : "The music file could not be read.";
  }
}
