// Fixtures for the analytics tests: published posts written straight to D1
// (publishing is tested elsewhere) and registered with the sampler by the same
// statements the publish consumer runs, accounts connected through the API,
// scripted insights clients, and metrics queue batches delivered by hand.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { INSIGHTS_CLIENTS, type InsightsClients } from "../../worker/analytics/clients";
import { handleMetricsBatch } from "../../worker/analytics/fanout";
import type { SamplerOptions } from "../../worker/analytics/sampler";
import { registerPublishedPost } from "../../worker/analytics/targets";
import type { AccountReading, InsightsClient, InsightsContext, InsightsPlatform, PostReading, PostRef } from "../../worker/analytics/types";
import type { Env, MetricsMessage } from "../../worker/env";
import { HOUR } from "../../worker/lib/time";
import { insertOutput, json, unique, type Session } from "../support/fixtures";

export async function connectAccount(s: Session, brandId: string, platform: InsightsPlatform): Promise<string> {
  await json(`/api/brands/${brandId}/accounts/${platform}`, { ...s, method: "PUT", body: { externalId: unique(`${platform}-`), accessToken: unique("token-secret-") } }, 200);
  const row = await env.DB.prepare("SELECT id FROM platform_accounts WHERE brand_id = ? AND platform = ?").bind(brandId, platform).first<{ id: string }>();
  return row!.id;
}

export interface PublishedPost {
  deliveryId: string;
  scheduleId: string;
  publishedAt: number;
}

let slot = 0;
/**
 * `n` items of the brand, each published to `platform` at `publishedAt` (a
 * minute apart), as the publish consumer leaves them: a published delivery,
 * registered with the sampler in the same batch.
 */
export async function publishPosts(
  s: Session,
  brandId: string,
  n: number,
  opts: { platform?: InsightsPlatform; kind?: "reel" | "post"; publishedAt?: number; accountId?: string | null; title?: string; topic?: string } = {},
): Promise<PublishedPost[]> {
  const platform = opts.platform ?? "sandbox";
  const kind = opts.kind ?? "reel";
  const base = opts.publishedAt ?? Date.now() - 2 * HOUR;
  const out: PublishedPost[] = [];
  for (let i = 0; i < n; i++) {
    const o = await insertOutput(s, brandId, { variant: kind === "reel" ? "light" : "post", status: "ready" });
    const scheduleId = unique("sch_");
    const deliveryId = unique("dlv_");
    const publishedAt = base + i * 60_000;
    const at = publishedAt - 30_000 + (slot++ % 1000);
    await env.DB.batch([
      env.DB.prepare("UPDATE job_outputs SET title = ? WHERE id = ?").bind(opts.title ?? `Post ${i}`, o.outputId),
      env.DB.prepare("UPDATE generation_jobs SET topic = ? WHERE id = ?").bind(opts.topic ?? null, o.jobNumber),
      env.DB.prepare(
        `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'user', ?)`,
      ).bind(scheduleId, s.workspaceId, brandId, o.outputId, o.jobNumber, at, kind, kind === "reel" ? "light" : "post", at),
      env.DB.prepare(
        `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, attempts, published_id, permalink, published_at)
         VALUES (?, ?, ?, ?, ?, 'published', 1, ?, ?, ?)`,
      ).bind(deliveryId, scheduleId, s.workspaceId, platform, opts.accountId ?? null, `pub-${deliveryId}`, `https://platform.test/${deliveryId}`, publishedAt),
      ...registerPublishedPost(env.DB, deliveryId, publishedAt),
    ]);
    out.push({ deliveryId, scheduleId, publishedAt });
  }
  return out;
}

export interface TargetRow {
  id: string;
  kind: string;
  next_at: number | null;
  parked: string | null;
  claim: string | null;
  backoff: number;
  samples: number;
  captured_at: number | null;
  views: number | null;
  followers: number | null;
  simulated: number;
}

export async function target(id: string): Promise<TargetRow | null> {
  return env.DB.prepare("SELECT * FROM metric_targets WHERE id = ?").bind(id).first<TargetRow>();
}

export async function snapshots(id: string): Promise<Array<Record<string, any>>> {
  return (await env.DB.prepare("SELECT * FROM metric_snapshots WHERE delivery_id = ?1 OR account_id = ?1 ORDER BY captured_at").bind(id).all()).results;
}

export async function brandDue(brandId: string): Promise<number | null | undefined> {
  const row = await env.DB.prepare("SELECT next_at FROM metric_brands WHERE brand_id = ?").bind(brandId).first<{ next_at: number | null }>();
  return row ? row.next_at : undefined;
}

/** Makes every target of the brand due at `at` (travel: the clock is real, so the targets move instead). */
export async function makeDue(brandId: string, at = Date.now() - 1000) {
  await env.DB.batch([
    env.DB.prepare("UPDATE metric_targets SET next_at = ? WHERE brand_id = ? AND next_at IS NOT NULL").bind(at, brandId),
    env.DB.prepare("UPDATE metric_brands SET next_at = ? WHERE brand_id = ?").bind(at, brandId),
  ]);
}

type PostsScript = (refs: PostRef[], ctx: InsightsContext) => PostReading[] | Promise<PostReading[]>;
type AccountScript = (ctx: InsightsContext) => AccountReading | Promise<AccountReading>;

/** An insights client whose answers a test writes; it records every call. */
export class ScriptedInsights implements InsightsClient {
  readonly postCalls: PostRef[][] = [];
  accountCalls = 0;
  constructor(
    readonly platform: InsightsPlatform,
    readonly batchSize: number,
    private readonly script: { posts?: PostsScript; account?: AccountScript } = {},
  ) {}

  async posts(ctx: InsightsContext, refs: PostRef[]): Promise<PostReading[]> {
    this.postCalls.push(refs);
    if (this.script.posts) return this.script.posts(refs, ctx);
    return refs.map((r) => ({ deliveryId: r.deliveryId, values: { views: 100, reach: 80, likes: 10, comments: 2, shares: 1, saves: 3 } }));
  }

  async account(ctx: InsightsContext): Promise<AccountReading> {
    this.accountCalls++;
    return this.script.account ? this.script.account(ctx) : { followers: 1234 };
  }

  get calls() {
    return this.postCalls.length + this.accountCalls;
  }
}

export function withInsights(...clients: InsightsClient[]): InsightsClients {
  return Object.assign({ ...INSIGHTS_CLIENTS }, ...clients.map((c) => ({ [c.platform]: c })));
}

/** A queue that records what is sent to it. */
export function recordingMetricsQueue(sent: MetricsMessage[]): Queue<MetricsMessage> {
  return {
    async send(body: MetricsMessage) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<MetricsMessage>>) {
      for (const m of messages) sent.push(m.body);
    },
  } as unknown as Queue<MetricsMessage>;
}

let messageSeq = 0;
/** Delivers one batch of `metrics` messages (a brand id each, duplicates allowed) to the consumer. */
export async function deliverMetrics(brandIds: string[], opts: SamplerOptions & { env?: Env } = {}) {
  const messages = brandIds.map((brandId) => ({ id: `mm${messageSeq++}`, timestamp: new Date(), attempts: 1, body: { kind: "metrics", brandId } as MetricsMessage }));
  const batch = createMessageBatch<MetricsMessage>("brandcast-metrics", messages);
  const ctx = createExecutionContext();
  await handleMetricsBatch(batch, opts.env ?? env, opts);
  return getQueueResult(batch, ctx);
}
