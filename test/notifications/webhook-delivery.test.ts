// Webhooks on the wire (issue 18 items 3-5): Standard Webhooks signatures
// byte for byte (checked by a verifier written here from the spec, and by the
// receiver fake's own), one webhook-id per event on every retry, retries with
// backoff and every attempt logged, switching off after 3 days, one endpoint
// never holding up another, no redirects, Slack and Discord messages.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { fanOut, handleEventsDeadLetters } from "../../worker/notifications/consumer";
import { resendLostPairs, LOST_PAIR_AFTER_MS } from "../../worker/notifications/relay";
import { deliverToWebhook } from "../../worker/webhooks/deliver";
import { DISABLE_AFTER_MS, MAX_ATTEMPTS, RETRY_DELAYS_S } from "../../worker/webhooks/retry";
import { sign } from "../../worker/webhooks/signing";
import { ROTATION_OVERLAP_MS } from "../../worker/webhooks/store";
import { fakeAdmin } from "../fakes/admin";
import { unique } from "../support/fixtures";
import { seedDelivery, workspace } from "../publishing/support";
import { deliverBatch } from "../support/queue-batch";
import { callWith, capturingFetch, deliverEvents, envWith, eventsAbout, type Captured } from "./support";

const DAY = 86_400_000;
const local = () => envWith({ WEBHOOK_ALLOW_LOOPBACK: "true" });
const receiver = () => fakeAdmin("webhooks");

// ---- an independent verifier, from the Standard Webhooks spec --------------------
// "The signature is … base64 encoded HMAC-SHA256 … of `{msg_id}.{timestamp}.{payload}`,
// keyed by the base64-decoded part of the secret after the `whsec_` prefix; the header
// is a space-delimited list of `v1,<signature>`; reject timestamps more than a
// tolerance (5 minutes) away." Nothing below imports the Worker's signing code.
const TOLERANCE_S = 300;
async function verifyFromSpec(secret: string, headers: Record<string, string>, body: string, nowMs: number): Promise<true | string> {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) return "missing headers";
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TOLERANCE_S) return "timestamp outside tolerance";
  const raw = atob(secret.split("_")[1]!);
  const key = await crypto.subtle.importKey("raw", Uint8Array.from(raw, (c) => c.charCodeAt(0)), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const entry of signatures.split(" ")) {
    const [version, sig] = entry.split(",");
    if (version !== "v1" || !sig) continue;
    const bytes = Uint8Array.from(atob(sig), (c) => c.charCodeAt(0));
    if (await crypto.subtle.verify("HMAC", key, bytes, content)) return true;
  }
  return "no signature matches";
}

interface Hook {
  id: string;
  secret: string;
  url: string;
}

