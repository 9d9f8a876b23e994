// The metrics sampler (DESIGN.md §10): what it stores, when it asks again, how
// each class of platform error is handled, and that a redelivered or
// concurrent run never stores a reading twice.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { CLAIM_LEASE_MS, sampleBrand, TARGETS_PER_RUN } from "../../worker/analytics/sampler";
import { DAY, HOUR, MINUTE } from "../../worker/lib/time";
import { InsightsError } from "../../worker/analytics/types";
import type { Env } from "../../worker/env";
import { countRows, createBrand, signup, type Session } from "../support/fixtures";
import { brandDue, connectAccount, deliverMetrics, makeDue, publishPosts, ScriptedInsights, snapshots, target, withInsights } from "./support";

let s: Session;

/** The env with its DB noting the SQL of every statement prepared. */
function recordingSql(): { env: Env; sql: string[] } {
  const sql: string[] = [];
  const DB = new Proxy(env.DB, {
    get(db, prop) {
      if (prop === "prepare") return (q: string) => (sql.push(q), db.prepare(q));
      const v = Reflect.get(db, prop);
      return typeof v === "function" ? v.bind(db) : v;
    },
  });
  return { env: { ...env, DB } as Env, sql };
}
beforeAll(async () => {
  s = await signup();
});

async function brand() {
  return (await createBrand(s)).id;
}

describe("a published post and a connected account become due work", () => {
  it("connecting an account makes it due at once; a published post is due an hour after publishing", async () => {
    const brandId = await brand();
    const before = Date.now();
    const accountId = await connectAccount(s, brandId, "sandbox");
    const account = await target(accountId);
    expect(account).toMatchObject({ kind: "account", samples: 0, parked: null });
    expect(account!.next_at).toBeGreaterThanOrEqual(before - 1000);
    expect(account!.next_at).toBeLessThanOrEqual(Date.now() + 1000);

    const [post] = await publishPosts(s, brandId, 1, { publishedAt: before });
    expect((await target(post!.deliveryId))!.next_at).toBe(before + HOUR);
    // The brand's due time is its earliest target's.
    expect(await brandDue(brandId)).toBe(account!.next_at);
  });

  it("the sandbox's readings are simulated, stored as snapshots, and the post is next due on its schedule", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "sandbox");
    const publishedAt = Date.now() - 2 * HOUR;
    const [post] = await publishPosts(s, brandId, 1, { publishedAt, topic: "sheet-pan dinners" });
    const now = Date.now();
    const run = await sampleBrand(env, brandId, { now: () => now });
    expect(run).toMatchObject({ claimed: 2, stored: 2, deferred: 0, parked: 0 });

    const [snap] = await snapshots(post!.deliveryId);
    expect(snap).toMatchObject({ simulated: 1, captured_at: now, followers: null, delivery_id: post!.deliveryId, account_id: null });
    expect(snap!.views).toBeGreaterThan(0);
    const t = await target(post!.deliveryId);
    // Two hours old: hourly, so an hour from now.
    expect(t).toMatchObject({ samples: 1, backoff: 0, claim: null, captured_at: now, views: snap!.views, simulated: 1, next_at: now + HOUR });

    const [followers] = await snapshots(accountId);
    expect(followers).toMatchObject({ simulated: 1, views: null, delivery_id: null, account_id: accountId });
    expect(followers!.followers).toBeGreaterThan(0);
    expect((await target(accountId))!.next_at).toBe(now + DAY);
    // The grant answered: it covers insights.
    expect((await env.DB.prepare("SELECT insights_access FROM platform_accounts WHERE id = ?").bind(accountId).first())!.insights_access).toBe("granted");
    expect(await brandDue(brandId)).toBe(now + HOUR);
  });

  it("a delivery the publish consumer marks published is registered in the same batch", async () => {
    const { seedDelivery, deliver } = await import("../publishing/support");
    const d = await seedDelivery({ platform: "sandbox" });
    const before = Date.now();
    await deliver([d.deliveryId]);
    const row = await env.DB.prepare("SELECT status, published_at FROM deliveries WHERE id = ?").bind(d.deliveryId).first<{ status: string; published_at: number }>();
    expect(row!.status).toBe("published");
    expect(await target(d.deliveryId)).toMatchObject({ kind: "post", next_at: row!.published_at + HOUR, samples: 0 });
    expect(row!.published_at).toBeGreaterThanOrEqual(before);
    // A redelivered publish message changes nothing.
    await deliver([d.deliveryId]);
    expect(await countRows("metric_targets", "id = ?", d.deliveryId)).toBe(1);
  });
});

