import type { ContentType, Media } from "../api/types";

/**
 * Video for reels, cover and slides for posts, thumbnail otherwise; nothing when no media exists yet.
 * Sizes are the rendered ones (reel 1080×1920, cover 1080×1350), so the box is reserved before the
 * media loads and nothing below it (the panel's buttons) moves under a pointer.
 */
export function MediaPreview({ media, contentType, title }: { media: Media; contentType: ContentType; title: string | null }) {
  const alt = title ?? "Preview";
  if (contentType === "reel" && media.videoUrl) {
    return (
      <div class="media">
        <video src={media.videoUrl} poster={media.thumbnailUrl} width={1080} height={1920} controls muted playsInline preload="metadata" aria-label={`Reel: ${alt}`} />
      </div>
    );
  }
  const slides = media.slideUrls ?? [];
  const cover = media.coverUrl ?? media.thumbnailUrl;
  if (!cover && slides.length === 0) return <p class="muted media-none">No media yet.</p>;
  return (
    <div class="media">
      {cover && <img src={cover} alt={`Cover: ${alt}`} loading="lazy" width={1080} height={media.coverUrl ? 1350 : 1920} />}
      {slides.length > 0 && (
        <ol class="slides" aria-label="Slides">
          {slides.map((s, i) => (
            <li key={s}>
              <img src={s} alt={`Slide ${i + 1}`} loading="lazy" />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
