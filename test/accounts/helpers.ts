// Fixtures for the connect flows: drive the consent page like a browser
// (follow the fake's redirect by hand), come back to the callback with a
// session cookie, and read what was stored.
import { createExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { readCredentials, type AccountRow } from "../../worker/accounts/credentials";
import { createApp } from "../../worker/app";
import type { Env } from "../../worker/env";
import { fakeUrl } from "../fakes/admin";
import { call, createBrand, json, ORIGIN, PASSWORD, type Session } from "../support/fixtures";

/**
 * One social account, one brand (REGRESSIONS #25): the fakes grant the same
 * Pages, accounts and channels in every test of a file (storage is per file),
 * so each test ends by forgetting the accounts it connected.
 */
export async function forgetAccounts() {
  await env.DB.exec("DELETE FROM platform_accounts");
}

/** The facebook fake's default Pages (test/fakes/oauth-meta.mjs): one with a linked Instagram account, one without. */
export const META_PAGES = [
  { id: "101000000000001", name: "Daily Habits", igUserId: "17841400000000001", igUsername: "dailyhabits" },
  { id: "101000000000002", name: "Money Minute" },
];

/** After each Facebook Login test: no accounts left, and the fake's switches as they were. */
export async function resetMetaAfterTest() {
  await forgetAccounts();
  await seedPlugin("facebook", "oauth-meta", { deny: false, declined: [], pages: META_PAGES });
}

/** Flips a fake OAuth plugin's switches (`POST /__admin/seed/<plugin>`). */
export async function seedPlugin(fake: string, plugin: string, input: Record<string, unknown>) {
  const res = await fetch(`${fakeUrl(fake)}/__admin/seed/${plugin}`, { method: "POST", body: JSON.stringify(input) });
  expect(res.status).toBe(200);
}

export async function startConnect(s: Session, brandId: string, platform: string, body: Record<string, unknown> = {}): Promise<URL> {
  const res = await json<{ authorizeUrl: string }>(`/api/brands/${brandId}/accounts/${platform}/connect`, { ...s, body }, 200);
  return new URL(res.authorizeUrl);
}

/** What the provider's consent page redirects the browser to (the callback URL, with code or error). */
export async function consent(authorizeUrl: URL): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: "manual" });
  expect(res.status, await res.clone().text()).toBe(302);
  return new URL(res.headers.get("location")!);
}

export interface Landing {
  path: string;
  params: URLSearchParams;
  error: string | null;
}

/** The browser arriving at our callback with (or without) its session cookie; where it is sent next. */
export async function callback(url: URL | string, cookie?: string): Promise<Landing> {
  const u = new URL(url);
  const res = await exports.default.fetch(new Request(`${ORIGIN}${u.pathname}${u.search}`, { headers: cookie ? { cookie } : {}, redirect: "manual" }));
  expect(res.status, await res.clone().text()).toBe(302);
  const to = new URL(res.headers.get("location")!, ORIGIN);
  return { path: to.pathname, params: to.searchParams, error: to.searchParams.get("connect_error") };
}

/**
 * Connects `platform` for one brand, then replays that flow's (spent) code in
 * a fresh flow for a second brand: the provider must refuse it.
 */
export async function callbackWithReusedCode(s: Session, platform: string) {
  const first = await createBrand(s);
  const { back } = await connectThrough(s, first.id, platform);
  const second = await createBrand(s);
  const fresh = await consent(await startConnect(s, second.id, platform));
  const code = back.searchParams.get("code")!;
  fresh.searchParams.set("code", code);
  return { second, code, landing: await callback(fresh, s.cookie) };
}

/** connect → consent → callback, as one person in one session. */
export async function connectThrough(s: Session, brandId: string, platform: string, body: Record<string, unknown> = {}) {
  const authorize = await startConnect(s, brandId, platform, body);
  const back = await consent(authorize);
  return { authorize, back, landing: await callback(back, s.cookie) };
}

export async function accountRow(brandId: string, platform: string): Promise<AccountRow | null> {
  return env.DB.prepare("SELECT * FROM platform_accounts WHERE brand_id = ? AND platform = ?").bind(brandId, platform).first<AccountRow>();
}

export async function storedToken(brandId: string, platform: string) {
  const row = await accountRow(brandId, platform);
  expect(row, `${platform} account of ${brandId}`).not.toBeNull();
  return readCredentials(env, row!);
}

/** A refusal: the browser lands on the brand's page (or the brand list) with words, and no account row exists. */
export async function expectRefusedAndNothingStored(landing: Landing, brandId: string, platform: string, words: RegExp) {
  expect(landing.error, JSON.stringify(Object.fromEntries(landing.params))).toMatch(words);
  expect(landing.error!.length).toBeGreaterThan(20);
  expect(await accountRow(brandId, platform)).toBeNull();
  const n = await env.DB.prepare("SELECT COUNT(*) AS n FROM account_candidates c JOIN platform_accounts a ON a.id = c.account_id WHERE a.brand_id = ?")
    .bind(brandId)
    .first<{ n: number }>();
  expect(n!.n).toBe(0);
}

/** A second session for the same person (another browser). */
export async function secondSession(s: Session): Promise<string> {
  const res = await call("/api/auth/login", { body: { email: s.email, password: PASSWORD } });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

/** The app against a modified environment (missing secrets, other keys). */
export async function fetchWithEnv(patch: Partial<Env>, path: string, init: { cookie: string; method?: string; body?: unknown }) {
  const req = new Request(`${ORIGIN}${path}`, {
    method: init.method ?? (init.body !== undefined ? "POST" : "GET"),
    headers: { cookie: init.cookie, origin: ORIGIN, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return createApp().fetch(req, { ...env, ...patch } as Env, createExecutionContext());
}

/** A schedule of the brand with a queued delivery on the account, as the dispatch claim leaves it. */
export async function queuedDelivery(s: Session, brandId: string, platform: string, accountId: string): Promise<string> {
  const { createReadyJob, scheduleOne } = await import("../support/fixtures");
  const job = await createReadyJob(s, [brandId]);
  const res = await scheduleOne(s, job.jobId, brandId);
  expect(res.status, await res.clone().text()).toBe(201);
  const schedule = (await res.json()) as { scheduleId: string };
  const row = await env.DB.prepare(
    `INSERT INTO deliveries (id, schedule_id, workspace_id, platform, account_id, status) VALUES (?, ?, ?, ?, ?, 'queued')
     ON CONFLICT (schedule_id, platform) DO UPDATE SET status = 'queued', account_id = excluded.account_id RETURNING id`,
  )
    .bind(`dlv_${crypto.randomUUID()}`, schedule.scheduleId, s.workspaceId, platform, accountId)
    .first<{ id: string }>();
  return row!.id;
}

export async function deliveryRow(id: string) {
  return env.DB.prepare("SELECT status, error_class, last_error FROM deliveries WHERE id = ?").bind(id).first<{ status: string; error_class: string | null; last_error: string | null }>();
}
