// Email, if configured (issue 18 item 8): with a `send_email` binding and a
// sender, owners get needs-attention events as a digest, at most one an hour
// per workspace, none lost in between; without it nothing breaks and the
// webhooks page says email is off.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { fanOut } from "../../worker/notifications/consumer";
import { DIGEST_EVERY_MS, sendDueDigests } from "../../worker/notifications/digest";
import { eventInsert } from "../../worker/notifications/outbox";
import { addMember, signup, type Session } from "../support/fixtures";
import { callWith, envWith } from "./support";

interface Sent {
  from: { name: string; email: string };
  to: string;
  subject: string;
  text: string;
  html: string;
}

function mailer(fail = false) {
  const sent: Sent[] = [];
  const EMAIL = { send: async (m: Sent) => (fail ? Promise.reject(new Error("sending domain not verified")) : (sent.push(m), { messageId: "m" })) } as unknown as SendEmail;
  return { sent, env: envWith({ EMAIL, EMAIL_FROM: "notify@brandcast.example", PUBLIC_BASE_URL: "https://app.example.com" }) };
}

/** An event of the workspace written and fanned out, as the queue would. */
async function happen(e: Env, s: Session, type: "delivery.failed" | "delivery.published" | "account.needs_reconnect", data: Record<string, unknown>, now = Date.now()) {
  const id = `evt_${crypto.randomUUID().replace(/-/g, "").slice(0, 24)}`;
  await env.DB.batch([eventInsert(env.DB, { workspaceId: s.workspaceId, type, data: { json: data } }, id)]);
  await fanOut(e, [id], now);
  return id;
}

describe("email digest", () => {
  it("owners (not other members) get one digest at once, the next no sooner than an hour later, nothing lost between", async () => {
    const s = await signup();
    const editor = await signup();
    await addMember(s.workspaceId, editor.userId, "editor");
    const m = mailer();
    const t0 = Date.now();
    await happen(m.env, s, "delivery.failed", { brandName: "Calm Kitchen", platform: "instagram", title: "Five breakfasts", error: "The video is too long.", scheduleId: "sch_1" }, t0);
    expect(m.sent).toHaveLength(1);
    expect(m.sent[0]).toMatchObject({ to: s.email, from: { name: "Brandcast", email: "notify@brandcast.example" } });
    expect(m.sent[0]!.subject).toMatch(/1 thing needs your attention/);
    expect(m.sent[0]!.text).toContain("“Five breakfasts” failed on Instagram");
    expect(m.sent[0]!.text).toContain("Calm Kitchen: The video is too long.");
    expect(m.sent[0]!.text).toContain("https://app.example.com/calendar?item=sch_1");
    expect(m.sent[0]!.html).toContain('<a href="https://app.example.com/calendar?item=sch_1">');

    // Within the hour: nothing more is sent, but nothing is forgotten. Published posts are not mailed at all.
    await happen(m.env, s, "account.needs_reconnect", { brandName: "Calm Kitchen", platform: "youtube", reason: "Token revoked.", brandId: "brd_1" }, t0 + 60_000);
    await happen(m.env, s, "delivery.published", { brandName: "Calm Kitchen", platform: "youtube" }, t0 + 120_000);
    expect(await sendDueDigests(m.env, t0 + 30 * 60_000)).toBe(0);
    expect(m.sent).toHaveLength(1);

    expect(await sendDueDigests(m.env, t0 + DIGEST_EVERY_MS + 1000)).toBe(1);
    expect(m.sent).toHaveLength(2);
    expect(m.sent[1]!.text).toContain("Reconnect Calm Kitchen's YouTube account");
    expect(m.sent[1]!.text).not.toContain("Five breakfasts");
    expect(m.sent[1]!.text).not.toContain("is live");
    // Nothing left: the next pass sends nothing.
    expect(await sendDueDigests(m.env, t0 + 3 * DIGEST_EVERY_MS)).toBe(0);
  });

  it("a send that fails stays pending and goes out with the next pass after the hour", async () => {
    const s = await signup();
    const broken = mailer(true);
    const t0 = Date.now();
    await happen(broken.env, s, "delivery.failed", { brandName: "B", platform: "facebook", error: "No." }, t0);
    const ok = mailer();
    expect(await sendDueDigests(ok.env, t0 + DIGEST_EVERY_MS + 1000)).toBe(1);
    expect(ok.sent.map((x) => x.to)).toEqual([s.email]);
    expect(ok.sent[0]!.text).toContain("failed on Facebook");
  });

  it("without the binding nothing is marked or sent, and the webhooks page says email is off", async () => {
    const s = await signup();
    const e = envWith();
    await happen(e, s, "delivery.failed", { error: "No." });
    expect(await env.DB.prepare("SELECT count(*) AS n FROM email_digests WHERE workspace_id = ?").bind(s.workspaceId).first()).toEqual({ n: 0 });
    expect(await sendDueDigests(e)).toBe(0);
    const off = (await (await callWith(e, "/api/webhooks", { cookie: s.cookie })).json()) as { email: { enabled: boolean } };
    expect(off.email).toEqual({ enabled: false });
    const on = (await (await callWith(mailer().env, "/api/webhooks", { cookie: s.cookie })).json()) as { email: { enabled: boolean } };
    expect(on.email).toEqual({ enabled: true });
  });
});
