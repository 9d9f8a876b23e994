// The Instagram client against the fake Instagram Graph (PLATFORMS.md §1, §5,
// §6.1): every request of each happy path checked against the protocol, and
// each fault in §6.1's list ending in the right outcome, never a duplicate.
import { describe, expect, it } from "vitest";
import { fakeAdmin, type LoggedRequest } from "../fakes/admin";
import { decideAfterAttempt, MAX_WAITING_MS, type AttemptResult } from "../../worker/publishing/delivery-machine";
import { CONTAINER_WAIT_CAP_SECONDS, instagramClient, MAX_CONTAINER_RECREATIONS, pollDelaySeconds } from "../../worker/publishing/instagram";
import { PublishError, type PublishContent, type PublishOutcome } from "../../worker/publishing/types";
import { attempt, patternBytes, putMedia, testDelivery, type TestDelivery } from "./context";
import { expectGraphGet, expectGraphPost, GRAPH_VERSION } from "./graph-requests";

const ig = fakeAdmin("instagram");
const fb = fakeAdmin("facebook");
let n = 0;
const uid = () => `${Date.now() % 1e9}${String(n++).padStart(3, "0")}`;

interface Account {
  igUserId: string;
  token: string;
  delivery: () => TestDelivery;
}

async function igAccount(extra: Record<string, unknown> = {}): Promise<Account> {
  const igUserId = `9${uid()}`;
  const token = `IGQ-${igUserId}`;
  await ig.seed({ users: [{ igUserId, username: `brand${igUserId}`, token, ...extra }] });
  return { igUserId, token, delivery: () => testDelivery("instagram", { externalId: igUserId, accessToken: token, loginVia: "instagram" }) };
}

const mediaUrl = (key: string) => `http://app.test/media/${encodeURIComponent(key)}`;

async function reel(caption = `Reel ${uid()} #brandcast`, videoName = "reel"): Promise<PublishContent> {
  const video = await putMedia(patternBytes(4096), "video/mp4", videoName);
  const cover = await putMedia(patternBytes(512), "image/jpeg", "cover");
  return { kind: "reel", caption, title: "t", ytTitle: "t", media: { video, cover } };
}

async function post(slides: number, caption = `Post ${uid()}`, name = "slide"): Promise<PublishContent> {
  const refs = [];
  for (let i = 0; i < slides; i++) refs.push(await putMedia(patternBytes(256, i + 1), "image/jpeg", name));
  return { kind: "post", caption, title: "t", ytTitle: "t", media: { cover: refs[0], slides: refs } };
}

/** The requests made with this token, in order (the token is unique per test). */
async function requestsOf(admin: ReturnType<typeof fakeAdmin>, token: string): Promise<LoggedRequest[]> {
  return (await admin.requests()).filter((r) => r.query.access_token === token || r.form?.access_token === token);
}

/** Runs attempts like the queue would, moving the fake's clock by each announced wait. */
async function publishUntilDone(delivery: TestDelivery, content: PublishContent, admin = ig, max = 12): Promise<{ outcome: PublishOutcome; waits: number[] }> {
  const waits: number[] = [];
  for (let i = 0; i < max; i++) {
    const outcome = await attempt(instagramClient, delivery, { content });
    if (outcome.kind === "published") return { outcome, waits };
    waits.push(outcome.delaySeconds);
    await admin.advance(outcome.delaySeconds * 1000);
  }
  throw new Error(`not published after ${max} attempts`);
}

async function failure(p: Promise<unknown>): Promise<PublishError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PublishError);
  return err as PublishError;
}

const publishedFor = async (igUserId: string, admin = ig) => Object.values((await admin.state()).media as Record<string, { owner: string; caption: string; media_product_type: string }>).filter((m) => m.owner === igUserId);