async function createHook(body: Record<string, unknown>, e = local()): Promise<Hook> {
  const s = await workspace();
  const res = await callWith(e, "/api/webhooks", { cookie: s.cookie, body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Hook;
}

/** An endpoint on the receiver fake, its secret registered there so the fake verifies too. */
async function receiverHook(events = ["delivery.published"], format = "standard") {
  const name = unique("h");
  const url = `${receiver().url}/hooks/${name}`;
  const hook = await createHook({ url, events, format });
  await receiver().seed({ secrets: { [name]: [hook.secret] } });
  return { ...hook, name };
}

/** A delivery of the test workspace turns published: its event, through the real trigger. */
async function publishedEvent(): Promise<string> {
  const d = await seedDelivery({ platform: "sandbox", status: "publishing" });
  await env.DB.prepare("UPDATE deliveries SET status = 'published', permalink = ?, published_at = ? WHERE id = ?").bind(`https://sandbox.test/${d.deliveryId}`, Date.now(), d.deliveryId).run();
  return (await eventsAbout("deliveryId", d.deliveryId))[0]!.id;
}

async function received(name: string) {
  const state = await receiver().state<{ received: Array<{ name: string; id: string; raw: string; json: any; verified: boolean | null; problem: string | null; signature: string | null }> }>();
  return state.received.filter((r) => r.name === name);
}

async function attemptsOf(hookId: string, e = local()) {
  const s = await workspace();
  return ((await (await callWith(e, `/api/webhooks/${hookId}/attempts`, { cookie: s.cookie })).json()) as { attempts: any[] }).attempts;
}

// One workspace for the file (seedDelivery's): each test starts with every endpoint made before it switched off.
beforeEach(async () => {
  await env.DB.prepare("UPDATE webhooks SET enabled = 0 WHERE workspace_id = ?").bind((await workspace()).workspaceId).run();
});

describe("Standard Webhooks signatures", () => {
  it("match the spec's published example byte for byte", async () => {
    // standardwebhooks.com / Svix docs: this secret, id, timestamp and payload sign to this value.
    const sig = await sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(sig).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("an event reaches its endpoint signed: both verifiers accept it, a wrong secret and a replayed timestamp are refused", async () => {
    const hook = await receiverHook();
    const e = local();
    const eventId = await publishedEvent();
    await deliverEvents([{ kind: "event", eventId }], e);
    expect(e.sent).toEqual([{ kind: "webhook", eventId, webhookId: hook.id }]);
    const capture = capturingFetch();
    const sentAt = Date.now();
    // Once through the real network to the receiver fake, once captured to check the bytes here.
    expect((await deliverEvents(e.sent, e)).acked).toHaveLength(1);
    await env.DB.prepare("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = 0 WHERE event_id = ?").bind(eventId).run();
    await deliverToWebhook(e, eventId, hook.id, { fetch: capture.fetch });

    const got = await received(hook.name);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ id: eventId, verified: true, problem: null });
    const req = capture.requests[0]!;
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.headers["webhook-id"]).toBe(eventId);
    expect(Math.abs(Number(req.headers["webhook-timestamp"]) - sentAt / 1000)).toBeLessThan(60);
    // API.md's body: {id, type, createdAt, workspaceId, data}.
    const body = JSON.parse(req.body);
    expect(Object.keys(body)).toEqual(["id", "type", "createdAt", "workspaceId", "data"]);
    expect(body).toMatchObject({ id: eventId, type: "delivery.published", workspaceId: (await workspace()).workspaceId });
    expect(body.data).toMatchObject({ platform: "sandbox", permalink: expect.stringContaining("https://sandbox.test/") });

    expect(await verifyFromSpec(hook.secret, req.headers, req.body, sentAt)).toBe(true);
    // Wrong secret: refused.
    const other = await createHook({ url: "https://example.com/x", events: ["ping"] });
    expect(await verifyFromSpec(other.secret, req.headers, req.body, sentAt)).toBe("no signature matches");
    // A body changed by one byte: refused.
    expect(await verifyFromSpec(hook.secret, req.headers, req.body.replace("sandbox", "sandboy"), sentAt)).toBe("no signature matches");
    // Replayed ten minutes later: outside the tolerance.
    expect(await verifyFromSpec(hook.secret, req.headers, req.body, sentAt + 10 * 60_000)).toBe("timestamp outside tolerance");
    // Replayed with a fresh timestamp but the old signature: the signature covers the timestamp.
    const fresh = { ...req.headers, "webhook-timestamp": String(Math.floor(sentAt / 1000) + 600) };
    expect(await verifyFromSpec(hook.secret, fresh, req.body, sentAt + 600_000)).toBe("no signature matches");
    // The redirect policy is part of the request: never followed.
    expect(req.redirect).toBe("manual");
  });

  it("after a rotation both secrets sign for 24 h, then only the new one", async () => {
    const hook = await createHook({ url: "https://example.com/rotating", events: ["delivery.published"] });
    const s = await workspace();
    const e = local();
    const rotated = (await (await callWith(e, `/api/webhooks/${hook.id}/rotate-secret`, { cookie: s.cookie, body: {} })).json()) as { secret: string };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(hook.secret);

    const capture = capturingFetch();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    await deliverToWebhook(e, eventId, hook.id, { fetch: capture.fetch });
    const now = Date.now();
    const req = capture.requests[0]!;
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(await verifyFromSpec(rotated.secret, req.headers, req.body, now)).toBe(true);
    expect(await verifyFromSpec(hook.secret, req.headers, req.body, now)).toBe(true);

    const later = now + ROTATION_OVERLAP_MS + 60_000;
    const second = await publishedEvent();
    await fanOut(e, [second], later);
    await deliverToWebhook(e, second, hook.id, { fetch: capture.fetch, now: () => later });
    const req2 = capture.requests[1]!;
    expect(req2.headers["webhook-signature"]!.split(" ")).toHaveLength(1);
    expect(await verifyFromSpec(rotated.secret, req2.headers, req2.body, later)).toBe(true);
    expect(await verifyFromSpec(hook.secret, req2.headers, req2.body, later)).toBe("no signature matches");
  });
});

describe("retries", () => {
  it("first retry within 30 s, then growing; every attempt logged; the same webhook-id every time", async () => {
    const hook = await createHook({ url: "https://example.com/flaky", events: ["delivery.published"] });
    const e = local();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    const answers = [new Response("boom", { status: 500, statusText: "Internal Server Error" }), new Response("busy", { status: 503 }), new Response(null, { status: 204 })];
    const capture = capturingFetch((_r, n) => answers[n - 1]!);
    let now = Date.now();
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const out = await deliverEvents([{ kind: "webhook", eventId, webhookId: hook.id }], e, { fetch: capture.fetch, now: () => now, random: () => 0.5 });
      if (out.retried.length) delays.push(out.retried[0]!.delaySeconds);
      now += (delays.at(-1) ?? 0) * 1000 + 1000;
    }
    expect(delays).toEqual([RETRY_DELAYS_S[0], RETRY_DELAYS_S[1]]);
    expect(delays[0]).toBeLessThanOrEqual(30);
    expect(new Set(capture.requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([eventId]));

    const attempts = await attemptsOf(hook.id, e);
    expect(attempts.map((a) => [a.attempt, a.responseStatus])).toEqual([
      [3, 204],
      [2, 503],
      [1, 500],
    ]);
    expect(attempts[2].error).toMatch(/answered 500 Internal Server Error/);
    expect(attempts[2].response).toBe("boom");
    expect(attempts[0].error).toBeUndefined();
    expect(attempts[0].response).toBeUndefined();
    for (const a of attempts) {
      expect(a.eventId).toBe(eventId);
      expect(a.type).toBe("delivery.published");
      expect(a.durationMs).toBeGreaterThanOrEqual(0);
    }
    const list = await (await callWith(e, "/api/webhooks", { cookie: (await workspace()).cookie })).json() as { webhooks: any[] };
    const shown = list.webhooks.find((w) => w.id === hook.id);
    expect(shown.lastSuccessAt).not.toBeNull();
    expect(shown.lastFailureAt).not.toBeNull();
  });

  it("the retries span about 24 hours, then the event is given up", async () => {
    const total = RETRY_DELAYS_S.reduce((a, b) => a + b, 0) / 3600;
    expect(total).toBeGreaterThan(20);
    expect(total).toBeLessThan(28);
    const hook = await createHook({ url: "https://example.com/down", events: ["delivery.published"] });
    const e = local();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    const capture = capturingFetch(() => new Response("down", { status: 502 }));
    let now = Date.now();
    let retried = 0;
    for (let i = 0; i < MAX_ATTEMPTS + 1; i++) {
      const out = await deliverEvents([{ kind: "webhook", eventId, webhookId: hook.id }], e, { fetch: capture.fetch, now: () => now });
      retried += out.retried.length;
      now += 9 * 3600_000;
    }
    expect(capture.requests).toHaveLength(MAX_ATTEMPTS);
    expect(retried).toBe(MAX_ATTEMPTS - 1);
    const pair = await env.DB.prepare("SELECT status, attempts FROM webhook_deliveries WHERE event_id = ?").bind(eventId).first();
    expect(pair).toEqual({ status: "failed", attempts: MAX_ATTEMPTS });
  });

  it("an endpoint failing for 3 days is switched off, and the owners are told (feed and event)", async () => {
    const hook = await createHook({ url: "https://example.com/dead", events: ["delivery.published"] });
    const e = local();
    const now = Date.now();
    await env.DB.prepare("UPDATE webhooks SET failing_since = ? WHERE id = ?").bind(now - DISABLE_AFTER_MS - 60_000, hook.id).run();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    const capture = capturingFetch(() => new Response("gone", { status: 410 }));
    const out = await deliverEvents([{ kind: "webhook", eventId, webhookId: hook.id }], e, { fetch: capture.fetch, now: () => now });
    expect(out.acked).toHaveLength(1);
    const row = await env.DB.prepare("SELECT enabled, disabled_reason FROM webhooks WHERE id = ?").bind(hook.id).first<{ enabled: number; disabled_reason: string }>();
    expect(row!.enabled).toBe(0);
    expect(row!.disabled_reason).toMatch(/failed for 3 days/);
    const disabled = (await eventsAbout("webhookId", hook.id)).filter((x) => x.type === "webhook.disabled");
    expect(disabled).toHaveLength(1);
    expect(e.sent).toContainEqual({ kind: "event", eventId: disabled[0]!.id });
    const s = await workspace();
    const feed = (await (await callWith(e, "/api/notifications?limit=100", { cookie: s.cookie })).json()) as { notifications: any[] };
    expect(feed.notifications.find((n) => n.id === disabled[0]!.id)).toMatchObject({ type: "webhook.disabled", link: "/webhooks", title: expect.stringContaining("example.com") });

    // Switched off: the next event is not sent to it.
    const next = await publishedEvent();
    const fan = envWith({ WEBHOOK_ALLOW_LOOPBACK: "true" });
    await fanOut(fan, [next]);
    expect(fan.sent).toEqual([]);
    // Enabled again by the owner: its streak starts over.
    const res = await callWith(e, `/api/webhooks/${hook.id}`, { cookie: s.cookie, method: "PATCH", body: { enabled: true } });
    expect(await res.json()).toMatchObject({ enabled: true, disabledReason: null });
  });
});

describe("one endpoint never holds up another", () => {
  it("a hanging endpoint times out on its own message while the other is answered at once", async () => {
    const slow = await createHook({ url: "https://slow.example.com/hook", events: ["delivery.published"] });
    const fast = await createHook({ url: "https://fast.example.com/hook", events: ["delivery.published"] });
    const e = local();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    // Each endpoint has its own message.
    expect(e.sent.filter((m) => m.kind === "webhook").map((m) => m.kind === "webhook" && m.webhookId).sort()).toEqual(expect.arrayContaining([slow.id, fast.id]));
    const answeredAt = new Map<string, number>();
    const started = Date.now();
    const hang = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).includes("slow")) {
        return new Promise<Response>((_, reject) => init!.signal!.addEventListener("abort", () => reject(init!.signal!.reason)));
      }
      answeredAt.set("fast", Date.now() - started);
      return new Response("ok");
    }) as typeof fetch;
    await deliverEvents(
      [
        { kind: "webhook", eventId, webhookId: slow.id },
        { kind: "webhook", eventId, webhookId: fast.id },
      ],
      e,
      { fetch: hang, timeoutMs: 1000 },
    );
    expect(answeredAt.get("fast")).toBeLessThan(500);
    const [slowAttempt] = await attemptsOf(slow.id, e);
    const [fastAttempt] = await attemptsOf(fast.id, e);
    expect(slowAttempt).toMatchObject({ responseStatus: null, error: "No answer within 1 s." });
    expect(slowAttempt.durationMs).toBeGreaterThanOrEqual(900);
    expect(fastAttempt).toMatchObject({ responseStatus: 200 });
    expect(Date.parse(fastAttempt.at)).toBeLessThan(Date.parse(slowAttempt.at));
  });
});

