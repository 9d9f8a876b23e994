// The demo's past (issue 15 item 4): `npm start` shows a month of analytics on
// its first start. For each brand of the workspace with a connected sandbox
// account and no past items yet, it writes a month of items published to the
// sandbox (jobs, outputs, schedules, deliveries, sandbox posts, as publishing
// would have left them) at varied hours, and what the sampler would have
// stored for them: each post's readings on its schedule by age, from the
// sandbox's simulator, and the account's daily followers.
//
// Idempotent: every row has an id derived from the brand and the item, a
// brand's rows are written in one batch, and a brand with a past is left
// alone, so a second start changes nothing. Only where DEMO_HISTORY is "true"
// (npm start); the route is a 404 anywhere else.
import { readBrief, writerLanguage } from "../generation/brief";
import { resolveNiche } from "../generation/banks";
import { writeContent } from "../generation/template-writer";
import { hashText, rng } from "../lib/random";
import type { Env } from "../env";
import { DAY, MINUTE } from "../lib/time";
import { sandboxPermalink } from "../publishing/sandbox";
import type { SlotConfig } from "../scheduling/slot-grid";
import { addDays, fromLocal, parseHHMM, toLocal } from "../scheduling/zoned-time";
import { simulateFollowers } from "./simulator";
import { simulatedReading } from "./sandbox-insights";
import { postSamplingUntil } from "./schedule";
import { lowerBrandDue } from "./targets";

export const DEMO_HISTORY_DAYS = 30;
/** Experiment hours (no slot there) the history also published at: two for reels, two for posts, so best times have a choice. */
const EXPERIMENT_HOURS = { reel: 2, post: 2 };

/**
 * A day of the demo's past: three reels and a post. Two reels at the brand's
 * reel slot hours, one at an experiment hour; the post at a post slot hour on
 * even days and an experiment hour on odd ones. All hours differ, so no two
 * items of a day share a minute.
 */
function dayPlan(r: () => number, daysAgo: number, hours: { reel: number[]; post: number[]; reelTry: number[]; postTry: number[] }) {
  const pick = (list: number[]) => list[Math.floor(r() * list.length)]!;
  const first = pick(hours.reel);
  let second = pick(hours.reel);
  while (second === first && hours.reel.length > 1) second = pick(hours.reel);
  return [
    { kind: "reel" as const, hour: first },
    { kind: "reel" as const, hour: second },
    { kind: "reel" as const, hour: pick(hours.reelTry) },
    { kind: "post" as const, hour: daysAgo % 2 ? pick(hours.postTry) : pick(hours.post) },
  ].filter((item, i, all) => all.findIndex((o) => o.hour === item.hour) === i);
}

/** The brand's slot hours (after its offset) and, from the hours no slot uses, its experiment hours. */
function historyHours(r: () => number, slots: SlotConfig, offset: number) {
  const local = (t: string) => (((parseHHMM(t).hour + offset) % 24) + 24) % 24;
  const reel = [...new Set(slots.reel.map((x) => local(x.time)))];
  const post = [...new Set(slots.post.map(local))];
  const free = [];
  for (let h = 7; h <= 22; h++) if (!reel.includes(h) && !post.includes(h)) free.push(h);
  for (let i = free.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [free[i], free[j]] = [free[j]!, free[i]!];
  }
  const reelTry = free.slice(0, EXPERIMENT_HOURS.reel);
  const postTry = free.slice(EXPERIMENT_HOURS.reel, EXPERIMENT_HOURS.reel + EXPERIMENT_HOURS.post);
  return { reel: reel.length ? reel : reelTry, post: post.length ? post : postTry, reelTry, postTry };
}

interface BrandRow {
  id: string;
  slug: string;
  name: string;
  handle: string | null;
  timezone: string;
  brief: string | null;
  slots: string;
  schedule_offset: number;
  account_id: string;
}

export async function backfillDemoHistory(env: Env, workspaceId: string, now = Date.now()): Promise<{ brands: number; posts: number }> {
  const brands = await env.DB.prepare(
    `SELECT b.id, b.slug, b.name, b.handle, b.timezone, b.brief, b.slots, b.schedule_offset, a.id AS account_id
     FROM brands b JOIN platform_accounts a ON a.brand_id = b.id AND a.platform = 'sandbox' AND a.status = 'connected'
     WHERE b.workspace_id = ?1
       AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.brand_id = b.id AND s.scheduled_at < ?2)`,
  )
    .bind(workspaceId, now - DAY)
    .all<BrandRow>();
  let posts = 0;
  for (const brand of brands.results) posts += await backfillBrand(env, workspaceId, brand, now);
  return { brands: brands.results.length, posts };
}

