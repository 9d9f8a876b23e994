// Learning-loop benchmark (`npm run bench`, issue 15 item 7): a simulated year
// of three sandbox brands (food in English, personal finance in Portuguese,
// fitness in Spanish; a reel and a carousel a day each), run twice from the
// same seed: loop on and loop off. Each day, for each brand, it does what the
// burst does, without its queues and claims: the brand's arm statistics are
// read from D1 by the real query (loadArmStats), the real writer drafts the
// day's proposals from them (draftProposals, with the burst's seed and the
// brand's titles of the last 60 days), the real gate decides, and accepted
// proposals become jobs, outputs, and posts booked into the brand's real slot
// grid and published on the sandbox. With the loop on, all of it is written to
// D1 with the sampler's readings as metric_snapshots at the sampler's ages
// (DESIGN.md §10) and the accounts' followers daily, which is all the loop
// ever reads. With the loop off nothing is written, so the same statistics
// query finds no evidence and the writer explores uniformly, as before.
//
// `learning_lift` = mean simulated views per post (each post at 7 days) over
// the last 60 days, loop on / loop off. The posts of both runs share their
// luck (a post's seed is its brand and slot), so the ratio measures topics.
//
// The world is the sandbox's own simulator (worker/analytics/simulator.ts);
// the loop sees only the snapshot rows this harness writes from it.
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { readBrief } from "../../worker/generation/brief";
import { draftProposals } from "../../worker/generation/proposals";
import { qualityGate } from "../../worker/generation/quality-gate";
import { TitleIndex } from "../../worker/generation/similarity";
import { loadArmStats } from "../../worker/learning/arm-stats";
import { hashText } from "../../worker/lib/random";
import { DEFAULT_SLOTS, slotsBetween } from "../../worker/scheduling/slot-grid";
import { localDateString, toLocal } from "../../worker/scheduling/zoned-time";
import { brandGrid } from "../../worker/services/brands";
import { signup } from "../support/fixtures";
import { armedOutputStatements, publishedStatements, snapshotStatements, type ArmedOutput, type PublishedDelivery, type Snapshot } from "../support/published";
import { round } from "./figures";
import { COLORS } from "./seed";
import * as SIMULATOR from "../../worker/analytics/simulator";

const SIMULATOR_NAME = "worker/analytics/simulator.ts";
const SEED = 20260101;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 1, 12);
const DAYS = 365;
const LAST_DAYS = 60;
const ZONE = "Europe/Lisbon";
/** The sampler's schedule (DESIGN.md §10): hourly to 6 h, every 3 h to 24 h, 12 h to 72 h, daily to 7 days, weekly to 28. */
const SAMPLE_AGES_H = [1, 2, 3, 4, 5, 6, 9, 12, 15, 18, 21, 24, 36, 48, 60, 72, 96, 120, 144, 168, 336, 504, 672];
/** The age at which a post's views are compared. */
const EVAL_AGE_H = 168;

const BRANDS = [
  { key: "food-en", brief: { niche: "food and cooking", language: "en" } },
  { key: "finance-pt", brief: { niche: "finanças pessoais", language: "pt" } },
  { key: "fitness-es", brief: { niche: "fitness", language: "es" } },
];

interface Post {
  /** The brand as the world knows it: the same in both runs. */
  world: string;
  brandId: string;
  deliveryId: string;
  at: number;
  contentType: "reel" | "post";
  topic: string;
  weekday: number;
  hour: number;
  seed: number;
  /** Index into SAMPLE_AGES_H of the next reading due. */
  nextSample: number;
}

function localSlot(at: number) {
  const l = toLocal(at, ZONE);
  return { weekday: ((new Date(Date.UTC(l.year, l.month - 1, l.day)).getUTCDay() + 6) % 7) + 1, hour: l.hour };
}

function metricsOf(p: Post, ageHours: number) {
  return SIMULATOR.simulatePostMetrics({
    brandId: p.world,
    localWeekday: p.weekday,
    localHour: p.hour,
    contentType: p.contentType,
    topic: p.topic,
    ageHours,
    followers: SIMULATOR.simulateFollowers({ brandId: p.world, at: p.at }),
    seed: p.seed,
  });
}