describe("no redirects", () => {
  it("a 302 is a failed attempt that says so; the target is never called", async () => {
    const hook = await receiverHook();
    const name = hook.name;
    await receiver().fault({ match: { path: `^/hooks/${name}$` }, action: { status: 302, headers: { location: `${receiver().url}/hooks/${name}-elsewhere` }, body: null } });
    const e = local();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    const out = await deliverEvents([{ kind: "webhook", eventId, webhookId: hook.id }], e);
    expect(out.retried).toHaveLength(1);
    const [attempt] = await attemptsOf(hook.id, e);
    expect(attempt.responseStatus).toBe(302);
    expect(attempt.error).toMatch(/redirect.*not followed/);
    const requests = await receiver().requests();
    expect(requests.filter((r) => r.path.startsWith(`/hooks/${name}`)).map((r) => r.path)).toEqual([`/hooks/${name}`]);
  });
});

describe("duplicates and crashes", () => {
  it("a duplicate event message makes no second pair; a duplicate endpoint message after delivery sends nothing", async () => {
    const hook = await receiverHook();
    const e = local();
    const eventId = await publishedEvent();
    await deliverEvents([{ kind: "event", eventId }, { kind: "event", eventId }], e);
    expect(e.sent).toEqual([{ kind: "webhook", eventId, webhookId: hook.id }]);
    const msg = e.sent[0]!;
    expect((await deliverEvents([msg], e)).acked).toHaveLength(1);
    expect((await deliverEvents([msg, msg], e)).acked).toHaveLength(2);
    expect((await received(hook.name)).map((r) => r.id)).toEqual([eventId]);
  });

  it("a batch's events fan out together: one message per event and endpoint, none for an event already handled", async () => {
    const a = await receiverHook();
    const b = await receiverHook(["delivery.published", "ping"]);
    const e = local();
    const ids = [await publishedEvent(), await publishedEvent(), await publishedEvent()];
    await fanOut(e, [ids[0]!]);
    const before = e.sent.length;
    const out = await deliverEvents(ids.map((eventId) => ({ kind: "event" as const, eventId })), e);
    expect(out.acked).toHaveLength(3);
    const sent = e.sent.slice(before).map((m) => (m.kind === "webhook" ? `${m.eventId}>${m.webhookId}` : m.kind));
    expect(sent.sort()).toEqual([`${ids[1]}>${a.id}`, `${ids[1]}>${b.id}`, `${ids[2]}>${a.id}`, `${ids[2]}>${b.id}`].sort());
  });

  it("a fan-out whose endpoint messages were lost: the relay pass sends them again, once, under the same event id", async () => {
    const hook = await receiverHook();
    const broken = envWith({ WEBHOOK_ALLOW_LOOPBACK: "true", EVENTS_QUEUE: { sendBatch: () => Promise.reject(new Error("queue down")) } as unknown as Queue });
    const eventId = await publishedEvent();
    await expect(fanOut(broken, [eventId])).rejects.toThrow("queue down");
    // The fan-out committed (the event is handled), the message never left.
    expect((await env.DB.prepare("SELECT relay_after FROM events WHERE id = ?").bind(eventId).first())!.relay_after).toBeNull();
    const e = local();
    expect(await resendLostPairs(e, Date.now())).toBe(0);
    // Five minutes pass (the pair travels back in time: the receiver checks timestamps against the real clock).
    await env.DB.prepare("UPDATE webhook_deliveries SET next_attempt_at = next_attempt_at - ? WHERE event_id = ?").bind(LOST_PAIR_AFTER_MS + 1000, eventId).run();
    expect(await resendLostPairs(e, Date.now())).toBeGreaterThanOrEqual(1);
    expect(await resendLostPairs(e, Date.now())).toBe(0);
    const mine = e.sent.filter((m) => m.kind === "webhook" && m.eventId === eventId);
    expect(mine).toEqual([{ kind: "webhook", eventId, webhookId: hook.id }]);
    await deliverEvents(mine, e);
    expect((await received(hook.name)).map((r) => [r.id, r.verified])).toEqual([[eventId, true]]);
  });
});