describe("bounded and exactly once", () => {
  it("one run reads at most its limit, says more is due, and the next run takes the rest", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "instagram");
    await publishPosts(s, brandId, 7, { platform: "instagram" });
    const ig = new ScriptedInsights("instagram", 1);
    const first = await sampleBrand(env, brandId, { clients: withInsights(ig), limit: 5 });
    expect(first).toMatchObject({ claimed: 5, stored: 5, moreDue: true });
    const second = await sampleBrand(env, brandId, { clients: withInsights(ig), limit: 5 });
    expect(second).toMatchObject({ claimed: 3, stored: 3, moreDue: false });
    expect(ig.calls).toBe(8);
    expect(TARGETS_PER_RUN).toBeLessThanOrEqual(100);
  });

  it("a redelivered message, or two runs at once, store each reading once", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "sandbox");
    const posts = await publishPosts(s, brandId, 4);
    // The same message three times in one batch, then again in another batch, then two batches at once.
    await deliverMetrics([brandId, brandId, brandId]);
    await deliverMetrics([brandId]);
    await makeDue(brandId);
    await Promise.all([deliverMetrics([brandId]), deliverMetrics([brandId]), sampleBrand(env, brandId)]);
    for (const p of posts) {
      const rows = await snapshots(p.deliveryId);
      expect(rows).toHaveLength(2);
      expect(new Set(rows.map((r) => r.id)).size).toBe(2);
      expect((await target(p.deliveryId))!.samples).toBe(2);
    }
  });

  it("a run that outlived its lease writes nothing: the run that took its targets over keeps its readings", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "instagram");
    const [post] = await publishPosts(s, brandId, 1, { platform: "instagram" });
    const t0 = Date.now();
    const reading = (views: number) => (refs: { deliveryId: string }[]) => refs.map((r) => ({ deliveryId: r.deliveryId, values: { views, reach: 1, likes: 1, comments: 1, shares: 1, saves: 1 } }));
    const late = new ScriptedInsights("instagram", 1, {
      // While the first run waits on the platform past its lease, a second run takes the post over and reads it.
      posts: async (refs) => {
        await sampleBrand(env, brandId, { clients: withInsights(new ScriptedInsights("instagram", 1, { posts: reading(222) })), now: () => t0 + CLAIM_LEASE_MS + 1 });
        return reading(111)(refs);
      },
    });
    await sampleBrand(env, brandId, { clients: withInsights(late), now: () => t0 });
    const rows = await snapshots(post!.deliveryId);
    expect(rows.map((r) => r.views)).toEqual([222]);
    expect(await target(post!.deliveryId)).toMatchObject({ samples: 1, views: 222, claim: null });
  });

  it("a run that dies leaves its targets claimed until the lease ends, then they are due again", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "instagram");
    const [post] = await publishPosts(s, brandId, 1, { platform: "instagram" });
    const crashing = new ScriptedInsights("instagram", 1, {
      account: () => {
        throw new Error("isolate killed");
      },
    });
    const now = Date.now();
    // A crash inside a client is logged and deferred like an outage; a run killed outright never writes.
    await env.DB.prepare("UPDATE metric_targets SET claim = 'dead-run', next_at = ? WHERE id = ?").bind(now + CLAIM_LEASE_MS, post!.deliveryId).run();
    const during = await sampleBrand(env, brandId, { clients: withInsights(crashing), now: () => now + 1000 });
    expect(crashing.postCalls).toHaveLength(0);
    expect(during.claimed).toBe(1); // the account only
    const after = await sampleBrand(env, brandId, { clients: withInsights(new ScriptedInsights("instagram", 1)), now: () => now + CLAIM_LEASE_MS + 1 });
    expect(after.claimed).toBe(1);
    expect((await target(post!.deliveryId))!.samples).toBe(1);
  });
});

