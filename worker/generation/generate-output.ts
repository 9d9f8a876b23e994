// Turns one output pending → generating → ready (or failed with a reason).
// The consumer first *claims* the output with a conditional update (pending →
// generating, a fresh claim token, attempts + 1) and every later write lands
// only while it still holds that claim: a second copy of the message finds
// nothing to claim, and a ready, edited or scheduled output is never touched.
import type { Env } from "../env";
import { newId } from "../lib/ids";
import { MINUTE } from "../lib/time";
import type { Variant } from "../scheduling/variants";
import { readBrief } from "./brief";
import { enforceBrief } from "./brief-rules";
import { llmConfigFromEnv, type LlmConfig } from "./llm-client";
import { writeWithLlm } from "./llm-writer";
import { writeContent, type WriterInput, type WrittenContent } from "./template-writer";
import type { Brief } from "../contract/schemas";

/** A claim older than this belongs to a consumer that died: the output may be claimed again. */
export const GENERATION_LEASE_MS = 15 * MINUTE;

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
  brief: Brief;
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
         b.id AS brand_id, b.slug, b.name, b.handle, b.colors, b.logo_key, b.music_key, b.brief
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
    brief: readBrief(s("brief")),
    previousKeys,
  };
}

export type GenerateOutcome = "ready" | "skipped" | "missing";

export interface GenerateOptions {
  /** The claim token; the consumer passes its own so it can release or fail the claim after an error. */
  claim?: string;
  /** Overrides the writer chosen from the Worker's secrets (tests pass a fake endpoint's config). */
  llm?: LlmConfig | null;
}

/** Claims the output for this attempt; false when it is not pending (another copy has it, or it is done). */
export async function claimOutput(d1: D1Database, outputId: string, claim: string, now: number): Promise<boolean> {
  const row = await d1
    .prepare(
      `UPDATE job_outputs SET status = 'generating', attempts = attempts + 1, claim = ?, started_at = ?, updated_at = ?
       WHERE id = ? AND (status = 'pending' OR (status = 'generating' AND started_at < ?)) RETURNING id`,
    )
    .bind(claim, now, now, outputId, now - GENERATION_LEASE_MS)
    .first<{ id: string }>();
  return !!row;
}

export async function generateOutput(env: Env, outputId: string, media: MediaStep | null, now = Date.now(), opts: GenerateOptions = {}): Promise<GenerateOutcome> {
  const claim = opts.claim ?? newId("gen");
  if (!(await claimOutput(env.DB, outputId, claim, now))) {
    const exists = await env.DB.prepare("SELECT 1 AS x FROM job_outputs WHERE id = ?").bind(outputId).first();
    return exists ? "skipped" : "missing";
  }
  const ctx = await loadOutputContext(env.DB, outputId);
  if (!ctx) return "missing";

  const content = enforceBrief(
    await write(
      env,
      {
        seed: ctx.seed,
        brand: ctx.brand,
        variant: ctx.variant,
        title: ctx.jobTitle,
        topic: ctx.topic,
        slideTexts: ctx.jobSlideTexts ? (JSON.parse(ctx.jobSlideTexts) as string[]) : null,
        brief: ctx.brief,
      },
      opts.llm,
    ),
    ctx.brief,
  );
  const keys = media ? await media(env, ctx, content) : {};
  const stored = await env.DB.prepare(
    `UPDATE job_outputs SET status = 'ready', error = NULL, claim = NULL, caption = ?, title = ?, yt_title = ?, slide_texts = ?,
       thumbnail_key = ?, yt_thumbnail_key = ?, video_key = ?, cover_key = ?, slide_keys = ?,
       publish_cover_key = ?, publish_slide_keys = ?, updated_at = ?
     WHERE id = ? AND status = 'generating' AND claim = ?`,
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
      claim,
    )
    .run();
  // Lost the claim meanwhile (healing reclaimed a stalled attempt): the other attempt's result stands.
  return stored.meta.changes > 0 ? "ready" : "skipped";
}

/** The `llm` writer when configured (explicitly, or by the Worker's secrets), the built-in template writer otherwise. */
export function write(env: Env, input: WriterInput, llm?: LlmConfig | null): Promise<WrittenContent> {
  const config = llm === undefined ? llmConfigFromEnv(env) : llm;
  if (config) return writeWithLlm(input, config);
  return Promise.resolve(writeContent(input));
}

/** Gives the claim back after a failed attempt, so the queue's retry can claim it again. */
export async function releaseClaim(d1: D1Database, outputId: string, claim: string) {
  await d1
    .prepare("UPDATE job_outputs SET status = 'pending', claim = NULL, updated_at = ? WHERE id = ? AND status = 'generating' AND claim = ?")
    .bind(Date.now(), outputId, claim)
    .run();
}

/** Fails the output with a sentence for people; with a claim, only while that claim is still held. */
export async function markOutputFailed(d1: D1Database, outputId: string, reason: string, claim?: string) {
  await d1
    .prepare(
      `UPDATE job_outputs SET status = 'failed', error = ?1, claim = NULL, updated_at = ?2
       WHERE id = ?3 AND status IN ('pending','generating') AND (?4 IS NULL OR claim = ?4)`,
    )
    .bind(reason.slice(0, 500), Date.now(), outputId, claim ?? null)
    .run();
}
