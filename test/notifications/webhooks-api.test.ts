// The webhooks API (API.md "Notifications and webhooks"): owners manage
// endpoints; the secret is shown once and sealed at rest; every other member
// sees where they go but not the URL; bad input (an unsafe URL, an unknown
// event, another workspace's webhook) is a 4xx that changes nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, expectClientError, json, signup, type Session } from "../support/fixtures";
import { callWith, envWith } from "./support";

const e = envWith();
const post = (s: Session, path: string, body: unknown) => callWith(e, path, { cookie: s.cookie, body });
const webhookRows = (workspaceId: string) => env.DB.prepare("SELECT * FROM webhooks WHERE workspace_id = ? ORDER BY id").bind(workspaceId).all().then((r) => r.results);

async function create(s: Session, body: Record<string, unknown> = {}) {
  const res = await post(s, "/api/webhooks", { url: "https://hooks.example.com/brandcast", events: ["delivery.failed", "account.needs_reconnect"], ...body });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; secret: string; url: string; events: string[]; format: string; enabled: boolean };
}

describe("webhooks API", () => {
  it("an owner creates, lists, edits, disables and deletes an endpoint; the secret is shown once", async () => {
    const s = await signup();
    const hook = await create(s, { description: "Ops channel" });
    expect(hook).toMatchObject({
      url: "https://hooks.example.com/brandcast",
      events: ["delivery.failed", "account.needs_reconnect"],
      format: "standard",
      description: "Ops channel",
      enabled: true,
      lastSuccessAt: null,
      lastFailureAt: null,
      disabledReason: null,
    });
    expect(hook.id).toMatch(/^whk_/);
    // whsec_ and base64 of 32 random bytes (Standard Webhooks: 24 to 64).
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+={0,2}$/);
    expect(atob(hook.secret.slice(6)).length).toBe(32);

    const list = await json<{ webhooks: any[]; email: { enabled: boolean } }>("/api/webhooks", s, 200);
    expect(list.webhooks.map((w) => w.id)).toEqual([hook.id]);
    expect(JSON.stringify(list)).not.toContain(hook.secret);
    expect(list.email).toEqual({ enabled: false });

    const edited = await json(`/api/webhooks/${hook.id}`, { ...s, method: "PATCH", body: { url: "https://other.example.com/in", events: ["burst.empty"], description: "" } }, 200);
    expect(edited).toMatchObject({ url: "https://other.example.com/in", events: ["burst.empty"], description: "" });
    const off = await json(`/api/webhooks/${hook.id}`, { ...s, method: "PATCH", body: { enabled: false } }, 200);
    expect(off).toMatchObject({ enabled: false, disabledReason: expect.stringMatching(/^Switched off by /) });
    const on = await json(`/api/webhooks/${hook.id}`, { ...s, method: "PATCH", body: { enabled: true } }, 200);
    expect(on).toMatchObject({ enabled: true, disabledReason: null });

    expect((await callWith(e, `/api/webhooks/${hook.id}`, { cookie: s.cookie, method: "DELETE" })).status).toBe(204);
    expect((await json<{ webhooks: unknown[] }>("/api/webhooks", s, 200)).webhooks).toEqual([]);
  });

  it("seals the URL and the secrets at rest; only the host is in the clear", async () => {
    const s = await signup();
    const hook = await create(s, { url: "https://hooks.slack.com/services/T0/B0/SECRETPATH", format: "slack" });
    const [row] = (await webhookRows(s.workspaceId)) as Array<Record<string, unknown>>;
    const stored = JSON.stringify(row);
    expect(stored).not.toContain("SECRETPATH");
    expect(stored).not.toContain(hook.secret.slice(6, 20));
    expect(row!.sealed).toMatch(/^v1\./);
    expect(row!.host).toBe("hooks.slack.com");
  });

  it("editors and viewers see the endpoints but not their URLs, and cannot change them", async () => {
    const s = await signup();
    const hook = await create(s, { url: "https://discord.com/api/webhooks/1/SECRETTOKEN", format: "discord" });
    for (const role of ["editor", "viewer"] as const) {
      const m = await signup();
      await addMember(s.workspaceId, m.userId, role);
      const as = { cookie: m.cookie, workspace: s.workspaceId };
      const list = await json<{ webhooks: any[] }>("/api/webhooks", as, 200);
      expect(list.webhooks[0]).toMatchObject({ id: hook.id, url: "https://discord.com/…", format: "discord" });
      expect(JSON.stringify(list)).not.toContain("SECRETTOKEN");
      expect((await json<{ attempts: unknown[] }>(`/api/webhooks/${hook.id}/attempts`, as, 200)).attempts).toEqual([]);
      const before = await webhookRows(s.workspaceId);
      for (const [method, path, body] of [
        ["POST", "/api/webhooks", { url: "https://x.example.com/", events: ["ping"] }],
        ["PATCH", `/api/webhooks/${hook.id}`, { enabled: false }],
        ["DELETE", `/api/webhooks/${hook.id}`, undefined],
        ["POST", `/api/webhooks/${hook.id}/rotate-secret`, {}],
        ["POST", `/api/webhooks/${hook.id}/test`, {}],
      ] as const) {
        await expectClientError(await callWith(e, path, { ...as, method, body }), 403, "forbidden", `${role} ${method} ${path}`);
      }
      expect(await webhookRows(s.workspaceId)).toEqual(before);
    }
  });

  it("another workspace's webhook is not found, for every route, and nothing changes", async () => {
    const owner = await signup();
    const hook = await create(owner);
    const stranger = await signup();
    const before = await webhookRows(owner.workspaceId);
    for (const [method, path, body] of [
      ["PATCH", `/api/webhooks/${hook.id}`, { enabled: false }],
      ["DELETE", `/api/webhooks/${hook.id}`, undefined],
      ["POST", `/api/webhooks/${hook.id}/rotate-secret`, {}],
      ["POST", `/api/webhooks/${hook.id}/test`, {}],
      ["GET", `/api/webhooks/${hook.id}/attempts`, undefined],
    ] as const) {
      await expectClientError(await callWith(e, path, { cookie: stranger.cookie, method, body }), 404, "not_found", `${method} ${path}`);
    }
    expect(await webhookRows(owner.workspaceId)).toEqual(before);
    expect((await json<{ webhooks: unknown[] }>("/api/webhooks", stranger, 200)).webhooks).toEqual([]);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM events WHERE workspace_id IN (?, ?)").bind(owner.workspaceId, stranger.workspaceId).first()).toEqual({ n: 0 });
  });

  it("an unsafe URL is 400 invalid_webhook_url in words, on create and on edit, and writes nothing", async () => {
    const s = await signup();
    const hook = await create(s);
    const before = await webhookRows(s.workspaceId);
    for (const url of [
      "http://hooks.example.com/x",
      "https://user:pw@hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://2130706433/x",
      "https://0x7f000001/x",
      "https://[::1]/x",
      "https://[::ffff:169.254.169.254]/x",
      "https://10.1.2.3/x",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost:8787/x",
      "https://api.localhost/x",
      "https://[fd00::1]/x",
    ]) {
      const err = await expectClientError(await post(s, "/api/webhooks", { url, events: ["ping"] }), 400, "invalid_webhook_url", url);
      expect(err.message).toMatch(/https|credentials|public hosts|loopback/);
      await expectClientError(await callWith(e, `/api/webhooks/${hook.id}`, { cookie: s.cookie, method: "PATCH", body: { url } }), 400, "invalid_webhook_url", url);
    }
    expect(await webhookRows(s.workspaceId)).toEqual(before);
  });

  it("loopback is allowed only when the Worker runs with WEBHOOK_ALLOW_LOOPBACK=true", async () => {
    const s = await signup();
    const url = "http://127.0.0.1:9999/hooks/local";
    await expectClientError(await post(s, "/api/webhooks", { url, events: ["ping"] }), 400, "invalid_webhook_url");
    const res = await callWith(envWith({ WEBHOOK_ALLOW_LOOPBACK: "true" }), "/api/webhooks", { cookie: s.cookie, body: { url, events: ["ping"] } });
    expect(res.status).toBe(201);
  });

  it("an unknown event, an unknown format, no events or an unknown field are 400, and write nothing", async () => {
    const s = await signup();
    for (const body of [
      { url: "https://a.example.com/", events: ["delivery.exploded"] },
      { url: "https://a.example.com/", events: ["webhook.disabled"] },
      { url: "https://a.example.com/", events: [] },
      { url: "https://a.example.com/", events: ["ping"], format: "teams" },
      { url: "https://a.example.com/", events: ["ping"], secret: "whsec_mine" },
      { events: ["ping"] },
    ]) {
      await expectClientError(await post(s, "/api/webhooks", body), 400, "invalid_input", JSON.stringify(body));
    }
    expect(await webhookRows(s.workspaceId)).toEqual([]);
    const hook = await create(s);
    for (const body of [{}, { format: "slack" }, { events: ["nope"] }, { enabled: "yes" }]) {
      await expectClientError(await callWith(e, `/api/webhooks/${hook.id}`, { cookie: s.cookie, method: "PATCH", body }), 400, "invalid_input", JSON.stringify(body));
    }
  });

  it("rotating shows the new secret once; the list never shows any", async () => {
    const s = await signup();
    const hook = await create(s);
    const { secret } = await json<{ secret: string }>(`/api/webhooks/${hook.id}/rotate-secret`, { ...s, body: {} }, 200);
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(hook.secret);
    expect(JSON.stringify(await json("/api/webhooks", s, 200))).not.toMatch(/whsec_/);
  });
});

