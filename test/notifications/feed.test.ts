// The in-app feed (issue 18 item 2): the workspace's events for people, in
// words, linking to what they are about; an unread count; read state that is
// each person's own (one or all at once); nothing of another workspace.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { markNeedsReconnect } from "../../worker/accounts/credentials";
import { eventInsert } from "../../worker/notifications/outbox";
import { addMember, createBrand, expectClientError, insertOutput, json, signup, unique, type Session } from "../support/fixtures";
import { callWith, envWith } from "./support";

interface Feed {
  notifications: Array<{ id: string; type: string; title: string; body: string; link: string; createdAt: string; readAt: string | null }>;
  unread: number;
}

const feed = (s: { cookie: string; workspace?: string }, query = "") => json<Feed>(`/api/notifications${query}`, s, 200);
const read = (s: { cookie: string; workspace?: string }, body: unknown) => callWith(envWith(), "/api/notifications/read", { ...s, body });

/** A delivery of a new item that turns `status` (the trigger writes its event), and its ids. */
async function deliveryEvent(s: Session, brandId: string, status: "published" | "failed" | "missed", error: string | null = null) {
  const out = await insertOutput(s, brandId, { status: "ready" });
  await env.DB.prepare("UPDATE job_outputs SET title = ? WHERE id = ?").bind("Five calm breakfasts", out.outputId).run();
  const scheduleId = unique("sch_");
  await env.DB.prepare(
    "INSERT INTO schedules (id, workspace_id, brand_id, output_id, job_id, scheduled_at, kind, variant, created_by_kind, dispatched_at) VALUES (?, ?, ?, ?, ?, ?, 'reel', 'light', 'user', ?)",
  )
    .bind(scheduleId, s.workspaceId, brandId, out.outputId, out.jobNumber, Date.now() - Math.floor(Math.random() * 1e9), Date.now())
    .run();
  const deliveryId = unique("dlv_");
  await env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, 'instagram', 'publishing')").bind(deliveryId, scheduleId, s.workspaceId).run();
  await env.DB.prepare("UPDATE deliveries SET status = ?, last_error = ?, error_class = ?, permalink = ? WHERE id = ?")
    .bind(status, error, status === "failed" ? "permanent" : null, status === "published" ? "https://instagram.test/p/1" : null, deliveryId)
    .run();
  return { scheduleId, deliveryId };
}

async function twoMembers() {
  const owner = await signup();
  const editor = await signup();
  await addMember(owner.workspaceId, editor.userId, "editor");
  const brand = await createBrand(owner, { name: "Calm Kitchen" });
  return { owner, editor: { cookie: editor.cookie, workspace: owner.workspaceId }, brand };
}

