// Instagram content publishing (PLATFORMS.md §1, §5): reels, single images and
// carousels through media containers. Every step resumes from the delivery's
// checkpoint; the one step that makes a post public, media_publish, is
// checkpointed before it starts, and a redelivery after it asks Instagram
// (container status, then the account's recent media) before anything else.
import { Graph, asUnknownOutcome, classifyGraphError } from "./graph";
import { PublishError, type CheckpointPatch, type PlatformClient, type PublishContext, type PublishOutcome } from "./types";

/**
 * Meta's advice is to stop waiting for a container after about 10–15 minutes and make a new one (§1.3).
 * Below the consumer's MAX_WAITING_MS, so the cap, not the consumer, ends a container's wait.
 */
export const CONTAINER_WAIT_CAP_SECONDS = 15 * 60;
/**
 * A container that never finishes is recreated this many times, then the delivery fails. Each new
 * container's wait starts afresh (`restartsWait`), so every one of them gets the whole cap.
 */
export const MAX_CONTAINER_RECREATIONS = 2;
/** Instagram's publishing window (§1.5). */
const WINDOW_MS = 24 * 3600 * 1000;
/** Offsets into the rolling window probed with content_publishing_limit `since` to find when a slot frees. */
const WINDOW_PROBES_S = [15 * 60, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 18 * 3600];

type Status = "IN_PROGRESS" | "FINISHED" | "PUBLISHED" | "ERROR" | "EXPIRED";
interface ContainerStatus {
  status_code?: Status;
  status?: string;
}
interface IgMedia {
  id: string;
  caption?: string;
  timestamp?: string;
  media_product_type?: string;
  permalink?: string;
}

/** Instagram-specific checkpoint fields (DeliveryState.checkpoint). */
interface IgCheckpoint {
  /** Carousel child containers, in slide order. */
  children?: string[];
  containerCreatedAt?: number;
  /** Seconds of waiting announced for the current container (the cap counts these). */
  waitedSeconds?: number;
  polls?: number;
  recreations?: number;
}

/** The delay before the next status check: 10 s, growing by 5 s a poll, at most 30 s (§1.3: re-enqueue, never sleep). */
export const pollDelaySeconds = (polls: number) => Math.min(30, 10 + 5 * polls);

/** `timestamp` as Instagram formats it (`2026-11-26T05:00:00+0000`). */
const parseIgTime = (s: string | undefined) => (s ? Date.parse(s.replace(/([+-]\d\d)(\d\d)$/, "$1:$2")) : NaN);

/** The 2207xxx reason inside an ERROR container's `status` ("Error: … 2207026"). */
export function containerErrorSubcode(status: string | undefined): number | undefined {
  const m = /\b(2207\d{3})\b/.exec(status ?? "");
  return m ? Number(m[1]) : undefined;
}

export class InstagramClient implements PlatformClient {
  readonly platform = "instagram" as const;

  async publish(ctx: PublishContext): Promise<PublishOutcome> {
    return new InstagramRun(ctx).run();
  }
}

class InstagramRun {
  private readonly graph: Graph;
  private readonly ig: string;
  private cp: IgCheckpoint;
  private containerId: string | null;
  private publishStartedAt: number | null;

  constructor(private readonly ctx: PublishContext) {
    // §1.1: Facebook Login accounts use graph.facebook.com with the IG business id; Instagram Login ones graph.instagram.com.
    const base = ctx.account.loginVia === "facebook" ? ctx.config.facebookApiBase : ctx.config.instagramApiBase;
    this.graph = new Graph(ctx, base, ctx.account.accessToken, "Instagram");
    this.ig = ctx.account.externalId;
    this.cp = { ...(ctx.delivery.checkpoint as IgCheckpoint) };
    this.containerId = ctx.delivery.containerId;
    this.publishStartedAt = ctx.delivery.publishStartedAt;
  }

  private async save(patch: CheckpointPatch) {
    if (patch.checkpoint) this.cp = { ...this.cp, ...(patch.checkpoint as IgCheckpoint) };
    if (patch.containerId !== undefined) this.containerId = patch.containerId;
    if (patch.publishStartedAt !== undefined) this.publishStartedAt = patch.publishStartedAt;
    await this.ctx.checkpoint(patch);
  }

  private get productType() {
    return this.ctx.content.kind === "reel" ? "REELS" : "FEED";
  }

  async run(): Promise<PublishOutcome> {
    const d = this.ctx.delivery;
    if (d.publishedId) return { kind: "published", publishedId: d.publishedId, permalink: d.permalink ?? (await this.permalink(d.publishedId)) };

    // A redelivery after media_publish started asks before acting (§5): the status check below comes first.
    for (let round = 0; round < 2; round++) {
      if (!this.containerId) {
        const waiting = await this.createContainer();
        if (waiting) return waiting;
      }
      const status = await this.containerStatus(this.containerId!);
      if (status.status_code === "PUBLISHED") {
        // Never a new container once this one is PUBLISHED. Without a publish start (a lost checkpoint) the container's birth bounds the lookup.
        if (this.publishStartedAt === null) await this.save({ publishStartedAt: this.cp.containerCreatedAt ?? this.ctx.now() });
        return this.recordPublished();
      }
      if (status.status_code === "EXPIRED") {
        // Not published within 24 h: a new container (§1.3), once per attempt.
        await this.dropContainer();
        continue;
      }
      if (status.status_code === "ERROR") return this.containerFailed(status.status);
      if (status.status_code !== "FINISHED") return this.waitForContainer();
      // FINISHED: nothing went live, even if a publish had started; publishing this same container again is safe.
      return this.publishContainer();
    }
    throw new PublishError("retryable", "Instagram expired the media container again; trying later.");
  }

