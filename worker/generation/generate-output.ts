// Turns one output pending → generating → ready (or failed with a reason).
// Idempotent: a redelivered message for a ready output changes nothing.
import type { Env } from "../env";
import { writeWithLlm } from "./llm-writer";
import { writeContent, type WriterInput, type WrittenContent } from "./template-writer";
import type { Variant } from "../scheduling/variants";

export interface OutputContext {
  outputId: string;
  workspaceId: string;
  status: string;
  variant: Variant;
  seed: number;
  jobTitle: string | null;
  topic: string | null;
  jobSlideTexts: string | null;
  brand: { id: string; slug: string; name: string; handle: string | null; colors: string; logoKey: string | null; musicKey: string | null };
  previousKeys: string[];
}

/** Media rendering, injected so generation works (text only) wherever media is not wired. */
export type MediaStep = (
  env: Env,
  ctx: OutputContext,
  content: { title: string; caption: string; slideTexts: string[] },
) => Promise<Partial<Record<"thumbnailKey" | "ytThumbnailKey" | "videoKey" | "coverKey" | "publishCoverKey", string>> & { slideKeys?: string[]; publishSlideKeys?: string[] }>;

export async function loadOutputContext(d1: D1Database, outputId: string): Promise<OutputContext | null> {
  const row = await d1
    .prepare(
      `SELECT o.id, o.workspace_id, o.status, j.variant, j.seed, j.title, j.topic, j.slide_texts,
         o.thumbnail_key, o.yt_thumbnail_key, o.video_key, o.cover_key, o.slide_keys, o.publish_cover_key, o.publish_slide_keys,
         b.id AS brand_id, b.slug, b.name, b.handle, b.colors, b.logo_key, b.music_key
       FROM job_outputs o JOIN generation_jobs j ON j.id = o.job_id JOIN brands b ON b.id = o.brand_id
       WHERE o.id = ?`,
    )
    .bind(outputId)
    .first<Record<string, string | number | null>>();
  if (!row) return null;
  const s = (k: string) => (row[k] as string | null) ?? null;
  const previousKeys = [
    s("thumbnail_key"),
    s("yt_thumbnail_key"),
    s("video_key"),
    s("cover_key"),
    s("publish_cover_key"),
    ...(JSON.parse(s("slide_keys") ?? "[]") as string[]),
    ...(JSON.parse(s("publish_slide_keys") ?? "[]") as string[]),
  ]
    .filter((k): k is string => !!k);
  return {
    outputId,
    workspaceId: s("workspace_id")!,
    status: s("status")!,
    variant: s("variant") as Variant,
    seed: Number(row.seed),
    jobTitle: s("title"),
    topic: s("topic"),
    jobSlideTexts: s("slide_texts"),
    brand: { id: s("brand_id")!, slug: s("slug")!, name: s("name")!, handle: s("handle"), colors: s("colors")!, logoKey: s("logo_key"), musicKey: s("music_key") },
    previousKeys,
  };
}

export type GenerateOutcome = "ready" | "skipped" | "missing";

export async function generateOutput(env: Env, outputId: string, media: MediaStep | null, now = Date.now()): Promise<GenerateOutcome> {
  const ctx = await loadOutputContext(env.DB, outputId);
  if (!ctx) return "missing";
  if (ctx.status !== "pending" && ctx.status !== "generating") return "skipped";
  await env.DB.prepare("UPDATE job_outputs SET status = 'generating', attempts = attempts + 1, started_at = ?, updated_at = ? WHERE id = ?")
    .bind(now, now, outputId)
    .run();

  const content = await write(env, {
    seed: ctx.seed,
    brand: ctx.brand,
    variant: ctx.variant,
    title: ctx.jobTitle,
    topic: ctx.topic,
    slideTexts: ctx.jobSlideTexts ? (JSON.parse(ctx.jobSlideTexts) as string[]) : null,
  });
  const keys = media ? await media(env, ctx, content) : {};
  await env.DB.prepare(
    `UPDATE job_outputs SET status = 'ready', error = NULL, caption = ?, title = ?, yt_title = ?, slide_texts = ?,
       thumbnail_key = ?, yt_thumbnail_key = ?, video_key = ?, cover_key = ?, slide_keys = ?,
       publish_cover_key = ?, publish_slide_keys = ?, updated_at = ?
     WHERE id = ? AND status = 'generating'`,
  )
    .bind(
      content.caption,
      content.title,
      content.ytTitle,
      JSON.stringify(content.slideTexts),
      keys.thumbnailKey ?? null,
      keys.ytThumbnailKey ?? null,
      keys.videoKey ?? null,
      keys.coverKey ?? null,
      keys.slideKeys ? JSON.stringify(keys.slideKeys) : null,
      keys.publishCoverKey ?? null,
      keys.publishSlideKeys ? JSON.stringify(keys.publishSlideKeys) : null,
      Date.now(),
      outputId,
    )
    .run();
  return "ready";
}

/** The `llm` writer when its secrets are set, the built-in template writer otherwise. */
export function write(env: Env, input: WriterInput): Promise<WrittenContent> {
  if (env.LLM_API_KEY && env.LLM_BASE_URL) {
    return writeWithLlm(input, { baseUrl: env.LLM_BASE_URL, apiKey: env.LLM_API_KEY, model: env.LLM_MODEL ?? "gpt-4o-mini" });
  }
  return Promise.resolve(writeContent(input));
}

export async function markOutputFailed(d1: D1Database, outputId: string, reason: string) {
  await d1
    .prepare("UPDATE job_outputs SET status = 'failed', error = ?, updated_at = ? WHERE id = ? AND status IN ('pending','generating')")
    .bind(reason.slice(0, 500), Date.now(), outputId)
    .run();
}