describe("platform errors, by class", () => {
  it("retryable: not read now, due again after the platform's Retry-After (the rest of the account's posts too)", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "instagram");
    const posts = await publishPosts(s, brandId, 3, { platform: "instagram" });
    let n = 0;
    const ig = new ScriptedInsights("instagram", 1, {
      posts: (refs) => {
        if (++n === 2) throw new InsightsError("retryable", "rate limited", { retryAfterSeconds: 600 });
        return refs.map((r) => ({ deliveryId: r.deliveryId, values: { views: 5, reach: 4, likes: 1, comments: 0, shares: 0, saves: 0 } }));
      },
    });
    const now = Date.now();
    const run = await sampleBrand(env, brandId, { clients: withInsights(ig), now: () => now });
    expect(run).toMatchObject({ claimed: 4, stored: 2, deferred: 2 });
    expect(ig.postCalls).toHaveLength(2);
    const rows = await Promise.all(posts.map((p) => target(p.deliveryId)));
    expect(rows[0]).toMatchObject({ samples: 1 });
    expect(rows.slice(1).map((r) => [r!.samples, r!.next_at, r!.claim])).toEqual([
      [0, now + 600_000, null],
      [0, now + 600_000, null],
    ]);
    expect((await target(accountId))!.samples).toBe(1);
  });

  it("reconnect: the account's posts wait, its own reading is looked at again in a day, nothing else is asked", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "facebook");
    const posts = await publishPosts(s, brandId, 2, { platform: "facebook" });
    const fb = new ScriptedInsights("facebook", 1, {
      account: () => {
        throw new InsightsError("reconnect", "token expired", { code: 190 });
      },
    });
    const now = Date.now();
    const run = await sampleBrand(env, brandId, { clients: withInsights(fb), now: () => now });
    expect(run).toMatchObject({ stored: 0, parked: 2, deferred: 1, calls: 1 });
    expect(fb.postCalls).toHaveLength(0);
    for (const p of posts) expect(await target(p.deliveryId)).toMatchObject({ parked: "reconnect", next_at: null, claim: null });
    expect((await target(accountId))!.next_at).toBe(now + DAY);
    // Nothing is due until then: a run in the meantime asks nothing.
    await sampleBrand(env, brandId, { clients: withInsights(fb), now: () => now + HOUR });
    expect(fb.calls).toBe(1);
    // A day later the account answers again: its posts are released and read in the same run's follow-up.
    const ok = new ScriptedInsights("facebook", 1);
    const next = await sampleBrand(env, brandId, { clients: withInsights(ok), now: () => now + DAY });
    expect(next.moreDue).toBe(true);
    await sampleBrand(env, brandId, { clients: withInsights(ok), now: () => now + DAY + 1 });
    for (const p of posts) expect(await target(p.deliveryId)).toMatchObject({ parked: null, samples: 1 });
  });

  it("posts that waited are released by the account's next good run; a run with none waiting writes no release", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "facebook");
    const [waiting, other] = await publishPosts(s, brandId, 2, { platform: "facebook" });
    const now = Date.now();
    const ok = new ScriptedInsights("facebook", 1);
    // Nothing waits: the run reads the account and both posts, and asks nothing of parked posts (the cost bench's 35 statements an item).
    const quiet = recordingSql();
    expect(await sampleBrand(quiet.env, brandId, { clients: withInsights(ok), now: () => now })).toMatchObject({ stored: 3, parked: 0 });
    expect(quiet.sql.filter((q) => /SET parked = NULL, next_at/.test(q))).toEqual([]);

    // One post waits for the account (a reconnect that has since happened); the account's next good run releases it, and only it.
    await env.DB.prepare("UPDATE metric_targets SET parked = 'reconnect', next_at = NULL WHERE id = ?").bind(waiting!.deliveryId).run();
    await makeDue(brandId, now + 1);
    const release = recordingSql();
    const run = await sampleBrand(release.env, brandId, { clients: withInsights(ok), now: () => now + 2 });
    expect(run).toMatchObject({ stored: 2, moreDue: true });
    expect(release.sql.filter((q) => /SET parked = NULL, next_at/.test(q))).toHaveLength(1);
    expect(await target(waiting!.deliveryId)).toMatchObject({ parked: null, next_at: now + 2, samples: 1 });
    expect((await target(other!.deliveryId))!.samples).toBe(2);
  });

  it("missing_permission: the account is marked, and no platform is asked again until someone reconnects", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "youtube");
    const posts = await publishPosts(s, brandId, 2, { platform: "youtube" });
    const yt = new ScriptedInsights("youtube", 50, {
      account: () => {
        throw new InsightsError("missing_permission", "insufficientPermissions", { httpStatus: 403 });
      },
    });
    const now = Date.now();
    await sampleBrand(env, brandId, { clients: withInsights(yt), now: () => now });
    const account = await env.DB.prepare("SELECT status, insights_access FROM platform_accounts WHERE id = ?").bind(accountId).first();
    // Publishing is unaffected: the account stays connected.
    expect(account).toMatchObject({ status: "connected", insights_access: "missing" });
    for (const p of posts) expect((await target(p.deliveryId))!.parked).toBe("insights_missing");
    // The daily look at the account finds the permission still missing: no call.
    await sampleBrand(env, brandId, { clients: withInsights(yt), now: () => now + DAY + 1 });
    expect(yt.calls).toBe(1);
    expect((await target(accountId))!.next_at).toBe(now + DAY + 1 + DAY);

    // Reconnected with the permission: due at once (the trigger), and the posts follow.
    await env.DB.prepare("UPDATE platform_accounts SET insights_access = 'granted' WHERE id = ?").bind(accountId).run();
    expect((await target(accountId))!.next_at).toBeLessThanOrEqual(Date.now());
    const ok = new ScriptedInsights("youtube", 50);
    await sampleBrand(env, brandId, { clients: withInsights(ok) });
    await sampleBrand(env, brandId, { clients: withInsights(ok) });
    for (const p of posts) expect(await target(p.deliveryId)).toMatchObject({ parked: null, samples: 1 });
    expect(ok.postCalls).toHaveLength(1);
  });

  it("a client's token refresh goes through the account's credentials; a refused refresh is a reconnect", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "sandbox");
    const errors: unknown[] = [];
    const client = new ScriptedInsights("sandbox", 90, {
      account: async (ctx) => {
        expect(ctx.account.accessToken).toMatch(/^token-secret-/);
        // Sandbox accounts have no token to renew: the provider refuses, as Meta or Google would a revoked grant.
        for (let i = 0; i < 2; i++) await ctx.refreshAccessToken().catch((err: unknown) => errors.push(err));
        throw errors[0];
      },
    });
    await sampleBrand(env, brandId, { clients: withInsights(client) });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(InsightsError);
    expect((errors[0] as InsightsError).errorClass).toBe("reconnect");
    // Asked once: the second call shares the first answer.
    expect((errors[1] as InsightsError).message).toBe((errors[0] as InsightsError).message);
    const account = await env.DB.prepare("SELECT status, status_reason FROM platform_accounts WHERE id = ?").bind(accountId).first<{ status: string; status_reason: string }>();
    expect(account!.status).toBe("needs_reconnect");
    expect((await target(accountId))!.next_at).toBeGreaterThan(Date.now() + 23 * HOUR);
  });

  it("permanent: a reading with nothing reported, and the next post is still asked for", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "instagram");
    const posts = await publishPosts(s, brandId, 2, { platform: "instagram" });
    let n = 0;
    const ig = new ScriptedInsights("instagram", 1, {
      posts: (refs) => {
        if (n++ === 0) throw new InsightsError("permanent", "media deleted", { code: 100 });
        return refs.map((r) => ({ deliveryId: r.deliveryId, values: { views: 7, reach: null, likes: 1, comments: null, shares: null, saves: null } }));
      },
    });
    await sampleBrand(env, brandId, { clients: withInsights(ig) });
    const [first, second] = await Promise.all(posts.map((p) => snapshots(p.deliveryId)));
    expect(first![0]).toMatchObject({ views: null, reach: null, likes: null, comments: null, shares: null, saves: null });
    expect(second![0]).toMatchObject({ views: 7, reach: null, likes: 1 });
    // Null is null, never 0; the post stays on its schedule.
    expect((await target(posts[0]!.deliveryId))!.next_at).not.toBeNull();
  });

  it("an account removed: its posts wait for a new one, its series is kept", async () => {
    const brandId = await brand();
    const accountId = await connectAccount(s, brandId, "instagram");
    const [post] = await publishPosts(s, brandId, 1, { platform: "instagram" });
    await sampleBrand(env, brandId, { clients: withInsights(new ScriptedInsights("instagram", 1)) });
    await env.DB.prepare("DELETE FROM platform_accounts WHERE id = ?").bind(accountId).run();
    await makeDue(brandId);
    const ig = new ScriptedInsights("instagram", 1);
    await sampleBrand(env, brandId, { clients: withInsights(ig) });
    expect(ig.calls).toBe(0);
    expect(await target(accountId)).toMatchObject({ next_at: null, samples: 1 });
    expect(await snapshots(accountId)).toHaveLength(1);
    expect((await target(post!.deliveryId))!.parked).toBe("account_unavailable");
    // A new account for the platform: it is read, and the post with it.
    await connectAccount(s, brandId, "instagram");
    await sampleBrand(env, brandId, { clients: withInsights(ig) });
    await sampleBrand(env, brandId, { clients: withInsights(ig) });
    expect((await target(post!.deliveryId))!.samples).toBe(2);
  });
});

