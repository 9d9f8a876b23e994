// Fixtures for the publish consumer's tests: deliveries written straight to
// D1 (dispatch lives elsewhere), media in the real local R2, queue batches
// delivered by hand, and a scripted platform that counts what it "posted".
import { env } from "cloudflare:workers";
import type { PublishMessage } from "../../worker/env";
import { putMedia } from "../../worker/media/storage";
import { CLIENTS } from "../../worker/publishing/clients";
import { handlePublishBatch, type ConsumerOptions } from "../../worker/publishing/consumer";
import type { PlatformClient, PublishContext, PublishOutcome, PublishPlatform } from "../../worker/publishing/types";
import { createBrand, insertOutput, json, signup, unique, type Session } from "../support/fixtures";
import { deliverBatch } from "../support/queue-batch";

export type Clients = Record<PublishPlatform, PlatformClient>;

let session: Promise<Session> | null = null;
/** One workspace per test file (signing up hashes a password: do it once). */
export function workspace(): Promise<Session> {
  session ??= signup();
  return session;
}

export async function newBrand(): Promise<string> {
  return (await createBrand(await workspace())).id;
}

/** Connects an account through the API, so credentials are stored the way the product stores them. */
export async function connect(brandId: string, platform: PublishPlatform, accessToken = unique("tok-"), externalId = unique("ext")) {
  await json(`/api/brands/${brandId}/accounts/${platform}`, { ...(await workspace()), method: "PUT", body: { externalId, accessToken, refreshToken: `${accessToken}-refresh` } }, 200);
  const row = await env.DB.prepare("SELECT id FROM platform_accounts WHERE brand_id = ? AND platform = ?").bind(brandId, platform).first<{ id: string }>();
  return { accountId: row!.id, accessToken, externalId };
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
let mediaSeed = 1;

export interface SeedOptions {
  platform?: PublishPlatform;
  kind?: "reel" | "post";
  brandId?: string;
  accountId?: string | null;
  caption?: string;
  ytTitle?: string;
  /** Carousel images as JPEG (Instagram takes nothing else) or PNG. */
  imageExt?: "png" | "jpg";
  /** Leave the media out of R2 (REGRESSIONS #9). */
  missingMedia?: boolean;
  status?: string;
}

export interface SeededDelivery {
  deliveryId: string;
  scheduleId: string;
  outputId: string;
  brandId: string;
  accountId: string | null;
  caption: string;
  workspaceId: string;
  videoKey: string | null;
  slideKeys: string[];
}

let slot = 0;
/** A dispatched delivery (status queued), its schedule, a ready output with media in R2, and a connected account. */
export async function seedDelivery(opts: SeedOptions = {}): Promise<SeededDelivery> {
  const s = await workspace();
  const platform = opts.platform ?? "sandbox";
  const kind = opts.kind ?? "reel";
  const brandId = opts.brandId ?? (await newBrand());
  const accountId = opts.accountId !== undefined ? opts.accountId : (await connect(brandId, platform)).accountId;
  const caption = opts.caption ?? `Caption ${unique("c")} <b>&</b>`;
  const out = await insertOutput(s, brandId, { variant: kind === "reel" ? "light" : "post", status: "ready" });
  const put = async (ext: "mp4" | "png" | "jpg") => {
    const data = bytes(2048, mediaSeed++);
    // The right magic bytes, so fakes that sniff formats (YouTube thumbnails) accept the image.
    data.set(ext === "png" ? [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] : ext === "jpg" ? [0xff, 0xd8, 0xff, 0xe0] : [0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]);
    if (opts.missingMedia) return `ws/${s.workspaceId}/${"0".repeat(63)}${mediaSeed % 10}.${ext}`;
    return putMedia(env.MEDIA, s.workspaceId, data, ext);
  };
  const media =
    kind === "reel"
      ? { video_key: await put("mp4"), thumbnail_key: await put("png"), cover_key: null, slide_keys: null }
      : await (async () => {
          const ext = opts.imageExt ?? "png";
          const slides = [await put(ext), await put(ext), await put(ext)];
          return { video_key: null, thumbnail_key: slides[0], cover_key: slides[0], slide_keys: JSON.stringify(slides) };
        })();
  await env.DB.prepare(
    "UPDATE job_outputs SET caption = ?, title = ?, yt_title = ?, video_key = ?, thumbnail_key = ?, cover_key = ?, slide_keys = ?, yt_thumbnail_key = ? WHERE id = ?",
  )
    .bind(caption, "A title", opts.ytTitle ?? "A YouTube title", media.video_key, media.thumbnail_key, media.cover_key, media.slide_keys, media.thumbnail_key, out.outputId)
    .run();
  const scheduleId = unique("sch_");
  const at = Date.now() - 60_000 - slot++ * 1000;
  await env.DB.prepare(
    `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'user', ?)`,
  )
    .bind(scheduleId, s.workspaceId, brandId, out.outputId, out.jobNumber, at, kind, kind === "reel" ? "light" : "post", Date.now())
    .run();
  const deliveryId = unique("dlv_");
  await env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(deliveryId, scheduleId, s.workspaceId, platform, accountId, opts.status ?? "queued", Date.now())
    .run();
  const slideKeys = media.slide_keys ? (JSON.parse(media.slide_keys) as string[]) : [];
  return { deliveryId, scheduleId, outputId: out.outputId, brandId, accountId, caption, workspaceId: s.workspaceId, videoKey: media.video_key, slideKeys };
}

export interface DeliveryRow {
  id: string;
  status: string;
  attempts: number;
  step: string | null;
  container_id: string | null;
  upload_session: string | null;
  published_id: string | null;
  permalink: string | null;
  published_at: number | null;
  last_error: string | null;
  error_class: string | null;
  next_attempt_at: number | null;
  lease_until: number | null;
  publish_started_at: number | null;
  checkpoint: string | null;
}

export async function deliveryRow(id: string): Promise<DeliveryRow> {
  return (await env.DB.prepare("SELECT * FROM deliveries WHERE id = ?").bind(id).first<DeliveryRow>())!;
}

export interface AttemptRow {
  attempt: number;
  step: string;
  started_at: number;
  ended_at: number | null;
  error_class: string | null;
  raw_message: string | null;
}

export async function attemptRows(id: string): Promise<AttemptRow[]> {
  return (await env.DB.prepare("SELECT * FROM publish_attempts WHERE delivery_id = ? ORDER BY attempt, started_at").bind(id).all<AttemptRow>()).results;
}

export interface Delivered {
  acked: string[];
  retried: Array<{ deliveryId: string; delaySeconds: number }>;
}

/**
 * Delivers one batch of publish messages to the consumer (each id one
 * message, duplicates allowed) and reports what was acked and retried, by
 * delivery id.
 */
export async function deliver(deliveryIds: string[], opts: ConsumerOptions & { clients?: Clients; attempts?: number } = {}): Promise<Delivered> {
  const bodies = deliveryIds.map((deliveryId): PublishMessage => ({ kind: "publish", deliveryId }));
  const out = await deliverBatch("brandcast-publish", bodies, (batch) => handlePublishBatch(batch, env, opts.clients ?? CLIENTS, opts), opts.attempts ?? 1);
  return {
    acked: out.acked.map((b) => b.deliveryId),
    retried: out.retried.map((r) => ({ deliveryId: r.body.deliveryId, delaySeconds: r.delaySeconds })),
  };
}

/** Clients where `platform` is replaced by a test double. */
export function withClient(client: PlatformClient): Clients {
  return { ...CLIENTS, [client.platform]: client };
}

/**
 * A platform that keeps posts in memory, with the discipline the contract
 * asks of real clients: checkpoint the handle, mark the publishing call,
 * ask before repeating it. `hooks` inject faults at named points.
 */
export class ScriptedPlatform implements PlatformClient {
  readonly posts = new Map<string, number>();
  calls = 0;
  publishCalls = 0;
  constructor(
    readonly platform: PublishPlatform,
    readonly hooks: {
      beforeCreate?: (ctx: PublishContext) => Promise<void> | void;
      beforePublish?: (ctx: PublishContext) => Promise<void> | void;
      afterPublish?: (ctx: PublishContext) => Promise<void> | void;
      outcome?: (ctx: PublishContext) => PublishOutcome | null;
    } = {},
  ) {}

  async publish(ctx: PublishContext): Promise<PublishOutcome> {
    this.calls++;
    const d = ctx.delivery;
    const override = this.hooks.outcome?.(ctx);
    if (override) return override;
    if (!d.containerId) {
      await this.hooks.beforeCreate?.(ctx);
      await ctx.checkpoint({ step: "container", containerId: `c-${d.id}` });
    }
    // Recovery: the publishing call may have gone out before; ask the platform first.
    if (d.publishStartedAt && this.posts.has(d.id)) {
      const id = `p-${d.id}`;
      await ctx.checkpoint({ step: "published", publishedId: id });
      return { kind: "published", publishedId: id, permalink: `https://platform.test/${id}` };
    }
    await ctx.checkpoint({ step: "publishing", publishStartedAt: d.publishStartedAt ?? ctx.now() });
    await this.hooks.beforePublish?.(ctx);
    this.publishCalls++;
    this.posts.set(d.id, (this.posts.get(d.id) ?? 0) + 1);
    await this.hooks.afterPublish?.(ctx);
    const id = `p-${d.id}`;
    await ctx.checkpoint({ step: "published", publishedId: id });
    return { kind: "published", publishedId: id, permalink: `https://platform.test/${id}` };
  }
}