describe("the dead-letter queue", () => {
  it("an event message that always crashed is marked handled; an endpoint's is failed, with an attempt that says so", async () => {
    const hook = await createHook({ url: "https://example.com/dlq", events: ["delivery.published"] });
    const e = local();
    const eventId = await publishedEvent();
    await fanOut(e, [eventId]);
    const other = await publishedEvent();
    const out = await deliverBatch(
      "brandcast-events-dlq",
      [
        { kind: "event" as const, eventId: other },
        { kind: "webhook" as const, eventId, webhookId: hook.id },
      ],
      (batch) => handleEventsDeadLetters(batch, e),
    );
    expect(out.acked).toHaveLength(2);
    const ev = await env.DB.prepare("SELECT relay_after, handled_at FROM events WHERE id = ?").bind(other).first<{ relay_after: number | null; handled_at: number | null }>();
    expect(ev!.relay_after).toBeNull();
    expect(ev!.handled_at).not.toBeNull();
    expect(await env.DB.prepare("SELECT status FROM webhook_deliveries WHERE event_id = ? AND webhook_id = ?").bind(eventId, hook.id).first()).toEqual({ status: "failed" });
    const [attempt] = await attemptsOf(hook.id, e);
    expect(attempt).toMatchObject({ eventId, type: "delivery.published", responseStatus: null, error: expect.stringMatching(/repeated crashes/) });
  });
});

