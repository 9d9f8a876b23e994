// H.264 for slideshows of still pictures: each still is one IDR picture
// (intra-picture.ts) followed by P pictures that repeat it, so a 3-second
// slide at 30 fps costs one intra picture and 89 pictures of a few bytes.
import { lengthPrefixed } from "./bit-writer";
import { DEFAULT_INTRA_CODING, IntraPictureCoder, repeatPicture, type IntraCoding, type IntraPictureStats } from "./intra-picture";
import { avcDecoderConfig, codecString, codedSize, maxPictureBytes, pictureParameterSet, sequenceParameterSet, type StreamGeometry } from "./parameter-sets";
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
  /** Coders by QP: the configured one, and coarser ones made for pictures too big at it. */
  private readonly coders = new Map<number, IntraPictureCoder>();
  private readonly coding: Partial<IntraCoding>;
  private last: IntraPictureCoder;
  private idrCount = 0;

  constructor(
    private readonly geometry: StreamGeometry,
    coding: Partial<IntraCoding> = {},
  ) {
    const { mbWidth, mbHeight } = codedSize(geometry);
    this.macroblocks = mbWidth * mbHeight;
    this.coding = coding;
    this.last = this.coder(coding.qp ?? DEFAULT_INTRA_CODING.qp);
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
    const idrPicId = this.idrCount++ % 2;
    let coder = this.coder(this.coding.qp ?? DEFAULT_INTRA_CODING.qp);
    let { nal, stats } = coder.encode(yuv, idrPicId);
    // A picture of pure noise can come out over the level's limit: code it again, coarser.
    while (nal.length > maxPictureBytes(this.geometry) && coder.qp < 51) {
      coder = this.coder(Math.min(51, coder.qp + 6));
      ({ nal, stats } = coder.encode(yuv, idrPicId));
    }
    this.last = coder;
    return { sample: lengthPrefixed([nal]), stats };
  }

  /** What a decoder shows for the last still (coded size, before cropping). */
  decoded(): Yuv420 {
    return this.last.decoded();
  }

  private coder(qp: number): IntraPictureCoder {
    let coder = this.coders.get(qp);
    if (!coder) {
      const { codedWidth, codedHeight } = codedSize(this.geometry);
      coder = new IntraPictureCoder(codedWidth, codedHeight, { ...this.coding, qp });
      this.coders.set(qp, coder);
    }
    return coder;
  }

  /** The n-th picture after an IDR (n ≥ 1), repeating it (AVCC sample data). */
  repeat(n: number): Uint8Array {
    return lengthPrefixed([repeatPicture(this.macroblocks, n)]);
  }
}