describe("Instagram reels", () => {
  it("creates a REELS container, waits for it without sleeping, checks the limit, publishes once and reads the permalink", async () => {
    const acct = await igAccount();
    const content = await reel();
    const delivery = acct.delivery();
    const { outcome, waits } = await publishUntilDone(delivery, content);
    expect(waits).toEqual([pollDelaySeconds(0), pollDelaySeconds(1), pollDelaySeconds(2)]); // 10 + 15 + 20 s ≥ the fake's 30 s processing
    expect(outcome.kind).toBe("published");
    const media = await publishedFor(acct.igUserId);
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ caption: content.caption, media_product_type: "REELS" });
    if (outcome.kind !== "published") return;
    expect(outcome.permalink).toMatch(/^https:\/\/www\.instagram\.com\/reel\//);

    const reqs = await requestsOf(ig, acct.token);
    const container = delivery.state.containerId!;
    expectGraphPost(reqs[0]!, `${acct.igUserId}/media`, { media_type: "REELS", video_url: mediaUrl(content.media.video!.key), caption: content.caption, share_to_feed: "true", cover_url: mediaUrl(content.media.cover!.key) }, acct.token);
    // One status check per attempt: three answered IN_PROGRESS, the fourth FINISHED.
    for (const r of reqs.slice(1, 5)) expectGraphGet(r, container, { fields: "status_code,status" }, acct.token);
    expectGraphGet(reqs[5]!, `${acct.igUserId}/content_publishing_limit`, { fields: "quota_usage,config" }, acct.token);
    expectGraphPost(reqs[6]!, `${acct.igUserId}/media_publish`, { creation_id: container }, acct.token);
    expectGraphGet(reqs[7]!, outcome.publishedId, { fields: "permalink" }, acct.token);
    expect(reqs).toHaveLength(8);

    // The start of media_publish was saved before the call, the media id before the permalink.
    const steps = delivery.patches.map((p) => p.step).filter(Boolean);
    expect(steps.indexOf("publishing")).toBeLessThan(steps.indexOf("published"));
    expect(delivery.state).toMatchObject({ publishedId: outcome.publishedId, permalink: outcome.permalink });
    expect(delivery.state.publishStartedAt).toBeTypeOf("number");
  });

  it("a redelivery after success answers from the checkpoint without calling Instagram", async () => {
    const acct = await igAccount();
    const content = await reel();
    const delivery = acct.delivery();
    await publishUntilDone(delivery, content);
    const before = (await requestsOf(ig, acct.token)).length;
    const again = await attempt(instagramClient, delivery, { content });
    expect(again.kind).toBe("published");
    expect((await requestsOf(ig, acct.token)).length).toBe(before);
  });
});