describe("Slack and Discord", () => {
  async function bodyFor(format: "slack" | "discord"): Promise<Captured> {
    const hook = await createHook({ url: `https://${format}.example.com/hook`, events: ["delivery.failed"], format });
    const e = envWith({ WEBHOOK_ALLOW_LOOPBACK: "true", PUBLIC_BASE_URL: "https://app.example.com" });
    const d = await seedDelivery({ platform: "instagram", status: "publishing" });
    await env.DB.prepare("UPDATE deliveries SET status = 'failed', error_class = 'permanent', last_error = ? WHERE id = ?").bind("The caption is longer than 2,200 characters.", d.deliveryId).run();
    const eventId = (await eventsAbout("deliveryId", d.deliveryId))[0]!.id;
    await fanOut(e, [eventId]);
    const capture = capturingFetch();
    await deliverToWebhook(e, eventId, hook.id, { fetch: capture.fetch });
    expect(capture.requests).toHaveLength(1);
    return capture.requests[0]!;
  }

  it("slack: a readable message (what, which brand and platform, a link), unsigned", async () => {
    const req = await bodyFor("slack");
    const msg = JSON.parse(req.body);
    expect(msg.text).toMatch(/^\*<https:\/\/app\.example\.com\/calendar\?item=sch_[^|]+\|“A title” failed on Instagram>\*\n/);
    expect(msg.text).toContain("Brand: The caption is longer than 2,200 characters.");
    expect(req.headers["webhook-signature"]).toBeUndefined();
  });

  it("discord: a readable message with a link, and no mentions", async () => {
    const req = await bodyFor("discord");
    const msg = JSON.parse(req.body);
    expect(msg.content).toMatch(/^\*\*“A title” failed on Instagram\*\*\nBrand: The caption is longer than 2,200 characters\.\n<https:\/\/app\.example\.com\/calendar\?item=sch_/);
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    expect(req.headers["webhook-signature"]).toBeUndefined();
  });
});