/** One simulated year; returns every post it published. */
async function simulateYear(loop: boolean): Promise<Post[]> {
  const s = await signup();
  const mode = loop ? "on" : "off";
  const slots = JSON.stringify(DEFAULT_SLOTS);
  const brands = BRANDS.map((b) => {
    const id = `lrn-${mode}-${b.key}`;
    const brief = { ...b.brief, reelsPerDay: 1, postsPerDay: 1 };
    return {
      ...b,
      id,
      account: `${id}-sandbox`,
      row: { slug: id, name: `Learning ${b.key}`, handle: null },
      brief: readBrief(JSON.stringify(brief)),
      briefJson: JSON.stringify(brief),
      grid: brandGrid({ timezone: ZONE, slots, scheduleOffset: 0 }),
      taken: new Set<number>(),
      titles: [] as Array<{ title: string; at: number }>,
    };
  });
  await env.DB.batch(
    brands.map((b) =>
      env.DB.prepare("INSERT INTO brands (id, workspace_id, slug, name, timezone, colors, slots, brief) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").bind(
        b.id,
        s.workspaceId,
        b.id,
        b.row.name,
        ZONE,
        COLORS,
        slots,
        b.briefJson,
      ),
    ),
  );
  const posts: Post[] = [];
  for (let day = 0; day < DAYS; day++) {
    const now = START + day * DAY;
    const runKey = localDateString(now, ZONE);
    const armed: ArmedOutput[] = [];
    const published: PublishedDelivery[] = [];
    const stats = await Promise.all(brands.map((b) => loadArmStats(env.DB, s.workspaceId, b.id, now)));
    for (const [k, b] of brands.entries()) {
      // The burst's part for this brand: its recent titles, its seed, the writer, the gate.
      const recentTitles = b.titles.filter((t) => t.at >= now - 60 * DAY).map((t) => t.title);
      const drafts = await draftProposals(
        { brand: b.row, brief: b.brief, variants: ["light", "post"], seed: hashText(`${b.id}:${runKey}`), recent: new TitleIndex(recentTitles), recentTitles, arms: stats[k] },
        null,
      );
      const recent = new TitleIndex(recentTitles);
      const free = slotsBetween(b.grid, now + 15 * 60_000, now + 2 * DAY).filter((x) => !b.taken.has(x.at));
      for (const [i, d] of drafts.entries()) {
        const gate = qualityGate(d, b.brief, recent);
        recent.add(d.title);
        b.titles.push({ title: d.title, at: now });
        const slot = free.find((x) => x.variant === d.variant && !b.taken.has(x.at));
        if (!gate.accepted || !slot || !d.arm) continue;
        b.taken.add(slot.at);
        const id = `${b.id}-${day}-${i}`;
        armed.push({ brandId: b.id, proposalId: `${id}-prp`, outputId: `${id}-out`, title: d.title, variant: d.variant, topic: d.arm.topic, hook: d.arm.hook, at: now });
        published.push({ outputId: `${id}-out`, scheduleId: `${id}-sch`, deliveryId: `${id}-dlv`, platform: "sandbox", accountId: b.account, at: slot.at });
        posts.push({
          world: b.key,
          brandId: b.id,
          deliveryId: `${id}-dlv`,
          at: slot.at,
          contentType: d.variant === "post" ? "post" : "reel",
          topic: d.arm.topic,
          ...localSlot(slot.at),
          seed: hashText(`${SEED}|${b.key}|${slot.at}|${d.variant}`),
          nextSample: 0,
        });
      }
    }
    // Without the loop nothing is read back, so nothing needs writing.
    if (!loop) continue;
    // The sampler's day: each post read when one of its sampling ages has passed, each account once.
    const readings: Snapshot[] = brands.map((b) => ({
      id: `${b.account}-${day}`,
      brandId: b.id,
      platform: "sandbox",
      accountId: b.account,
      capturedAt: now,
      followers: SIMULATOR.simulateFollowers({ brandId: b.key, at: now }),
      simulated: true,
    }));
    for (const p of posts) {
      const age = (now - p.at) / HOUR;
      if (age <= 0 || p.nextSample >= SAMPLE_AGES_H.length || SAMPLE_AGES_H[p.nextSample]! > age) continue;
      while (p.nextSample < SAMPLE_AGES_H.length && SAMPLE_AGES_H[p.nextSample]! <= age) p.nextSample++;
      readings.push({ id: `${p.deliveryId}-${day}`, brandId: p.brandId, platform: "sandbox", deliveryId: p.deliveryId, capturedAt: now, ...metricsOf(p, age), simulated: true });
    }
    const statements = [
      ...armedOutputStatements(env.DB, s.workspaceId, armed),
      ...publishedStatements(env.DB, s.workspaceId, published),
      ...snapshotStatements(env.DB, s.workspaceId, readings),
    ];
    await env.DB.batch(statements);
  }
  return posts;
}

function meanViews(posts: Post[]) {
  const from = START + (DAYS - LAST_DAYS) * DAY;
  const last = posts.filter((p) => p.at >= from && p.at < START + DAYS * DAY);
  return { posts: last.length, views: last.reduce((sum, p) => sum + metricsOf(p, EVAL_AGE_H).views!, 0) / last.length };
}

describe("learning bench", () => {
  it("a simulated year, loop on and loop off", async () => {
    const t0 = performance.now();
    const off = meanViews(await simulateYear(false));
    const on = meanViews(await simulateYear(true));
    const seconds = (performance.now() - t0) / 1000;
    console.log(
      `BENCH ${JSON.stringify({
        learning_lift: round(on.views / off.views, 3),
        learning_views_per_post_on: round(on.views),
        learning_views_per_post_off: round(off.views),
        learning_posts_last_60_days: on.posts,
        learning_seconds: round(seconds, 1),
        learning_simulator: SIMULATOR_NAME,
      })}`,
    );
  });
});