describe("Instagram images and carousels", () => {
  it("a single image: image_url (JPEG) and caption, no media_type", async () => {
    const acct = await igAccount();
    const content = await post(1);
    const delivery = acct.delivery();
    const { outcome, waits } = await publishUntilDone(delivery, content);
    expect(waits).toEqual([]);
    const reqs = await requestsOf(ig, acct.token);
    expectGraphPost(reqs[0]!, `${acct.igUserId}/media`, { image_url: mediaUrl(content.media.slides![0]!.key), caption: content.caption }, acct.token);
    expectGraphGet(reqs[1]!, delivery.state.containerId!, { fields: "status_code,status" }, acct.token);
    expectGraphGet(reqs[2]!, `${acct.igUserId}/content_publishing_limit`, { fields: "quota_usage,config" }, acct.token);
    expectGraphPost(reqs[3]!, `${acct.igUserId}/media_publish`, { creation_id: delivery.state.containerId! }, acct.token);
    expect(outcome.kind === "published" && outcome.permalink).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    const media = await publishedFor(acct.igUserId);
    expect(media).toHaveLength(1);
    expect(media[0]).toMatchObject({ media_product_type: "FEED" });
  });

  it("a carousel: children with is_carousel_item and no caption, then the CAROUSEL parent, published as one post", async () => {
    const acct = await igAccount();
    const content = await post(3);
    const delivery = acct.delivery();
    const { outcome } = await publishUntilDone(delivery, content);
    expect(outcome.kind).toBe("published");
    const reqs = await requestsOf(ig, acct.token);
    const children = delivery.state.checkpoint.children as string[];
    expect(children).toHaveLength(3);
    content.media.slides!.forEach((s, i) => expectGraphPost(reqs[i]!, `${acct.igUserId}/media`, { image_url: mediaUrl(s.key), is_carousel_item: "true" }, acct.token));
    children.forEach((id, i) => expectGraphGet(reqs[3 + i]!, id, { fields: "status_code,status" }, acct.token));
    expectGraphPost(reqs[6]!, `${acct.igUserId}/media`, { media_type: "CAROUSEL", children: children.join(","), caption: content.caption }, acct.token);
    expectGraphPost(reqs.find((r) => r.path.endsWith("/media_publish"))!, `${acct.igUserId}/media_publish`, { creation_id: delivery.state.containerId! }, acct.token);
    expect(reqs.filter((r) => r.path.endsWith("/media_publish"))).toHaveLength(1);
    const media = await publishedFor(acct.igUserId);
    expect(media).toHaveLength(1);
  });

  it("a carousel whose child creation failed once resumes from the saved children", async () => {
    const acct = await igAccount();
    const content = await post(3);
    const delivery = acct.delivery();
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media$`, nth: 2 }, action: { status: 500, body: { error: { message: "An unexpected error has occurred.", code: 2, is_transient: true } } } });
    const err = await failure(attempt(instagramClient, delivery, { content }));
    expect(err.errorClass).toBe("retryable");
    expect(delivery.state.checkpoint.children).toHaveLength(1);
    await publishUntilDone(delivery, content);
    const creates = (await requestsOf(ig, acct.token)).filter((r) => r.method === "POST" && r.path.endsWith("/media"));
    expect(creates).toHaveLength(5); // 1, the failed 2nd, 2, 3, parent
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });
});

describe("Instagram: outcome unknown after media_publish (PLATFORMS.md §5)", () => {
  it("dropAfterCommit: the next attempt finds the media by caption and product type, never data[0], and never publishes again", async () => {
    const acct = await igAccount();
    const content = await reel();
    const delivery = acct.delivery();
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media_publish$` }, action: { dropAfterCommit: true } });
    const first = await publishUntilDone(delivery, content).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(PublishError);
    expect((first as PublishError).errorClass).toBe("unknown_outcome");
    expect(delivery.state.publishStartedAt).toBeTypeOf("number");
    expect(delivery.state.publishedId).toBeNull();

    // A newer post with the same caption (an image) lands first in the media list.
    const decoy = acct.delivery();
    const decoyContent = { ...(await post(1)), caption: content.caption };
    const decoyOut = await publishUntilDone(decoy, decoyContent);

    const second = await attempt(instagramClient, delivery, { content });
    expect(second.kind).toBe("published");
    const media = await publishedFor(acct.igUserId);
    const reels = media.filter((m) => m.media_product_type === "REELS");
    expect(reels).toHaveLength(1);
    if (second.kind !== "published" || decoyOut.outcome.kind !== "published") return;
    expect(second.publishedId).not.toBe(decoyOut.outcome.publishedId);
    expect(second.publishedId).toBe(Object.entries((await ig.state()).media).find(([, m]) => (m as { containerId: string }).containerId === delivery.state.containerId)![0]);
    const reqs = await requestsOf(ig, acct.token);
    const publishes = reqs.filter((r) => r.path.endsWith("/media_publish") && r.form?.creation_id === delivery.state.containerId);
    expect(publishes).toHaveLength(1);
    const lookup = reqs.find((r) => r.method === "GET" && r.path === `/${GRAPH_VERSION}/${acct.igUserId}/media`)!;
    expect(lookup.query.fields).toBe("id,caption,timestamp,media_product_type,permalink");
  });

  it("a hang on media_publish times out as unknown outcome; the redelivery finds the post", async () => {
    const acct = await igAccount();
    const content = await post(1);
    const delivery = acct.delivery();
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media_publish$` }, action: { hang: true } });
    const err = await failure(attempt(instagramClient, delivery, { content, requestTimeoutMs: 800 }));
    expect(err.errorClass).toBe("unknown_outcome");
    expect(JSON.stringify([err.message, err.opts])).not.toContain(acct.token);
    // The hung request never reached the handler: nothing was published, so publishing again is right.
    const second = await attempt(instagramClient, delivery, { content });
    expect(second.kind).toBe("published");
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });

  it("a 500 on media_publish that did not commit: the container is still FINISHED, so the same container is published", async () => {
    const acct = await igAccount();
    const content = await post(1);
    const delivery = acct.delivery();
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media_publish$` }, action: { status: 500 } });
    expect((await failure(attempt(instagramClient, delivery, { content }))).errorClass).toBe("unknown_outcome");
    const container = delivery.state.containerId;
    expect((await attempt(instagramClient, delivery, { content })).kind).toBe("published");
    expect(delivery.state.containerId).toBe(container);
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });
});