describe("send test", () => {
  it("pings that endpoint alone, once, even when it is switched off or subscribed to nothing else", async () => {
    const hook = await receiverHook(["burst.empty"]);
    const bystander = await receiverHook(["ping", "delivery.published"]);
    const s = await workspace();
    const e = local();
    await callWith(e, `/api/webhooks/${hook.id}`, { cookie: s.cookie, method: "PATCH", body: { enabled: false } });
    const res = await callWith(e, `/api/webhooks/${hook.id}/test`, { cookie: s.cookie, body: {} });
    expect(res.status).toBe(202);
    const { eventId } = (await res.json()) as { eventId: string };
    expect(e.sent).toEqual([{ kind: "event", eventId }]);
    await deliverEvents(e.sent, e);
    await deliverEvents(e.sent.slice(1), e);
    const got = await received(hook.name);
    expect(got.map((r) => [r.id, r.json.type, r.verified])).toEqual([[eventId, "ping", true]]);
    expect(await received(bystander.name)).toEqual([]);
    const [attempt] = await attemptsOf(hook.id, e);
    expect(attempt).toMatchObject({ eventId, type: "ping", attempt: 1, responseStatus: 200 });
  });

  it("a failed ping is not retried: the person sees its answer and presses again", async () => {
    const hook = await receiverHook(["ping"]);
    await receiver().fault({ match: { path: `^/hooks/${hook.name}$` }, action: { status: 404, body: { error: "no such hook" } } });
    const s = await workspace();
    const e = local();
    const { eventId } = (await (await callWith(e, `/api/webhooks/${hook.id}/test`, { cookie: s.cookie, body: {} })).json()) as { eventId: string };
    await deliverEvents([{ kind: "event", eventId }], e);
    const out = await deliverEvents(e.sent.slice(1), e);
    expect(out.retried).toEqual([]);
    const [attempt] = await attemptsOf(hook.id, e);
    expect(attempt).toMatchObject({ responseStatus: 404, error: expect.stringMatching(/answered 404/), response: expect.stringContaining("no such hook") });
  });
});

describe("send-time checks", () => {
  it("a loopback URL saved while allowed is not called once WEBHOOK_ALLOW_LOOPBACK is off", async () => {
    const hook = await receiverHook();
    const strict = envWith({ WEBHOOK_ALLOW_LOOPBACK: "false" });
    const eventId = await publishedEvent();
    await fanOut(strict, [eventId]);
    await deliverEvents([{ kind: "webhook", eventId, webhookId: hook.id }], strict);
    expect(await received(hook.name)).toEqual([]);
    const [attempt] = await attemptsOf(hook.id, strict);
    expect(attempt).toMatchObject({ responseStatus: null, error: expect.stringMatching(/^Not sent: .*loopback/) });
  });
});