  /** Creates the container (carousel children first); returns a wait when children are still processing. */
  private async createContainer(): Promise<PublishOutcome | null> {
    const { content } = this.ctx;
    const caption = content.caption;
    let fields: Record<string, string>;
    if (content.kind === "reel") {
      if (!content.media.video) throw new PublishError("permanent", "The reel has no video to publish.");
      fields = { media_type: "REELS", video_url: await this.ctx.mediaUrl(content.media.video), caption, share_to_feed: "true" };
      // §1.2: a JPEG cover (cover_url wins over thumb_offset).
      if (content.media.cover) fields.cover_url = await this.ctx.mediaUrl(content.media.cover);
    } else {
      const slides = (content.media.slides?.length ? content.media.slides : content.media.cover ? [content.media.cover] : []).slice(0, 10);
      if (slides.length === 0) throw new PublishError("permanent", "The post has no image to publish.");
      if (slides.length === 1) fields = { image_url: await this.ctx.mediaUrl(slides[0]!), caption };
      else {
        const children = [...(this.cp.children ?? [])];
        for (let i = children.length; i < slides.length; i++) {
          const child = await this.graph.post<{ id: string }>(`${this.ig}/media`, { image_url: await this.ctx.mediaUrl(slides[i]!), is_carousel_item: "true" });
          children.push(child.id);
          // Children are invisible and expire on their own; saving each keeps a retry from making them twice.
          await this.save({ step: "carousel_children", checkpoint: { children } });
        }
        // §1.2: children must be FINISHED before the parent is created.
        for (const id of children) {
          const s = await this.containerStatus(id);
          if (s.status_code === "ERROR") return this.containerFailed(s.status, true);
          if (s.status_code === "EXPIRED") {
            await this.save({ checkpoint: { children: [] } });
            throw new PublishError("retryable", "An Instagram carousel item expired before the post was made; making new ones.");
          }
          if (s.status_code !== "FINISHED") return this.waitForContainer();
        }
        fields = { media_type: "CAROUSEL", children: children.join(","), caption };
      }
    }
    const created = await this.graph.post<{ id: string }>(`${this.ig}/media`, fields);
    await this.save({ step: "container_created", containerId: created.id, checkpoint: { containerCreatedAt: this.ctx.now(), waitedSeconds: 0, polls: 0 } });
    return null;
  }

  private containerStatus(id: string): Promise<ContainerStatus> {
    return this.graph.get<ContainerStatus>(id, { fields: "status_code,status" });
  }

  private async dropContainer() {
    await this.save({ step: "container_recreate", containerId: null, publishStartedAt: null, checkpoint: { children: [], recreations: (this.cp.recreations ?? 0) + 1, waitedSeconds: 0, polls: 0 } });
  }

  /** IN_PROGRESS: come back later, within the cap; past it, a new container (§1.3). */
  private async waitForContainer(): Promise<PublishOutcome> {
    const waited = Math.max(this.cp.waitedSeconds ?? 0, this.cp.containerCreatedAt ? (this.ctx.now() - this.cp.containerCreatedAt) / 1000 : 0);
    if (waited >= CONTAINER_WAIT_CAP_SECONDS) {
      if ((this.cp.recreations ?? 0) >= MAX_CONTAINER_RECREATIONS) {
        throw new PublishError("permanent", `Instagram never finished processing the media (waited ${Math.round(CONTAINER_WAIT_CAP_SECONDS / 60)} minutes, ${MAX_CONTAINER_RECREATIONS + 1} times).`);
      }
      await this.dropContainer();
      return { kind: "waiting", delaySeconds: 10, reason: "Instagram took too long to process the media; making a new container", restartsWait: true };
    }
    const polls = this.cp.polls ?? 0;
    const delaySeconds = pollDelaySeconds(polls);
    await this.save({ step: "container_processing", checkpoint: { polls: polls + 1, waitedSeconds: (this.cp.waitedSeconds ?? 0) + delaySeconds } });
    return { kind: "waiting", delaySeconds, reason: "Instagram is still processing the media" };
  }

  /** ERROR: the reason in words; a transient reason gets a new container on the next attempt. */
  private async containerFailed(status: string | undefined, child = false): Promise<never> {
    const subcode = containerErrorSubcode(status);
    const classified = classifyGraphError(400, JSON.stringify({ error: { message: status ?? "ERROR", code: -1, error_subcode: subcode } }), {}, "Instagram");
    const what = child ? "An Instagram carousel item failed" : "Instagram could not process the media";
    if (classified.errorClass === "retryable") {
      await this.dropContainer();
      throw new PublishError("retryable", `${what}; trying again with a new container. ${classified.message}`, { platformMessage: status, subcode });
    }
    throw new PublishError("permanent", subcode ? classified.message : `${what}. Instagram said: ${status ?? "ERROR"}`, { platformMessage: status, subcode });
  }

