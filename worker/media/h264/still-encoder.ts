// H.264 for slideshows of still pictures: each still is one IDR picture
// (intra-picture.ts) followed by P pictures that repeat it, so a 3-second
// slide at 30 fps costs one intra picture and 89 pictures of a few bytes.
import { lengthPrefixed } from "./bit-writer";
import { IntraPictureCoder, repeatPicture, type IntraCoding, type IntraPictureStats } from "./intra-picture";
import { avcDecoderConfig, codecString, codedSize, pictureParameterSet, sequenceParameterSet, type StreamGeometry } from "./parameter-sets";
import { rgbaToYuv420, type Yuv420 } from "./yuv";

export interface StillStream {
  codec: string;
  codedWidth: number;
  codedHeight: number;
  /** avcC payload for the MP4 sample description. */
  decoderConfig: Uint8Array;
}

export class StillEncoder {
  readonly stream: StillStream;
  private readonly macroblocks: number;
  private readonly coder: IntraPictureCoder;
  private idrCount = 0;

  constructor(
    private readonly geometry: StreamGeometry,
    coding: Partial<IntraCoding> = {},
  ) {
    const { mbWidth, mbHeight, codedWidth, codedHeight } = codedSize(geometry);
    this.macroblocks = mbWidth * mbHeight;
    this.coder = new IntraPictureCoder(codedWidth, codedHeight, coding);
    this.stream = {
      codec: codecString(),
      codedWidth: geometry.width,
      codedHeight: geometry.height,
      decoderConfig: avcDecoderConfig(sequenceParameterSet(geometry), pictureParameterSet()),
    };
  }

  /** The IDR access unit for a still (AVCC sample data). */
  intra(rgba: Uint8Array): { sample: Uint8Array; stats: IntraPictureStats } {
    const { width, height } = this.geometry;
    const { codedWidth, codedHeight } = codedSize(this.geometry);
    const yuv = rgbaToYuv420(rgba, width, height, codedWidth, codedHeight);
    // Consecutive IDR pictures must differ in idr_pic_id (§7.4.3).
    const { nal, stats } = this.coder.encode(yuv, this.idrCount++ % 2);
    return { sample: lengthPrefixed([nal]), stats };
  }

  /** What a decoder shows for the last still (coded size, before cropping). */
  decoded(): Yuv420 {
    return this.coder.decoded();
  }

  /** The n-th picture after an IDR (n ≥ 1), repeating it (AVCC sample data). */
  repeat(n: number): Uint8Array {
    return lengthPrefixed([repeatPicture(this.macroblocks, n)]);
  }
}