describe("key rotation", () => {
  it("the refresh pass re-seals webhooks under the new key, after which the new key alone reads them", async () => {
    const s = await signup();
    const hook = await create(s, { url: "https://hooks.example.com/rotating-key" });
    // 32 random bytes as base64: the next TOKEN_ENCRYPTION_KEY.
    const next = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const rotating = envWith({ TOKEN_ENCRYPTION_KEY: next, TOKEN_ENCRYPTION_KEY_PREVIOUS: env.TOKEN_ENCRYPTION_KEY });
    const onlyNew = envWith({ TOKEN_ENCRYPTION_KEY: next });
    // Before the pass the new key alone cannot open it: the list still answers, with the host only.
    const before = (await (await callWith(onlyNew, "/api/webhooks", { cookie: s.cookie })).json()) as { webhooks: Array<{ url: string }> };
    expect(before.webhooks.map((w) => w.url)).toEqual(["https://hooks.example.com/…"]);
    const { runRefresh, workspacesToRefresh } = await import("../../worker/accounts/refresh");
    const due = async () => (await workspacesToRefresh(rotating, { after: "", now: Date.now(), limit: 100_000 })).map((r) => r.id);
    expect(await due()).toContain(s.workspaceId);
    expect((await runRefresh(rotating, s.workspaceId)).failed).toBe(0);
    expect(await due()).not.toContain(s.workspaceId);
    const list = (await (await callWith(onlyNew, "/api/webhooks", { cookie: s.cookie })).json()) as { webhooks: Array<{ id: string; url: string }> };
    expect(list.webhooks).toEqual([expect.objectContaining({ id: hook.id, url: "https://hooks.example.com/rotating-key" })]);
  });
});