describe("calls per platform", () => {
  it("YouTube posts go 50 ids a call; Instagram one post a call; each account's posts with its own credentials", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "youtube");
    await connectAccount(s, brandId, "instagram");
    await publishPosts(s, brandId, 60, { platform: "youtube" });
    await publishPosts(s, brandId, 3, { platform: "instagram" });
    const seen = new Set<string>();
    const yt = new ScriptedInsights("youtube", 50, {
      posts: (refs, ctx) => {
        seen.add(`yt:${ctx.account.accessToken}`);
        return refs.map((r) => ({ deliveryId: r.deliveryId, values: { views: 1, reach: null, likes: 0, comments: 0, shares: null, saves: null } }));
      },
    });
    const ig = new ScriptedInsights("instagram", 1, {
      posts: (refs, ctx) => {
        seen.add(`ig:${ctx.account.accessToken}`);
        return refs.map((r) => ({ deliveryId: r.deliveryId, values: { views: 1, reach: 1, likes: 0, comments: 0, shares: 0, saves: 0 } }));
      },
    });
    const run = await sampleBrand(env, brandId, { clients: withInsights(yt, ig), limit: 100 });
    expect(run.stored).toBe(65);
    expect(yt.postCalls.map((c) => c.length)).toEqual([50, 10]);
    expect(ig.postCalls.map((c) => c.length)).toEqual([1, 1, 1]);
    expect([...seen].every((t) => /^(yt|ig):token-secret-/.test(t))).toBe(true);
    expect(seen.size).toBe(2);
  });

  it("a YouTube call made anyway takes along posts at least halfway to their next reading, not others", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "youtube");
    await connectAccount(s, brandId, "instagram");
    const now = Date.now();
    const [due, halfway, early] = await publishPosts(s, brandId, 3, { platform: "youtube", publishedAt: now - 30 * HOUR });
    const [igSoon] = await publishPosts(s, brandId, 1, { platform: "instagram", publishedAt: now - 30 * HOUR });
    const set = (id: string, nextAt: number, capturedAt: number) =>
      env.DB.prepare("UPDATE metric_targets SET next_at = ?, captured_at = ?, samples = 1 WHERE id = ?").bind(nextAt, capturedAt, id).run();
    await set(due!.deliveryId, now - 1000, now - 12 * HOUR);
    await set(halfway!.deliveryId, now + 2 * HOUR, now - 10 * HOUR);
    await set(early!.deliveryId, now + 2 * HOUR, now - HOUR);
    await set(igSoon!.deliveryId, now + 2 * HOUR, now - 10 * HOUR);
    const yt = new ScriptedInsights("youtube", 50);
    const ig = new ScriptedInsights("instagram", 1);
    const run = await sampleBrand(env, brandId, { clients: withInsights(yt, ig), now: () => now });
    expect(yt.postCalls.map((c) => c.map((r) => r.deliveryId))).toEqual([[due!.deliveryId, halfway!.deliveryId]]);
    // One post a call: nothing to fill, so Instagram's post waits for its time.
    expect(ig.postCalls).toEqual([]);
    expect(run.stored).toBe(2 + 2); // two posts, two accounts
    // Read two hours early, its schedule goes on from when it was due (32 h old then: every 12 h), so riding adds no reading.
    expect(await target(halfway!.deliveryId)).toMatchObject({ samples: 2, captured_at: now, next_at: now + 2 * HOUR + 12 * HOUR, claim: null });
    expect(await target(early!.deliveryId)).toMatchObject({ samples: 1, next_at: now + 2 * HOUR, claim: null });
    expect(await target(igSoon!.deliveryId)).toMatchObject({ samples: 1, next_at: now + 2 * HOUR });
  });

  it("a reading unchanged from the one before doubles the interval; a change resets it", async () => {
    const brandId = await brand();
    await connectAccount(s, brandId, "instagram");
    const publishedAt = Date.now() - 10 * HOUR;
    const [post] = await publishPosts(s, brandId, 1, { platform: "instagram", publishedAt });
    let views = 10;
    const ig = new ScriptedInsights("instagram", 1, {
      posts: (refs) => refs.map((r) => ({ deliveryId: r.deliveryId, values: { views, reach: 5, likes: 1, comments: 0, shares: 0, saves: 0 } })),
    });
    const at = (t: number) => ({ clients: withInsights(ig), now: () => t });
    let now = Date.now();
    await sampleBrand(env, brandId, at(now));
    expect(await target(post!.deliveryId)).toMatchObject({ backoff: 0, next_at: now + 3 * HOUR });
    now += 3 * HOUR;
    await sampleBrand(env, brandId, at(now));
    expect(await target(post!.deliveryId)).toMatchObject({ backoff: 1, next_at: now + 6 * HOUR });
    now += 6 * HOUR;
    views = 11;
    await sampleBrand(env, brandId, at(now));
    expect(await target(post!.deliveryId)).toMatchObject({ backoff: 0, samples: 3 });
    expect(MINUTE).toBe(60_000);
  });
});