async function backfillBrand(env: Env, workspaceId: string, brand: BrandRow, now: number): Promise<number> {
  const db = env.DB;
  const brief = readBrief(brand.brief);
  const niche = resolveNiche(brief.niche, brand.name);
  const topics = [...brief.topics, ...niche.topics[writerLanguage(brief)].map((t) => t.topic)];
  const r = rng(hashText(`demo-history|${brand.id}`));
  const today = toLocal(now, brand.timezone);
  const statements: D1PreparedStatement[] = [];
  const snapshots: unknown[] = [];
  let firstDue = Number.POSITIVE_INFINITY;
  let n = 0;
  const hours = historyHours(r, JSON.parse(brand.slots) as SlotConfig, brand.schedule_offset);
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const date = addDays(today, -daysAgo);
    for (const { kind, hour } of dayPlan(r, daysAgo, hours)) {
      const i = n++;
      const variant = kind === "post" ? "post" : i % 2 ? "light" : "dark";
      const topic = topics[Math.floor(r() * topics.length)]!;
      const scheduledAt = fromLocal({ ...date, hour, minute: 0 }, brand.timezone);
      const publishedAt = scheduledAt + 10_000 + Math.floor(r() * 40_000);
      const content = writeContent({ seed: hashText(`${brand.id}|${i}`), brand, variant, topic, brief });
      const id = (prefix: string) => `${prefix}_hist_${brand.id}_${i}`;
      const deliveryId = id("dlv");
      statements.push(
        db
          .prepare(
            `INSERT INTO generation_jobs (workspace_id, variant, title, topic, platforms, platforms_explicit, seed, created_by_kind, created_at)
             VALUES (?, ?, ?, ?, '["sandbox"]', 1, ?, 'automation', ?)`,
          )
          .bind(workspaceId, variant, content.title, topic, hashText(deliveryId), scheduledAt - DAY),
        db
          .prepare(
            `INSERT INTO job_outputs (id, job_id, workspace_id, brand_id, status, caption, title, yt_title, slide_texts, attempts, updated_at)
             VALUES (?, last_insert_rowid(), ?, ?, 'ready', ?, ?, ?, ?, 1, ?)`,
          )
          .bind(id("out"), workspaceId, brand.id, content.caption, content.title, content.ytTitle, JSON.stringify(content.slideTexts), scheduledAt - DAY),
        db
          .prepare(
            `INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, created_at, dispatched_at)
             SELECT ?1, ?2, ?3, o.id, o.job_id, ?4, ?5, ?6, 'automation', ?7, ?4 FROM job_outputs o WHERE o.id = ?8`,
          )
          .bind(id("sch"), workspaceId, brand.id, scheduledAt, kind, variant, scheduledAt - DAY, id("out")),
        db
          .prepare(
            `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status, attempts, published_id, permalink, published_at, step, queued_at, updated_at)
             VALUES (?, ?, ?, 'sandbox', ?, 'published', 1, ?, ?, ?, 'published', ?, ?)`,
          )
          .bind(deliveryId, id("sch"), workspaceId, brand.account_id, id("sbx"), sandboxPermalink(env.PUBLIC_BASE_URL, deliveryId), publishedAt, scheduledAt, publishedAt),
        db
          .prepare("INSERT INTO publish_attempts (id, delivery_id, attempt, step, started_at, ended_at) VALUES (?, ?, 1, 'published', ?, ?)")
          .bind(id("att"), deliveryId, scheduledAt, publishedAt),
        db
          .prepare("INSERT INTO sandbox_posts (id, delivery_id, workspace_id, kind, caption, title, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
          .bind(id("sbx"), deliveryId, workspaceId, kind, content.caption, content.title, publishedAt),
      );
      // What the sampler would have read, on its schedule, up to now.
      const post = { deliveryId, publishedId: id("sbx"), contentType: kind, publishedAt, checkpoint: {} } as const;
      const facts = { brandId: brand.id, timezone: brand.timezone, topic };
      const run = postSamplingUntil(publishedAt, (at) => simulatedReading(post, facts, at).values, now);
      run.readings.forEach((reading, k) => snapshots.push({ id: `snp_${deliveryId}_${k + 1}`, delivery: deliveryId, account: null, at: reading.at, ...reading.values, followers: null }));
      const last = run.readings.at(-1);
      statements.push(
        db
          .prepare(
            `INSERT INTO metric_targets (id, kind, workspace_id, brand_id, platform, content_type, published_at, next_at, backoff, samples,
               captured_at, views, reach, likes, comments, shares, saves, simulated)
             VALUES (?, 'post', ?, ?, 'sandbox', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .bind(
            deliveryId, workspaceId, brand.id, kind, publishedAt, run.nextAt, run.backoff, run.readings.length,
            last?.at ?? null, last?.values.views ?? null, last?.values.reach ?? null, last?.values.likes ?? null,
            last?.values.comments ?? null, last?.values.shares ?? null, last?.values.saves ?? null,
          ),
      );
      if (run.nextAt !== null) firstDue = Math.min(firstDue, run.nextAt);
    }
  }
  // The account's followers, read daily for the month (ids of their own: the sampler numbers its readings from 1).
  for (let daysAgo = DEMO_HISTORY_DAYS; daysAgo >= 1; daysAgo--) {
    const at = now - daysAgo * DAY + 5 * MINUTE;
    snapshots.push({ id: `snp_hist_${brand.account_id}_${daysAgo}`, delivery: null, account: brand.account_id, at, followers: simulateFollowers({ brandId: brand.id, at }) });
  }
  statements.push(
    db
      .prepare(
        `INSERT INTO metric_snapshots (id, workspace_id, brand_id, platform, delivery_id, account_id, captured_at, views, reach, likes, comments, shares, saves, followers, simulated)
         SELECT json_extract(e.value, '$.id'), ?1, ?2, 'sandbox', json_extract(e.value, '$.delivery'), json_extract(e.value, '$.account'),
           json_extract(e.value, '$.at'), json_extract(e.value, '$.views'), json_extract(e.value, '$.reach'), json_extract(e.value, '$.likes'),
           json_extract(e.value, '$.comments'), json_extract(e.value, '$.shares'), json_extract(e.value, '$.saves'), json_extract(e.value, '$.followers'), 1
         FROM json_each(?3) e`,
      )
      .bind(workspaceId, brand.id, JSON.stringify(snapshots)),
  );
  if (Number.isFinite(firstDue)) statements.push(lowerBrandDue(db, brand.id, workspaceId, firstDue));
  await db.batch(statements);
  return n;
}