describe("Instagram containers that do not finish", () => {
  it("ERROR with 2207026 fails permanently with the reason in words", async () => {
    const acct = await igAccount();
    const name = `webm${uid()}`;
    await ig.seed({ media: { [`http://app.test/media/test%2F${name}`]: { format: "webm", width: 1080, height: 1920, durationMs: 20_000, processingMs: 0 } } });
    const content = await reel(undefined, name);
    const err = await failure(attempt(instagramClient, acct.delivery(), { content }));
    expect(err.errorClass).toBe("permanent");
    expect(err.message).toMatch(/video format/);
    expect(err.opts.subcode).toBe(2207026);
  });

  /** A reel whose containers never finish processing. */
  async function stuckReel() {
    const acct = await igAccount();
    const name = `stuck${uid()}`;
    await ig.seed({ media: { [`http://app.test/media/test%2F${name}`]: { neverFinishes: true } } });
    return { acct, content: await reel(undefined, name), delivery: acct.delivery() };
  }

  it("IN_PROGRESS forever: waits within the cap, then recreates the container, then gives up", async () => {
    const { acct, content, delivery } = await stuckReel();
    let outcome: PublishOutcome | PublishError | null = null;
    const containers = new Set<string>();
    let attempts = 0;
    for (; attempts < 200; attempts++) {
      outcome = await attempt(instagramClient, delivery, { content }).catch((e: PublishError) => e);
      if (delivery.state.containerId) containers.add(delivery.state.containerId);
      if (outcome instanceof PublishError) break;
      expect(outcome.kind).toBe("waiting");
      if (outcome.kind === "waiting") expect(outcome.delaySeconds).toBeLessThanOrEqual(30);
    }
    expect(outcome).toBeInstanceOf(PublishError);
    expect((outcome as PublishError).errorClass).toBe("permanent");
    expect(containers.size).toBe(3);
    // Polling is bounded: about 15 min of 10–30 s waits per container.
    const polls = (await requestsOf(ig, acct.token)).filter((r) => r.method === "GET" && containers.has(r.path.split("/")[2]!));
    expect(polls.length).toBeLessThan(3 * 40);
    expect(await publishedFor(acct.igUserId)).toHaveLength(0);
  });

  it("through the consumer's rules: each recreated container gets the whole wait, so the recreations are reached (issue 16 item 7)", async () => {
    const { acct, content, delivery } = await stuckReel();
    // The consumer's bookkeeping, on a virtual clock: each waiting outcome comes back after its delay.
    let now = 0;
    let waitingSince: number | null = null;
    const containers = new Set<string>();
    let decision: ReturnType<typeof decideAfterAttempt> | null = null;
    for (let i = 0; i < 300; i++) {
      const outcome = await attempt(instagramClient, delivery, { content }).catch((e: PublishError) => e);
      if (delivery.state.containerId) containers.add(delivery.state.containerId);
      const result: AttemptResult =
        outcome instanceof PublishError
          ? { kind: "error", errorClass: outcome.errorClass, message: outcome.message }
          : outcome.kind === "waiting"
            ? { kind: "waiting", delaySeconds: outcome.delaySeconds, reason: outcome.reason, restartsWait: outcome.restartsWait }
            : { kind: "published", publishedId: outcome.publishedId, permalink: outcome.permalink };
      decision = decideAfterAttempt(result, { platform: "instagram", contentKind: "reel", failuresBefore: 0, waitingSince, now });
      if (decision.kind !== "requeue") break;
      waitingSince = decision.waitingSince;
      now += decision.delaySeconds * 1000;
    }
    // Not the consumer's 20-minute cut after the second container: every container waited its 15 minutes.
    expect(decision).toMatchObject({ kind: "failed", errorClass: "permanent", lastError: expect.stringMatching(/Instagram never finished processing the media \(waited 15 minutes, 3 times\)/) });
    expect(containers.size).toBe(MAX_CONTAINER_RECREATIONS + 1);
    expect(now).toBeGreaterThan((MAX_CONTAINER_RECREATIONS + 1) * CONTAINER_WAIT_CAP_SECONDS * 1000 - 60_000);
    expect(CONTAINER_WAIT_CAP_SECONDS * 1000).toBeLessThan(MAX_WAITING_MS);
  });

  it("EXPIRED after 24 h unpublished: a new container, then published", async () => {
    const acct = await igAccount();
    const content = await post(1);
    const delivery = acct.delivery();
    await ig.fault({ match: { method: "GET", path: `${acct.igUserId}/content_publishing_limit` }, action: { status: 503, body: "<html>Service Unavailable</html>" } });
    expect((await failure(attempt(instagramClient, delivery, { content }))).errorClass).toBe("retryable");
    const first = delivery.state.containerId;
    await ig.advance(24 * 3600 * 1000 + 1000);
    expect((await attempt(instagramClient, delivery, { content })).kind).toBe("published");
    expect(delivery.state.containerId).not.toBe(first);
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });
});