describe("GET /api/notifications", () => {
  it("lists the workspace's events for people, newest first, in words with links; not ping or burst.completed", async () => {
    const { owner, brand } = await twoMembers();
    const published = await deliveryEvent(owner, brand.id, "published");
    const failed = await deliveryEvent(owner, brand.id, "failed", "The video is too long for a reel.");
    await env.DB.batch([
      eventInsert(env.DB, { workspaceId: owner.workspaceId, type: "burst.completed", data: { json: { jobs: 3, brands: 1 } } }),
      eventInsert(env.DB, { workspaceId: owner.workspaceId, type: "ping", data: { json: {} } }),
    ]);
    const { accountId } = (await env.DB.prepare(
      "INSERT INTO platform_accounts (id, workspace_id, brand_id, platform, external_id, credentials) VALUES (?, ?, ?, 'youtube', 'UC1', '') RETURNING id AS accountId",
    )
      .bind(unique("acc_"), owner.workspaceId, brand.id)
      .first<{ accountId: string }>())!;
    await markNeedsReconnect(envWith(), accountId, "Token has been expired or revoked.");

    const { notifications, unread } = await feed(owner);
    expect(notifications.map((n) => n.type)).toEqual(["account.needs_reconnect", "delivery.failed", "delivery.published"]);
    expect(unread).toBe(3);
    const [reconnect, fail, pub] = notifications;
    expect(reconnect).toMatchObject({ title: "Reconnect Calm Kitchen's YouTube account", body: "Token has been expired or revoked.", link: `/brands/${brand.id}`, readAt: null });
    expect(fail).toMatchObject({ title: "“Five calm breakfasts” failed on Instagram", body: "Calm Kitchen: The video is too long for a reel.", link: `/calendar?item=${failed.scheduleId}` });
    expect(pub).toMatchObject({ title: "“Five calm breakfasts” is live on Instagram", link: `/calendar?item=${published.scheduleId}` });
    expect(pub!.body).toContain("https://instagram.test/p/1");
    for (const n of notifications) {
      expect(n.id).toMatch(/^evt_/);
      expect(Date.parse(n.createdAt)).toBeGreaterThan(0);
    }
    expect((await feed(owner, "?limit=2")).notifications.map((n) => n.type)).toEqual(["account.needs_reconnect", "delivery.failed"]);
  });

  it("read state is each person's own: one item, then all; unread=true shows what is left", async () => {
    const { owner, editor, brand } = await twoMembers();
    for (let i = 0; i < 3; i++) await deliveryEvent(owner, brand.id, "missed", "Too late to publish: more than 6 hours past its time.");
    const [a, b, c] = (await feed(owner)).notifications;
    expect((await read(owner, { ids: [b!.id] })).status).toBe(204);
    expect((await read(owner, { ids: [b!.id] })).status).toBe(204); // again: no change

    const mine = await feed(owner);
    expect(mine.unread).toBe(2);
    expect(mine.notifications.find((n) => n.id === b!.id)!.readAt).not.toBeNull();
    expect((await feed(owner, "?unread=true")).notifications.map((n) => n.id)).toEqual([a!.id, c!.id]);
    // The editor has read nothing.
    expect((await feed(editor)).unread).toBe(3);

    expect((await read(editor, { all: true })).status).toBe(204);
    const theirs = await feed(editor);
    expect(theirs.unread).toBe(0);
    expect(theirs.notifications.every((n) => n.readAt !== null)).toBe(true);
    expect((await feed(editor, "?unread=true")).notifications).toEqual([]);
    expect((await feed(owner)).unread).toBe(2);

    // Something new after "all read" is unread again.
    await deliveryEvent(owner, brand.id, "failed", "Rejected.");
    expect((await feed(editor)).unread).toBe(1);
    expect((await feed(editor, "?unread=true")).notifications.map((n) => n.type)).toEqual(["delivery.failed"]);
  });

  it("is per workspace: another workspace's items never show, and marking them is 404 and marks nothing", async () => {
    const { owner, brand } = await twoMembers();
    await deliveryEvent(owner, brand.id, "failed", "No.");
    const other = await signup();
    expect(await feed(other)).toEqual({ notifications: [], unread: 0 });
    const theirId = (await feed(owner)).notifications[0]!.id;
    await expectClientError(await read(other, { ids: [theirId] }), 404, "not_found");
    // One id of one's own and one of another workspace: all or nothing.
    const otherBrand = await createBrand(other);
    await deliveryEvent(other, otherBrand.id, "published");
    const ownId = (await feed(other)).notifications[0]!.id;
    await expectClientError(await read(other, { ids: [ownId, theirId] }), 404, "not_found");
    expect((await feed(other)).unread).toBe(1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM notification_reads WHERE event_id IN (?, ?)").bind(theirId, ownId).first()).toEqual({ n: 0 });
  });

  it("bad input is 400 and marks nothing", async () => {
    const { owner, brand } = await twoMembers();
    await deliveryEvent(owner, brand.id, "failed", "No.");
    const id = (await feed(owner)).notifications[0]!.id;
    for (const body of [{}, { ids: [id], all: true }, { ids: [] }, { all: false }, { ids: Array.from({ length: 101 }, (_, i) => `evt_${i}`) }, { ids: [id], extra: 1 }]) {
      await expectClientError(await read(owner, body), 400, "invalid_input", JSON.stringify(body).slice(0, 80));
    }
    for (const q of ["?limit=0", "?limit=101", "?limit=ten", "?unread=yes", "?page=2"]) {
      await expectClientError(await callWith(envWith(), `/api/notifications${q}`, { cookie: owner.cookie }), 400, "invalid_input", q);
    }
    expect((await feed(owner)).unread).toBe(1);
  });

  it("viewers have a feed and read state too", async () => {
    const { owner, brand } = await twoMembers();
    const viewer = await signup();
    await addMember(owner.workspaceId, viewer.userId, "viewer");
    await deliveryEvent(owner, brand.id, "failed", "No.");
    const as = { cookie: viewer.cookie, workspace: owner.workspaceId };
    expect((await feed(as)).unread).toBe(1);
    expect((await read(as, { all: true })).status).toBe(204);
    expect((await feed(as)).unread).toBe(0);
  });
});
