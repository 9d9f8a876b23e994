// Shared by the insights protocol tests (and the metrics bench): an
// InsightsContext as the sampler builds one, posts made through the fakes' own
// publishing endpoints (so the fakes measure what they published), the
// insights seed, and the platform calls a client call made, read from the
// fakes' request logs.
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { platformConfig, type PlatformConfig, type PublishAccount } from "../../worker/publishing/types";
import { InsightsError, type InsightsContext, type PostRef } from "../../worker/analytics/types";
import { fakeAdmin, type LoggedRequest } from "../fakes/admin";

export const ig = fakeAdmin("instagram");
export const fb = fakeAdmin("facebook");
export const yt = fakeAdmin("youtube");
export type Admin = ReturnType<typeof fakeAdmin>;

let n = 0;
/** Numeric-looking ids unique within a run (the fakes are shared by the files of the worker-fakes project). */
export const uid = () => `${Date.now() % 1e9}${String(n++).padStart(4, "0")}`;

/** `POST /__admin/seed/insights` (test/fakes/insights-common.mjs lists the options). */
export async function seedInsights(admin: Admin, input: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${admin.url}/__admin/seed/insights`, { method: "POST", body: JSON.stringify(input) });
  if (!res.ok) throw new Error(`seed/insights on ${admin.url}: HTTP ${res.status}`);
}

/** Puts every insights option back (faults are global to a fake). */
export const resetInsights = (admin: Admin) => seedInsights(admin, { reset: true });

export interface ContextOptions {
  account: Omit<PublishAccount, "id">;
  config?: Partial<PlatformConfig>;
  /** Returns the new token (or throws InsightsError); refreshAccessToken may be called once. */
  refresh?: () => Promise<string>;
  now?: () => number;
  envOverrides?: Record<string, string>;
}

export interface TestContext extends InsightsContext {
  refreshes: number;
}

export function insightsContext(opts: ContextOptions): TestContext {
  const config = { ...platformConfig(env), requestTimeoutMs: 10_000, ...opts.config };
  const account: PublishAccount = { id: `acct-${uid()}`, ...opts.account };
  const ctx: TestContext = {
    env: opts.envOverrides ? { ...env, ...opts.envOverrides } : env,
    account,
    config,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(config.requestTimeoutMs) }),
    now: opts.now ?? (() => Date.now()),
    refreshes: 0,
    async refreshAccessToken() {
      ctx.refreshes++;
      if (ctx.refreshes > 1) throw new Error("refreshAccessToken called twice in one client call");
      if (!opts.refresh) throw new InsightsError("reconnect", "no refresh in this test");
      account.accessToken = await opts.refresh();
      return account.accessToken;
    },
  };
  return ctx;
}

export function postRef(publishedId: string, contentType: "reel" | "post", publishedAt = Date.now()): PostRef {
  return { deliveryId: `dlv-${publishedId}`, publishedId, contentType, publishedAt, checkpoint: {} };
}

/** A promise's InsightsError (fails the test if it resolved or threw something else). */
export async function insightsFailure(p: Promise<unknown>): Promise<InsightsError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InsightsError);
  return err as InsightsError;
}

/** Requests logged by `admin` after `mark` (the log's length before the client call). */
export async function requestsAfter(admin: Admin, mark: number): Promise<LoggedRequest[]> {
  return (await admin.requests()).slice(mark);
}

export const logLength = async (admin: Admin) => (await admin.requests()).length;

/**
 * The platform calls a client call made, across the three fakes: what
 * `metrics_platform_calls_per_post` counts. Only valid while nothing else uses
 * the fakes (the worker-fakes project runs its files one at a time).
 */
export async function countPlatformCalls<T>(fn: () => Promise<T>): Promise<{ result: T; calls: number }> {
  const admins = [ig, fb, yt];
  const before = await Promise.all(admins.map(logLength));
  const result = await fn();
  const after = await Promise.all(admins.map(logLength));
  return { result, calls: after.reduce((sum, a, i) => sum + a - before[i]!, 0) };
}

/**
 * The fakes' numbers only grow, so a reading taken between two instants of a
 * fake's clock lies between its numbers at those instants.
 */
export function expectBetween(values: Record<string, number | null>, lo: Record<string, number>, hi: Record<string, number>, metrics: readonly string[]) {
  for (const m of metrics) {
    expect(values[m], m).toBeGreaterThanOrEqual(lo[m]!);
    expect(values[m], m).toBeLessThanOrEqual(hi[m]!);
  }
}

/** The fake's clock now (ms). */
export async function fakeNow(admin: Admin): Promise<number> {
  const res = await fetch(`${admin.url}/__admin/clock`, { method: "POST", body: "{}" });
  return ((await res.json()) as { now: number }).now;
}

// ---------------------------------------------------------------- publishing through the fakes

async function graphPost<T>(base: string, path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(`${base}/v25.0/${path}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(form).toString() });
  const body = (await res.json()) as T & { error?: unknown };
  if (!res.ok || body.error) throw new Error(`fake publish ${path}: ${JSON.stringify(body)}`);
  return body;
}

