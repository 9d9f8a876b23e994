// The `sandbox` platform, the local default (DESIGN.md §7): it "publishes"
// into D1 (sandbox_posts, which go with their brand) and answers with a
// permalink to GET /sandbox/:deliveryId, so `npm start` shows the whole flow
// with no credentials. It keeps the same exactly-once discipline as a real
// client: the publishing step is checkpointed before the write, and the write
// is keyed by the delivery, so a redelivery finds the first post instead of
// making a second one.
import { newId } from "../lib/ids";
import type { PlatformClient, PublishContext, PublishOutcome } from "./types";

export function sandboxPermalink(publicBaseUrl: string | undefined, deliveryId: string): string {
  // No public origin (plain `npm start`): a path, which the web app opens on its own origin.
  return `${(publicBaseUrl ?? "").replace(/\/+$/, "")}/sandbox/${encodeURIComponent(deliveryId)}`;
}

export const sandboxClient: PlatformClient = {
  platform: "sandbox",
  async publish(ctx: PublishContext): Promise<PublishOutcome> {
    const { delivery, content, env } = ctx;
    const media = content.kind === "reel" ? [content.media.video!] : (content.media.slides ?? []);
    // What a real platform does when it fetches the media: a missing object fails here, with a reason (REGRESSIONS #9).
    for (const ref of [...media, ...(content.media.cover ? [content.media.cover] : [])]) await ctx.mediaSize(ref);

    if (!delivery.publishStartedAt) await ctx.checkpoint({ step: "publishing", publishStartedAt: ctx.now() });
    const post = await env.DB.prepare(
      `INSERT INTO sandbox_posts (id, delivery_id, workspace_id, brand_id, kind, caption, title, video_key, cover_key, slide_keys, created_at)
       SELECT ?, d.id, d.workspace_id, s.brand_id, ?, ?, ?, ?, ?, ?, ? FROM deliveries d JOIN schedules s ON s.id = d.schedule_id WHERE d.id = ?
       ON CONFLICT (delivery_id) DO UPDATE SET delivery_id = excluded.delivery_id
       RETURNING id`,
    )
      .bind(
        newId("sbx"),
        content.kind,
        content.caption,
        content.title,
        content.media.video?.key ?? null,
        content.media.cover?.key ?? null,
        content.kind === "post" ? JSON.stringify(media.map((m) => m.key)) : null,
        ctx.now(),
        delivery.id,
      )
      .first<{ id: string }>();
    if (!post) throw new Error(`delivery ${delivery.id} vanished while publishing to the sandbox`);
    const permalink = sandboxPermalink(env.PUBLIC_BASE_URL, delivery.id);
    await ctx.checkpoint({ step: "published", publishedId: post.id, permalink });
    return { kind: "published", publishedId: post.id, permalink };
  },
};
