// Notification retention (worker/notifications/retention.ts): events go after
// 90 days with their read marks and finished deliveries, webhook attempts
// after 30, bounded per run; an event still on its way stays whatever its age.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEN_MINUTE_CRON } from "../../worker/automation/cron";
import worker from "../../worker/index";
import { DAY } from "../../worker/lib/time";
import { ATTEMPT_RETENTION_MS, EVENT_RETENTION_MS, pruneNotifications } from "../../worker/notifications/retention";
import { countRows, signup, unique } from "../support/fixtures";

async function seed(now: number) {
  const s = await signup();
  const hook = unique("whk_");
  await env.DB.prepare(
    "INSERT INTO webhooks (id, workspace_id, sealed, host, events, created_at, updated_at) VALUES (?, ?, 'sealed', 'hooks.example.com', '[]', ?, ?)",
  )
    .bind(hook, s.workspaceId, now, now)
    .run();
  const event = async (name: string, createdAt: number, relayAfter: number | null = null) => {
    const id = unique(`evt_${name}_`);
    await env.DB.prepare("INSERT INTO events (id, workspace_id, type, data, created_at, relay_after) VALUES (?, ?, 'delivery.failed', '{}', ?, ?)")
      .bind(id, s.workspaceId, createdAt, relayAfter)
      .run();
    return id;
  };
  const delivery = (eventId: string, status: string) =>
    env.DB.prepare("INSERT INTO webhook_deliveries (event_id, webhook_id, status, next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?)")
      .bind(eventId, hook, status, now, now)
      .run();
  const attempt = async (at: number) => {
    const id = unique("wat_");
    await env.DB.prepare("INSERT INTO webhook_attempts (id, webhook_id, event_id, type, attempt, at, duration_ms) VALUES (?, ?, 'evt_x', 'ping', 1, ?, 10)")
      .bind(id, hook, at)
      .run();
    return id;
  };
  return { s, hook, event, delivery, attempt };
}

const exists = async (table: string, where: string, id: string) => (await countRows(table, where, id)) === 1;

describe("notification retention", () => {
  it("deletes events past 90 days with their read marks and finished deliveries, and attempts past 30; keeps what is still on its way", async () => {
    const now = Date.now();
    const old = now - EVENT_RETENTION_MS - DAY;
    const { s, event, delivery, attempt } = await seed(now);
    const read = await event("read", old);
    await env.DB.prepare("INSERT INTO notification_reads (user_id, event_id, read_at) VALUES (?, ?, ?)").bind(s.userId, read, old).run();
    const delivered = await event("delivered", old);
    await delivery(delivered, "delivered");
    const unsent = await event("unsent", old, now);
    const retrying = await event("retrying", old);
    await delivery(retrying, "pending");
    const recent = await event("recent", now - EVENT_RETENTION_MS + DAY);
    const oldAttempt = await attempt(now - ATTEMPT_RETENTION_MS - DAY);
    const newAttempt = await attempt(now - ATTEMPT_RETENTION_MS + DAY);

    const pruned = await pruneNotifications(env.DB, now);
    // D1's count of changes includes the rows the cascade deleted (a read mark, a delivery).
    expect(pruned).toEqual({ events: 4, attempts: 1 });
    expect(await exists("events", "id = ?", read)).toBe(false);
    expect(await countRows("notification_reads", "event_id = ?", read)).toBe(0);
    expect(await exists("events", "id = ?", delivered)).toBe(false);
    expect(await countRows("webhook_deliveries", "event_id = ?", delivered)).toBe(0);
    for (const kept of [unsent, retrying, recent]) expect(await exists("events", "id = ?", kept)).toBe(true);
    expect(await exists("webhook_attempts", "id = ?", oldAttempt)).toBe(false);
    expect(await exists("webhook_attempts", "id = ?", newAttempt)).toBe(true);
    // Nothing left to do: a second run deletes nothing.
    expect(await pruneNotifications(env.DB, now)).toEqual({ events: 0, attempts: 0 });
  });

  it("is bounded per run, oldest first, and the 10-minute cron runs it", async () => {
    const now = Date.now();
    const { event } = await seed(now);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await event(`e${i}`, now - EVENT_RETENTION_MS - (3 - i) * DAY));
    expect(await pruneNotifications(env.DB, now, 2)).toEqual({ events: 2, attempts: 0 });
    expect(await exists("events", "id = ?", ids[0]!)).toBe(false);
    expect(await exists("events", "id = ?", ids[1]!)).toBe(false);
    expect(await exists("events", "id = ?", ids[2]!)).toBe(true);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(now), cron: TEN_MINUTE_CRON }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await exists("events", "id = ?", ids[2]!)).toBe(false);
  });

  it("reads each table by its time index, never a scan", async () => {
    for (const sql of [
      "SELECT e.id FROM events e INDEXED BY events_created WHERE e.created_at <= 1 AND e.relay_after IS NULL ORDER BY e.created_at LIMIT 5",
      "SELECT id FROM webhook_attempts INDEXED BY webhook_attempts_at WHERE at <= 1 ORDER BY at LIMIT 5",
      "SELECT user_id FROM notification_reads WHERE event_id = 'x'",
    ]) {
      const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).all<{ detail: string }>();
      const details = plan.results.map((r) => r.detail).join(" | ");
      expect(details, sql).toMatch(/USING (COVERING )?INDEX/);
      expect(details, sql).not.toMatch(/^SCAN \w+$|SCAN (e|events|webhook_attempts|notification_reads)(?! USING)/);
    }
  });
});