/** An Instagram post or reel on the fake at `admin` (graph.instagram.com, or graph.facebook.com for Facebook Login), published now. */
export async function publishInstagram(admin: Admin, igUserId: string, token: string, kind: "reel" | "post"): Promise<string> {
  const media: Record<string, string> = kind === "reel" ? { media_type: "REELS", video_url: `http://app.test/media/${uid()}.mp4` } : { image_url: `http://app.test/media/${uid()}.jpg` };
  const { id: container } = await graphPost<{ id: string }>(admin.url, `${igUserId}/media`, { ...media, caption: `Insights ${uid()}`, access_token: token });
  if (kind === "reel") await admin.advance(60_000); // the fake processes reels for 30 s
  const { id } = await graphPost<{ id: string }>(admin.url, `${igUserId}/media_publish`, { creation_id: container, access_token: token });
  return id;
}

/** A Facebook photo post (its `{page}_{post}` id) or reel (its video id), published now. */
export async function publishFacebook(pageId: string, token: string, kind: "reel" | "post"): Promise<string> {
  if (kind === "post") {
    const res = await graphPost<{ id: string; post_id: string }>(fb.url, `${pageId}/photos`, { url: `http://app.test/media/${uid()}.jpg`, message: `Insights ${uid()}`, published: "true", access_token: token });
    return res.post_id;
  }
  const { video_id } = await graphPost<{ video_id: string }>(fb.url, `${pageId}/video_reels`, { upload_phase: "start", access_token: token });
  const upload = await fetch(`${fb.url}/video-upload/v25.0/${video_id}`, { method: "POST", headers: { authorization: `OAuth ${token}`, file_url: `http://app.test/media/${uid()}.mp4`, offset: "0", file_size: "3000" } });
  if (!upload.ok) throw new Error(`fake rupload: HTTP ${upload.status}`);
  await graphPost(fb.url, `${pageId}/video_reels`, { upload_phase: "finish", video_id, video_state: "PUBLISHED", description: `Reel ${uid()}`, access_token: token });
  return video_id;
}

/** A YouTube video uploaded in one PUT through the resumable protocol. */
export async function uploadYouTube(accessToken: string): Promise<string> {
  const bytes = new Uint8Array(16).fill(7);
  const start = await fetch(`${yt.url}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json; charset=UTF-8", "x-upload-content-length": String(bytes.length), "x-upload-content-type": "video/mp4" },
    body: JSON.stringify({ snippet: { title: `Short ${uid()}`, categoryId: "22" }, status: { privacyStatus: "public", selfDeclaredMadeForKids: false } }),
  });
  const session = start.headers.get("location");
  if (!session) throw new Error(`fake upload session: HTTP ${start.status} ${await start.text()}`);
  const put = await fetch(session, { method: "PUT", headers: { authorization: `Bearer ${accessToken}`, "content-type": "video/mp4" }, body: bytes });
  const video = (await put.json()) as { id?: string };
  if (!video.id) throw new Error(`fake upload: HTTP ${put.status} ${JSON.stringify(video)}`);
  return video.id;
}
