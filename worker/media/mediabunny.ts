// The one place that imports mediabunny (MP4 muxing, AAC demuxing). Its
// package entry loads Node-only modules that fail in workerd, and it exports no
// subpath, so the self-contained ESM bundle is imported by path
// (CLOUDFLARE.md §9).
export {
  ALL_FORMATS,
  BufferSource,
  BufferTarget,
  EncodedAudioPacketSource,
  EncodedPacket,
  EncodedPacketSink,
  EncodedVideoPacketSource,
  Input,
  Mp4OutputFormat,
  Output,
} from "../../node_modules/mediabunny/dist/bundles/mediabunny.mjs";