describe("Instagram errors from the API", () => {
  it("an expired token (190/463) asks for a refresh, and the refreshed token publishes", async () => {
    const acct = await igAccount({ expiresAt: Date.now() - 1000 });
    const fresh = `${acct.token}-refreshed`;
    await ig.seed({ users: [{ igUserId: acct.igUserId, username: "same", token: fresh }] });
    const content = await post(1);
    const delivery = acct.delivery();
    const outcome = await attempt(instagramClient, delivery, { content, refresh: async () => fresh });
    expect(outcome.kind).toBe("published");
    const expired = (await requestsOf(ig, acct.token))[0]!;
    expect(expired.status).toBe(400);
  });

  it("a revoked token (190/460) whose refresh fails ends in reconnect", async () => {
    const acct = await igAccount();
    const state = await ig.state();
    expect(state.tokens[acct.token]).toBeTruthy();
    await ig.fault({ match: { path: `^/${GRAPH_VERSION}/${acct.igUserId}/media$` }, action: { status: 400, body: { error: { message: "Error validating access token: The session has been invalidated because the user changed their password.", type: "OAuthException", code: 190, error_subcode: 460 } } } });
    const err = await failure(
      attempt(instagramClient, acct.delivery(), {
        content: await post(1),
        refresh: async () => {
          throw new PublishError("reconnect", "Instagram refused the refresh; reconnect the account.");
        },
      }),
    );
    expect(err.errorClass).toBe("reconnect");
  });

  it("the publishing limit reached: no media_publish, deferred until the rolling window frees a slot", async () => {
    // The window is computed from the client's clock: put the fake's clock back to it.
    await fetch(`${ig.url}/__admin/clock`, { method: "POST", body: JSON.stringify({ now: Date.now() }) });
    const now = Date.now();
    const acct = await igAccount({ quotaTotal: 3, publishedAt: [now - 20 * 3600_000, now - 10 * 3600_000, now - 3600_000] });
    const err = await failure(attempt(instagramClient, acct.delivery(), { content: await post(1) }));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.subcode).toBe(2207042);
    // The oldest post leaves the window in 4 h; the probe answers within its granularity (6 h).
    expect(err.opts.retryAfterSeconds).toBeGreaterThanOrEqual(4 * 3600);
    expect(err.opts.retryAfterSeconds).toBeLessThanOrEqual(6 * 3600);
    const reqs = await requestsOf(ig, acct.token);
    expect(reqs.some((r) => r.path.endsWith("/media_publish"))).toBe(false);
    expect(reqs.filter((r) => r.path.endsWith("/content_publishing_limit")).every((r, i) => i === 0 || Number(r.query.since) > 0)).toBe(true);
  });

  it("2207042 from media_publish itself is deferred, not failed", async () => {
    const acct = await igAccount();
    await ig.fault({ match: { path: `^/${GRAPH_VERSION}/${acct.igUserId}/media_publish$` }, action: { status: 400, body: { error: { message: "You reached maximum number of posts", code: 9, error_subcode: 2207042 } } } });
    const err = await failure(attempt(instagramClient, acct.delivery(), { content: await post(1) }));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("a BUC rate limit (80002) waits for estimated_time_to_regain_access", async () => {
    const acct = await igAccount();
    await ig.fault({
      match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media$` },
      action: { status: 400, headers: { "x-business-use-case-usage": JSON.stringify({ [acct.igUserId]: [{ type: "instagram", call_count: 100, total_cputime: 1, total_time: 1, estimated_time_to_regain_access: 7 }] }) }, body: { error: { message: "Application request limit reached", code: 80002 } } },
    });
    const err = await failure(attempt(instagramClient, acct.delivery(), { content: await post(1) }));
    expect(err.errorClass).toBe("retryable");
    expect(err.opts.retryAfterSeconds).toBe(420);
  });

  it("a transient 500 (code 2) and an HTML 502 are retryable before the publish step", async () => {
    const acct = await igAccount();
    const delivery = acct.delivery();
    const content = await post(1);
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media$` }, action: { status: 500, body: { error: { message: "Service temporarily unavailable", code: 2, is_transient: true } } } });
    expect((await failure(attempt(instagramClient, delivery, { content }))).errorClass).toBe("retryable");
    await ig.fault({ match: { method: "POST", path: `^/${GRAPH_VERSION}/${acct.igUserId}/media$` }, action: { status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" } });
    expect((await failure(attempt(instagramClient, delivery, { content }))).errorClass).toBe("retryable");
    expect((await attempt(instagramClient, delivery, { content })).kind).toBe("published");
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });

  it("media that cannot be fetched (2207052) is retryable; a PNG (2207005) is permanent", async () => {
    const acct = await igAccount();
    const gone = `gone${uid()}`;
    const png = `png${uid()}`;
    await ig.seed({ media: { [`http://app.test/media/test%2F${gone}`]: { unreachable: true }, [`http://app.test/media/test%2F${png}`]: { format: "png", width: 1080, height: 1350 } } });
    const e1 = await failure(attempt(instagramClient, acct.delivery(), { content: await post(1, undefined, gone) }));
    expect([e1.errorClass, e1.opts.subcode]).toEqual(["retryable", 2207052]);
    const e2 = await failure(attempt(instagramClient, acct.delivery(), { content: await post(1, undefined, png) }));
    expect([e2.errorClass, e2.opts.subcode]).toEqual(["permanent", 2207005]);
    expect(e2.message).toMatch(/JPEG/);
  });
});

describe("Instagram permalinks and media fetching", () => {
  it("a failed permalink lookup never fails or republishes the post (§1.4)", async () => {
    const acct = await igAccount();
    const content = await post(1);
    const delivery = acct.delivery();
    // The second GET of an object in this attempt is the permalink (the first is the container status).
    await ig.fault({ match: { method: "GET", path: `^/${GRAPH_VERSION}/\\d+$`, nth: 2 }, action: { status: 500 } });
    const outcome = await attempt(instagramClient, delivery, { content });
    expect(outcome).toMatchObject({ kind: "published", permalink: null });
    expect(delivery.state.publishedId).toBeTruthy();
    expect(await publishedFor(acct.igUserId)).toHaveLength(1);
  });

  it("fetch mode: the fake GETs the URL like Meta and refuses what is not a JPEG, or what it cannot reach", async () => {
    const acct = await igAccount();
    await ig.seed({ config: { fetchMedia: true } });
    const form = (image_url: string) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ image_url, access_token: acct.token }).toString() });
    try {
      const json = (await (await fetch(`${ig.url}/${GRAPH_VERSION}/${acct.igUserId}/media`, form(`${fb.url}/__admin/state`))).json()) as any;
      expect(json.error).toMatchObject({ code: 36001, error_subcode: 2207005 });
      const gone = (await (await fetch(`${ig.url}/${GRAPH_VERSION}/${acct.igUserId}/media`, form("http://127.0.0.1:9/x.jpg"))).json()) as any;
      expect(gone.error).toMatchObject({ code: 9004, error_subcode: 2207052 });
    } finally {
      await ig.seed({ config: { fetchMedia: false } });
    }
  });
});