  private async publishContainer(): Promise<PublishOutcome> {
    await this.checkPublishingLimit();
    // §5: the start of the non-idempotent call is on the row before the call; the first start is the lookup's lower bound.
    if (this.publishStartedAt === null) await this.save({ step: "publishing", publishStartedAt: this.ctx.now() });
    let published: { id: string };
    try {
      published = await this.graph.post<{ id: string }>(`${this.ig}/media_publish`, { creation_id: this.containerId! });
    } catch (err) {
      if (!(err instanceof PublishError)) throw err;
      if (err.opts.subcode === 2207027) return { kind: "waiting", delaySeconds: 10, reason: "Instagram says the media is not ready for publishing yet" };
      if (err.opts.subcode === 2207042) throw await this.capReached(err);
      throw asUnknownOutcome(err);
    }
    return this.record(published.id);
  }

  /** Saves the media id before any follow-up call (§1.4), then the cosmetic permalink. */
  private async record(mediaId: string, knownPermalink?: string): Promise<PublishOutcome> {
    await this.save({ step: "published", publishedId: mediaId });
    const permalink = knownPermalink ?? (await this.permalink(mediaId));
    if (permalink) await this.save({ permalink });
    return { kind: "published", publishedId: mediaId, permalink };
  }

  /** Never fail or republish because the permalink lookup failed (§1.4). */
  private async permalink(mediaId: string): Promise<string | null> {
    try {
      return (await this.graph.get<{ permalink?: string }>(mediaId, { fields: "permalink" })).permalink ?? null;
    } catch {
      return null;
    }
  }

  /**
   * The container is PUBLISHED but its media id is not on the row (§5): the
   * container does not expose it, so find the media by exact caption, product
   * type and a timestamp no earlier than the first publish start; never
   * `data[0]`, which can be another post.
   */
  private async recordPublished(): Promise<PublishOutcome> {
    const found = await this.findPublishedMedia();
    return found ? this.record(found.id, found.permalink) : this.notListedYet();
  }

  private async findPublishedMedia(): Promise<IgMedia | undefined> {
    const list = await this.graph.get<{ data?: IgMedia[] }>(`${this.ig}/media`, { fields: "id,caption,timestamp,media_product_type,permalink", limit: "25" });
    // Instagram's timestamps have whole seconds.
    const from = Math.floor(this.publishStartedAt! / 1000) * 1000;
    return (list.data ?? []).find((m) => (m.caption ?? "") === this.ctx.content.caption && m.media_product_type === this.productType && parseIgTime(m.timestamp) >= from);
  }

  private notListedYet(): never {
    // Never a new container once the old one is PUBLISHED: wait for the media list to show it.
    throw new PublishError("retryable", "Instagram says the post was published but it is not in the account's media yet; checking again later.", { retryAfterSeconds: 30 });
  }

  /** §1.5: the cap is enforced at media_publish; check first so a full window defers instead of failing. */
  private async checkPublishingLimit() {
    const usage = await this.limitUsage();
    if (usage && usage.used >= usage.total) {
      throw new PublishError("retryable", `The Instagram account reached its publishing limit (${usage.total} posts in 24 hours); it goes out when the window frees a slot.`, {
        retryAfterSeconds: await this.windowFreesInSeconds(usage.total),
        subcode: 2207042,
      });
    }
  }

  private async limitUsage(sinceMs?: number): Promise<{ used: number; total: number } | null> {
    const query: Record<string, string> = { fields: "quota_usage,config" };
    if (sinceMs !== undefined) query.since = String(Math.floor(sinceMs / 1000));
    const r = await this.graph.get<{ data?: Array<{ quota_usage?: number; config?: { quota_total?: number } }> }>(`${this.ig}/content_publishing_limit`, query);
    const row = r.data?.[0];
    if (!row || typeof row.quota_usage !== "number") return null;
    return { used: row.quota_usage, total: row.config?.quota_total ?? 100 };
  }

  /** The first probe offset at which fewer than `total` posts remain in the window: when a slot frees. */
  private async windowFreesInSeconds(total: number): Promise<number> {
    const windowStart = this.ctx.now() - WINDOW_MS;
    for (const offset of WINDOW_PROBES_S) {
      const usage = await this.limitUsage(windowStart + offset * 1000);
      if (usage && usage.used < total) return offset;
    }
    return WINDOW_MS / 1000;
  }

  private async capReached(err: PublishError): Promise<PublishError> {
    let wait = 3600;
    try {
      wait = await this.windowFreesInSeconds((await this.limitUsage())?.total ?? 100);
    } catch {
      /* keep the default wait */
    }
    return new PublishError("retryable", err.message, { ...err.opts, retryAfterSeconds: wait });
  }
}

export const instagramClient = new InstagramClient();
