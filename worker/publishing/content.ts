// What goes out: the output's texts and media keys, as a PublishContent.
// Instagram takes JPEG only (PLATFORMS.md §1.6), so the JPEG variants the
// media step writes (publish_cover_key, publish_slide_keys) win over the PNG
// renders; outputs rendered before those columns existed fall back to PNG.
import { contentTypeOfKey } from "../media/storage";
import { PublishError, type MediaRef, type PublishContent } from "./types";

/** The output columns publishing reads; the JPEG ones are optional (older rows, older schema). */
export interface OutputMediaRow {
  caption: string | null;
  title: string | null;
  yt_title: string | null;
  video_key: string | null;
  cover_key: string | null;
  thumbnail_key: string | null;
  slide_keys: string | null;
  yt_thumbnail_key: string | null;
  publish_cover_key?: string | null;
  publish_slide_keys?: string | null;
}

const ref = (key: string | null | undefined): MediaRef | undefined => (key ? { key, contentType: contentTypeOfKey(key) } : undefined);

function keyList(json: string | null | undefined): string[] | null {
  if (!json) return null;
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((k): k is string => typeof k === "string" && k.length > 0) : null;
  } catch {
    return null;
  }
}

export function publishContent(kind: "reel" | "post", row: OutputMediaRow): PublishContent {
  const title = row.title?.trim() || "";
  const content: PublishContent = {
    kind,
    caption: row.caption ?? "",
    title,
    ytTitle: (row.yt_title?.trim() || title).slice(0, 100),
    media: {
      cover: ref(row.publish_cover_key ?? row.cover_key ?? row.thumbnail_key),
      ytThumbnail: ref(row.yt_thumbnail_key),
    },
  };
  if (kind === "reel") {
    content.media.video = ref(row.video_key);
    if (!content.media.video) throw new PublishError("permanent", "This reel has no video to publish; generate it again.");
  } else {
    const slides = keyList(row.publish_slide_keys) ?? keyList(row.slide_keys) ?? [];
    content.media.slides = slides.slice(0, 10).map((k) => ref(k)!);
    if (!content.media.slides.length && content.media.cover) content.media.slides = [content.media.cover];
    if (!content.media.slides.length) throw new PublishError("permanent", "This post has no images to publish; generate it again.");
  }
  return content;
}