describe("Instagram through Facebook Login (PLATFORMS.md §1.1)", () => {
  it("publishes on the Facebook Graph host with the IG business id and the Page token", async () => {
    const pageId = `5${uid()}`;
    const igUserId = `8${uid()}`;
    const token = `EAAP-${pageId}`;
    await fb.seed({ pages: [{ id: pageId, name: "Brand Page", token, igUserId, igUsername: "brand" }] });
    const delivery = testDelivery("instagram", { externalId: igUserId, accessToken: token, loginVia: "facebook" });
    const content = await post(2);
    const { outcome } = await publishUntilDone(delivery, content, fb);
    expect(outcome.kind).toBe("published");
    const reqs = await requestsOf(fb, token);
    expect(reqs.length).toBeGreaterThan(4);
    expect(reqs.every((r) => r.path.startsWith(`/${GRAPH_VERSION}/`))).toBe(true);
    expect(reqs.filter((r) => r.path === `/${GRAPH_VERSION}/${igUserId}/media_publish`)).toHaveLength(1);
    expect(await requestsOf(ig, token)).toHaveLength(0);
    expect(await publishedFor(igUserId, fb)).toHaveLength(1);
  });
});

describe("the fake Instagram Graph follows PLATFORMS.md §6.1", () => {
  const call = async (method: string, path: string, fields: Record<string, string>) => {
    const body = new URLSearchParams(fields).toString();
    const res = method === "GET" ? await fetch(`${ig.url}${path}?${body}`) : await fetch(`${ig.url}${path}`, { method, headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    return { status: res.status, body: (await res.json()) as any };
  };
  const v = (p: string) => `/${GRAPH_VERSION}/${p}`;

  it("validates containers: media_type, caption length, carousel children, image format and ratio", async () => {
    const { igUserId: u, token: access_token } = await igAccount();
    expect((await call("POST", `/${u}/media`, { image_url: "http://x/a.jpg", access_token })).body.error.code).toBe(100); // no version
    expect((await call("POST", v(`${u}/media`), { media_type: "GIF", image_url: "http://x/a.jpg", access_token })).body.error.error_subcode).toBe(2207023);
    expect((await call("POST", v(`${u}/media`), { media_type: "VIDEO", video_url: "http://x/a.mp4", access_token })).body.error.error_subcode).toBe(2207023);
    const long = await call("POST", v(`${u}/media`), { image_url: "http://x/a.jpg", caption: "x".repeat(2201), access_token });
    expect([long.status, long.body.error.code, long.body.error.error_subcode]).toEqual([400, 36004, 2207010]);
    const child = (await call("POST", v(`${u}/media`), { image_url: "http://x/a.jpg", is_carousel_item: "true", access_token })).body.id;
    expect((await call("POST", v(`${u}/media`), { media_type: "CAROUSEL", children: child, access_token })).body.error.error_subcode).toBe(2207028);
    const videoChild = (await call("POST", v(`${u}/media`), { media_type: "VIDEO", video_url: "http://x/a.mp4", is_carousel_item: "true", access_token })).body.id;
    expect((await call("POST", v(`${u}/media`), { media_type: "CAROUSEL", children: `${child},${videoChild}`, access_token })).body.error.error_subcode).toBe(2207028);
    const tall = `http://x/tall${uid()}.jpg`;
    await ig.seed({ media: { [tall]: { format: "jpeg", width: 1080, height: 1920 } } });
    expect((await call("POST", v(`${u}/media`), { image_url: tall, access_token })).body.error).toMatchObject({ code: 36003, error_subcode: 2207009 });
  });

  it("media_publish: not ready, published once, then refused; ERROR and EXPIRED containers", async () => {
    const { igUserId: u, token: access_token } = await igAccount();
    const reelId = (await call("POST", v(`${u}/media`), { media_type: "REELS", video_url: "http://x/r.mp4", caption: "c", access_token })).body.id;
    expect((await call("POST", v(`${u}/media_publish`), { creation_id: reelId, access_token })).body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
    await ig.advance(30_000);
    const first = await call("POST", v(`${u}/media_publish`), { creation_id: reelId, access_token });
    expect(first.status).toBe(200);
    const again = await call("POST", v(`${u}/media_publish`), { creation_id: reelId, access_token });
    expect([again.status, again.body.error.code]).toEqual([400, 100]);
    expect((await call("GET", v(reelId), { fields: "status_code", access_token })).body).toEqual({ id: reelId, status_code: "PUBLISHED" });
    const media = (await call("GET", v(first.body.id), { fields: "id,caption,media_type,media_product_type,permalink,timestamp", access_token })).body;
    expect(media).toMatchObject({ id: first.body.id, caption: "c", media_type: "VIDEO", media_product_type: "REELS" });
    expect(media.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/);

    const bad = `http://x/bad${uid()}.mov`;
    await ig.seed({ media: { [bad]: { errorSubcode: 2207053, processingMs: 0 } } });
    const errId = (await call("POST", v(`${u}/media`), { media_type: "REELS", video_url: bad, access_token })).body.id;
    expect((await call("GET", v(errId), { fields: "status_code,status", access_token })).body).toMatchObject({ status_code: "ERROR", status: expect.stringContaining("2207053") });
    expect((await call("POST", v(`${u}/media_publish`), { creation_id: errId, access_token })).body.error.error_subcode).toBe(2207032);

    const old = (await call("POST", v(`${u}/media`), { image_url: "http://x/a.jpg", access_token })).body.id;
    await ig.advance(24 * 3600_000);
    expect((await call("GET", v(old), { fields: "status_code", access_token })).body.status_code).toBe("EXPIRED");
    expect((await call("POST", v(`${u}/media_publish`), { creation_id: old, access_token })).body.error.error_subcode).toBe(2207020);
  });

  it("the rolling cap at media_publish and content_publishing_limit with since", async () => {
    const now = (await ig.advance(0)) as unknown as { now: number };
    const { igUserId: u, token: access_token } = await igAccount({ quotaTotal: 2, publishedAt: [now.now - 23 * 3600_000, now.now - 3600_000] });
    const limit = await call("GET", v(`${u}/content_publishing_limit`), { fields: "quota_usage,config", access_token });
    expect(limit.body).toEqual({ data: [{ quota_usage: 2, config: { quota_total: 2, quota_duration: 86400 } }] });
    const since = Math.floor((now.now - 2 * 3600_000) / 1000);
    expect((await call("GET", v(`${u}/content_publishing_limit`), { fields: "quota_usage,config", since: String(since), access_token })).body.data[0].quota_usage).toBe(1);
    const id = (await call("POST", v(`${u}/media`), { image_url: "http://x/a.jpg", access_token })).body.id;
    expect((await call("POST", v(`${u}/media_publish`), { creation_id: id, access_token })).body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
    await ig.advance(3600_000);
    expect((await call("POST", v(`${u}/media_publish`), { creation_id: id, access_token })).status).toBe(200);
  });

  it("tokens: unknown → 190, expired → 190/463, someone else's user → 100/33; refresh_access_token gives 60 more days", async () => {
    const a = await igAccount();
    const b = await igAccount();
    expect((await call("GET", v(`${a.igUserId}/media`), { access_token: "nope" })).body.error).toMatchObject({ code: 190 });
    expect((await call("GET", v(`${a.igUserId}/media`), { access_token: b.token })).body.error).toMatchObject({ code: 100, error_subcode: 33 });
    const expired = await igAccount({ expiresAt: Date.now() - 1 });
    expect((await call("GET", v(`${expired.igUserId}/media`), { access_token: expired.token })).body.error).toMatchObject({ code: 190, error_subcode: 463 });
    const refreshed = await call("GET", "/refresh_access_token", { grant_type: "ig_refresh_token", access_token: a.token });
    expect(refreshed.body).toMatchObject({ token_type: "bearer", expires_in: 5_184_000 });
    expect((await call("GET", v(`${a.igUserId}/media`), { access_token: refreshed.body.access_token })).status).toBe(200);
  });
});
