// The sandbox platform end to end through the Worker's queue handler, its
// permalink page, and the rule that tokens never leak (API, logs, D1).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { PublishMessage } from "../../worker/env";
import worker from "../../worker/index";
import { PublishError } from "../../worker/publishing/types";
import { call, countRows, json } from "../support/fixtures";
import { attemptRows, connect, deliver, deliveryRow, newBrand, ScriptedPlatform, seedDelivery, withClient, workspace } from "./support";

/** Publish messages through the Worker's own queue() export, as Queues would call it. */
async function throughQueue(deliveryIds: string[]) {
  const messages = deliveryIds.map((deliveryId, i) => ({ id: `q${Date.now()}-${i}`, timestamp: new Date(), attempts: 1, body: { kind: "publish" as const, deliveryId } }));
  const batch = createMessageBatch<PublishMessage>("brandcast-publish", messages);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("sandbox: publishing through the queue handler", () => {
  it("a reel is published once, with a permalink that opens its page", async () => {
    const d = await seedDelivery({ platform: "sandbox", kind: "reel", caption: "Hello <script>alert(1)</script> & more" });
    const result = await throughQueue([d.deliveryId]);
    expect(result.explicitAcks).toHaveLength(1);
    const row = await deliveryRow(d.deliveryId);
    expect(row).toMatchObject({ status: "published", attempts: 1, step: "published", lease_until: null });
    expect(row.permalink).toBe(`http://app.test/sandbox/${d.deliveryId}`);
    expect(row.published_id).toMatch(/^sbx_/);
    expect(await countRows("sandbox_posts", "delivery_id = ?", d.deliveryId)).toBe(1);

    // At least once: the same message again (and again) changes nothing.
    await throughQueue([d.deliveryId, d.deliveryId]);
    expect(await countRows("sandbox_posts", "delivery_id = ?", d.deliveryId)).toBe(1);
    expect((await deliveryRow(d.deliveryId)).attempts).toBe(1);

    const page = await call(new URL(row.permalink!).pathname);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    expect(html).not.toContain("<script>");
    const src = /<video[^>]* src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&");
    expect(src).toMatch(/^http:\/\/app\.test\/media\/ws\/.+\.mp4\?exp=\d+&sig=/);
    const video = await call(new URL(src).pathname + new URL(src).search);
    expect(video.status).toBe(200);
    expect(video.headers.get("content-type")).toBe("video/mp4");
  });

  it("a post shows every carousel image", async () => {
    const d = await seedDelivery({ platform: "sandbox", kind: "post" });
    await throughQueue([d.deliveryId]);
    expect((await deliveryRow(d.deliveryId)).status).toBe("published");
    const html = await (await call(`/sandbox/${d.deliveryId}`)).text();
    const images = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, "&"));
    expect(images).toHaveLength(3);
    for (const src of images) expect((await call(new URL(src).pathname + new URL(src).search)).status).toBe(200);
  });

  it("a redelivery after a crash between the post and its checkpoint finds the post instead of making another", async () => {
    const d = await seedDelivery({ platform: "sandbox" });
    // The first attempt wrote the post, then died before recording it.
    await env.DB.prepare(
      "INSERT INTO sandbox_posts (id, delivery_id, workspace_id, kind, caption, title, created_at) VALUES ('sbx_earlier', ?, ?, 'reel', 'c', 't', ?)",
    )
      .bind(d.deliveryId, d.workspaceId, Date.now())
      .run();
    await env.DB.prepare("UPDATE deliveries SET status = 'publishing', attempts = 1, step = 'publishing', publish_started_at = ?, lease_until = ? WHERE id = ?")
      .bind(Date.now() - 60_000, Date.now() - 1, d.deliveryId)
      .run();
    await throughQueue([d.deliveryId]);
    expect(await deliveryRow(d.deliveryId)).toMatchObject({ status: "published", published_id: "sbx_earlier", attempts: 2 });
    expect(await countRows("sandbox_posts", "delivery_id = ?", d.deliveryId)).toBe(1);
  });

  it("a brand's sandbox pages go when the brand goes; another brand's stay (issue 16 item 10)", async () => {
    const gone = await seedDelivery({ platform: "sandbox", kind: "post" });
    const kept = await seedDelivery({ platform: "sandbox" });
    await throughQueue([gone.deliveryId, kept.deliveryId]);
    expect(await countRows("sandbox_posts", "delivery_id = ? AND brand_id = ?", gone.deliveryId, gone.brandId)).toBe(1);
    expect((await call(`/sandbox/${gone.deliveryId}`)).status).toBe(200);

    expect((await call(`/api/brands/${gone.brandId}`, { ...(await workspace()), method: "DELETE" })).status).toBe(204);
    expect(await countRows("sandbox_posts", "delivery_id = ?", gone.deliveryId)).toBe(0);
    const page = await call(`/sandbox/${gone.deliveryId}`);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("Post not found");
    expect((await call(`/sandbox/${kept.deliveryId}`)).status).toBe(200);
  });

  it("GET /sandbox/:id of an unknown post is a 404 page", async () => {
    for (const id of ["dlv_nothing", "bad%20id", "x".repeat(200)]) {
      const res = await call(`/sandbox/${id}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain("Post not found");
    }
  });
});

describe("tokens never leak", () => {
  const logs: string[] = [];
  beforeEach(() => {
    logs.length = 0;
    for (const level of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")));
    }
  });
  afterEach(() => vi.restoreAllMocks());

  it("not in API responses, logs, or any D1 table's text, whatever the attempt's outcome", async () => {
    const s = await workspace();
    const brandId = await newBrand();
    const token = `SECRET-ACCESS-${crypto.randomUUID()}`;
    const { accountId } = await connect(brandId, "instagram", token);
    const sandboxToken = `SECRET-SANDBOX-${crypto.randomUUID()}`;
    await connect(brandId, "sandbox", sandboxToken);
    const sandboxAccount = await env.DB.prepare("SELECT id FROM platform_accounts WHERE brand_id = ? AND platform = 'sandbox'").bind(brandId).first<{ id: string }>();

    // The client sees the token (it must, to call the platform) and fails in every way.
    let seen = "";
    const failing = new ScriptedPlatform("instagram", {
      beforeCreate: (ctx) => {
        seen = ctx.account.accessToken;
        // A runtime error that echoes the request URL, token and all.
        throw new Error(`network error fetching https://graph.test/v25.0/me?access_token=${ctx.account.accessToken}`);
      },
    });
    const a = await seedDelivery({ platform: "instagram", brandId, accountId });
    await deliver([a.deliveryId], { clients: withClient(failing) });
    const b = await seedDelivery({ platform: "instagram", brandId, accountId });
    await deliver([b.deliveryId], {
      clients: withClient(
        new ScriptedPlatform("instagram", {
          beforeCreate: () => {
            throw new PublishError("reconnect", "Instagram refused the token.", { platformMessage: `Invalid OAuth access token: ${token}`, code: 190 });
          },
        }),
      ),
    });
    const c = await seedDelivery({ platform: "sandbox", brandId, accountId: sandboxAccount!.id });
    await throughQueue([c.deliveryId]);
    expect(seen).toBe(token);
    expect((await deliveryRow(c.deliveryId)).status).toBe("published");
    expect(await attemptRows(a.deliveryId)).toHaveLength(1);

    const responses = [
      await (await call(`/api/brands/${brandId}`, s)).text(),
      await (await call(`/api/brands`, s)).text(),
      ...(await Promise.all([a, b, c].map(async (d) => (await call(`/api/schedules/${d.scheduleId}`, s)).text()))),
      await (await call(`/sandbox/${c.deliveryId}`)).text(),
    ];
    const tables = (await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'").all<{ name: string }>()).results;
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["platform_accounts", "deliveries", "publish_attempts", "sandbox_posts"]));
    const dumps = await Promise.all(tables.map(async (t) => JSON.stringify((await env.DB.prepare(`SELECT * FROM "${t.name}"`).all()).results)));
    for (const secret of [token, `${token}-refresh`, sandboxToken, `${sandboxToken}-refresh`]) {
      for (const r of responses) expect(r).not.toContain(secret);
      for (const line of logs) expect(line).not.toContain(secret);
      for (const [i, dump] of dumps.entries()) expect(dump, tables[i]!.name).not.toContain(secret);
    }
    expect(logs.length).toBeGreaterThan(0);
  });
});
