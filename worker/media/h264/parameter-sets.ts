// Sequence and picture parameter sets (H.264 §7.3.2.1.1, §7.3.2.2, VUI Annex
// E.1.1) for the still-picture coder: Constrained Baseline, CAVLC, 4:2:0,
// 8-bit, one reference frame, POC type 2 (output order = decoding order).
import { BitWriter, NAL, nalUnit } from "./bit-writer";

export const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: Constrained Baseline (§A.2.1.1). */
export const CONSTRAINT_FLAGS = 0xc0;
/** Level 4.2 (Table A-1): 8704 macroblocks per frame, 522,240 per second (1080×1920 at 30 fps is 8160 and 244,800), and a coded picture buffer big enough for an I_PCM frame. */
export const LEVEL_IDC = 42;
/** MinCR of level 4.2 (Table A-1). */
const MIN_CR = 2;

/**
 * The most bytes a coded picture may have at this level when it is the first
 * of the stream (A.3.1: 384 · Max(PicSizeInMbs, fR · MaxMBPS) ÷ MinCR, and
 * PicSizeInMbs is the larger at these sizes); later pictures may have more.
 */
export function maxPictureBytes(g: StreamGeometry): number {
  const { mbWidth, mbHeight } = codedSize(g);
  return (384 * mbWidth * mbHeight) / MIN_CR;
}
/** pic_init_qp_minus26 + 26: slices state their QP relative to it. */
export const PIC_INIT_QP = 26;
/** frame_num has 16 bits, so a slide can last 65,535 frames before its IDR. */
export const LOG2_MAX_FRAME_NUM = 16;

export interface StreamGeometry {
  width: number;
  height: number;
  fps: number;
}

export function codedSize(g: StreamGeometry) {
  const mbWidth = Math.ceil(g.width / 16);
  const mbHeight = Math.ceil(g.height / 16);
  return { mbWidth, mbHeight, codedWidth: mbWidth * 16, codedHeight: mbHeight * 16 };
}

export function sequenceParameterSet(g: StreamGeometry): Uint8Array {
  if (g.width % 2 || g.height % 2) throw new Error("4:2:0 needs an even width and height.");
  const { mbWidth, mbHeight, codedWidth, codedHeight } = codedSize(g);
  const w = new BitWriter();
  w.u(8, PROFILE_BASELINE).u(8, CONSTRAINT_FLAGS).u(8, LEVEL_IDC);
  w.ue(0); // seq_parameter_set_id
  w.ue(LOG2_MAX_FRAME_NUM - 4);
  w.ue(2); // pic_order_cnt_type: POC follows frame_num (§8.2.1.3)
  w.ue(1); // max_num_ref_frames
  w.flag(false); // gaps_in_frame_num_value_allowed_flag
  w.ue(mbWidth - 1).ue(mbHeight - 1);
  w.flag(true); // frame_mbs_only_flag
  w.flag(true); // direct_8x8_inference_flag
  // Cropping is in units of 2 luma samples for 4:2:0 frames (§7.4.2.1.1, CropUnitX/Y = 2).
  const cropRight = (codedWidth - g.width) / 2;
  const cropBottom = (codedHeight - g.height) / 2;
  w.flag(cropRight > 0 || cropBottom > 0);
  if (cropRight > 0 || cropBottom > 0) w.ue(0).ue(cropRight).ue(0).ue(cropBottom);
  w.flag(true); // vui_parameters_present_flag
  writeVui(w, g.fps);
  return nalUnit(3, NAL.SPS, w.trailingBits().finish());
}

/** VUI (Annex E.1.1): square pixels, BT.709 limited range, constant frame rate, no reordering. */
function writeVui(w: BitWriter, fps: number) {
  w.flag(true).u(8, 1); // aspect_ratio_idc 1: 1:1
  w.flag(false); // overscan_info_present_flag
  w.flag(true); // video_signal_type_present_flag
  w.u(3, 5).flag(false); // video_format unspecified, video_full_range_flag 0
  w.flag(true).u(8, 1).u(8, 1).u(8, 1); // colour primaries, transfer, matrix: BT.709 (Table E-3..E-5)
  w.flag(false); // chroma_loc_info_present_flag
  // timing_info: a frame is two ticks (E.2.1, time_scale / (2 · num_units_in_tick) = fps).
  w.flag(true).u(32, 1).u(32, fps * 2).flag(true);
  w.flag(false).flag(false); // nal_hrd, vcl_hrd
  w.flag(false); // pic_struct_present_flag
  w.flag(true); // bitstream_restriction_flag
  w.flag(true); // motion_vectors_over_pic_boundaries_flag
  w.ue(0).ue(0); // max_bytes_per_pic_denom, max_bits_per_mb_denom: no limit
  w.ue(15).ue(15); // log2_max_mv_length_horizontal / vertical
  w.ue(0); // max_num_reorder_frames: decoders may output at once
  w.ue(1); // max_dec_frame_buffering
}

export function pictureParameterSet(): Uint8Array {
  const w = new BitWriter();
  w.ue(0).ue(0); // pic_parameter_set_id, seq_parameter_set_id
  w.flag(false); // entropy_coding_mode_flag: CAVLC
  w.flag(false); // bottom_field_pic_order_in_frame_present_flag
  w.ue(0); // num_slice_groups_minus1
  w.ue(0).ue(0); // num_ref_idx_l0/l1_default_active_minus1
  w.flag(false).u(2, 0); // weighted_pred_flag, weighted_bipred_idc
  w.se(PIC_INIT_QP - 26).se(0).se(0); // pic_init_qp_minus26, pic_init_qs_minus26, chroma_qp_index_offset
  w.flag(true); // deblocking_filter_control_present_flag: slices say whether to filter
  w.flag(false); // constrained_intra_pred_flag
  w.flag(false); // redundant_pic_cnt_present_flag
  return nalUnit(3, NAL.PPS, w.trailingBits().finish());
}

/** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1), the MP4 avcC box payload. */
export function avcDecoderConfig(sps: Uint8Array, pps: Uint8Array): Uint8Array {
  const out = new Uint8Array(11 + sps.length + pps.length);
  const v = new DataView(out.buffer);
  out.set([1, sps[1]!, sps[2]!, sps[3]!, 0xfc | 3, 0xe0 | 1]); // version, profile, compat, level, 4-byte lengths, 1 SPS
  v.setUint16(6, sps.length);
  out.set(sps, 8);
  out[8 + sps.length] = 1; // one PPS
  v.setUint16(9 + sps.length, pps.length);
  out.set(pps, 11 + sps.length);
  return out;
}

/** The RFC 6381 codec string, e.g. avc1.42C02A. */
export function codecString(): string {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(2, "0");
  return `avc1.${hex(PROFILE_BASELINE)}${hex(CONSTRAINT_FLAGS)}${hex(LEVEL_IDC)}`;
}
