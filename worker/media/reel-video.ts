// A reel: slides shown in order, each for a few seconds, as H.264 in an MP4
// whose moov precedes mdat (streams before it has fully downloaded), with the
// brand's AAC music copied in and cut to the video's length.
import { StillEncoder } from "./h264/still-encoder";
import type { IntraPictureStats } from "./h264/intra-picture";
import { BufferTarget, EncodedAudioPacketSource, EncodedPacket, EncodedVideoPacketSource, Mp4OutputFormat, Output } from "./mediabunny";
import type { AacTrack } from "./music";

export interface ReelSlide {
  rgba: Uint8Array;
  seconds: number;
}

export interface ReelOptions {
  width: number;
  height: number;
  fps: number;
  music?: AacTrack | null;
}

export interface EncodedReel {
  mp4: Uint8Array;
  seconds: number;
  frames: number;
  intra: IntraPictureStats[];
}

/**
 * Encodes slides as they arrive (an async iterable keeps one slide's pixels in
 * memory at a time) and muxes them with mediabunny.
 */
export async function encodeReel(slides: AsyncIterable<ReelSlide> | Iterable<ReelSlide>, opts: ReelOptions): Promise<EncodedReel> {
  const encoder = new StillEncoder(opts);
  const output = new Output({ format: new Mp4OutputFormat({ fastStart: "in-memory" }), target: new BufferTarget() });
  const video = new EncodedVideoPacketSource("avc");
  output.addVideoTrack(video, { frameRate: opts.fps });
  const audio = opts.music ? new EncodedAudioPacketSource("aac") : null;
  if (audio) output.addAudioTrack(audio);
  await output.start();

  const frameSeconds = 1 / opts.fps;
  const music = opts.music ? loopedMusic(opts.music) : null;
  let frame = 0;
  let firstVideo = true;
  let firstAudio = true;
  const intra: IntraPictureStats[] = [];

  // Audio is added up to the video's current time, so the two stay interleaved.
  const addAudioUntil = async (seconds: number) => {
    if (!audio || !music) return;
    while (music.peek() < seconds) {
      const packet = music.next();
      await audio.add(packet, firstAudio ? { decoderConfig: opts.music!.decoderConfig } : undefined);
      firstAudio = false;
    }
  };

  for await (const slide of slides) {
    const frames = Math.max(1, Math.round(slide.seconds * opts.fps));
    const { sample, stats } = encoder.intra(slide.rgba);
    intra.push(stats);
    for (let n = 0; n < frames; n++) {
      const at = frame * frameSeconds;
      await addAudioUntil(at + frameSeconds);
      const data = n === 0 ? sample : encoder.repeat(n);
      const packet = new EncodedPacket(data, n === 0 ? "key" : "delta", at, frameSeconds);
      await video.add(
        packet,
        firstVideo
          ? {
              decoderConfig: {
                codec: encoder.stream.codec,
                codedWidth: encoder.stream.codedWidth,
                codedHeight: encoder.stream.codedHeight,
                description: encoder.stream.decoderConfig,
              },
            }
          : undefined,
      );
      firstVideo = false;
      frame++;
    }
  }
  if (frame === 0) throw new Error("A reel needs at least one slide.");
  const seconds = frame * frameSeconds;
  // The last audio packet may start just before the end; it is kept, so the
  // audio ends at most one AAC frame (~23 ms) after the video.
  await addAudioUntil(seconds);
  video.close();
  audio?.close();
  await output.finalize();
  const buffer = (output.target as BufferTarget).buffer;
  if (!buffer) throw new Error("The MP4 muxer produced no output.");
  return { mp4: new Uint8Array(buffer), seconds, frames: frame, intra };
}

/** The track's packets re-timed from zero, repeated end to end when the reel outlasts the music. */
function loopedMusic(track: AacTrack) {
  const first = track.packets[0]!.timestamp;
  const period = track.seconds;
  let index = 0;
  let loop = 0;
  const current = () => track.packets[index]!;
  return {
    peek: () => current().timestamp - first + loop * period,
    next: () => {
      const p = current();
      const packet = new EncodedPacket(p.data, "key", p.timestamp - first + loop * period, p.duration);
      if (++index === track.packets.length) {
        index = 0;
        loop++;
      }
      return packet;
    },
  };
}
