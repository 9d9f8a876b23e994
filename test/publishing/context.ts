// A PublishContext for running a platform client on its own, without the
// publish consumer: media in the real (local) R2 `MEDIA` binding, checkpoints
// kept on a plain delivery object that survives simulated redeliveries, and
// the fetch the consumer would use (the request timeout applied).
import { env } from "cloudflare:workers";
import {
  platformConfig,
  PublishError,
  type CheckpointPatch,
  type DeliveryState,
  type MediaRef,
  type PlatformClient,
  type PublishAccount,
  type PublishContent,
  type PublishContext,
  type PublishOutcome,
  type PublishPlatform,
} from "../../worker/publishing/types";

let counter = 0;
const uniqueId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

/** Deterministic bytes (a byte pattern that differs per offset), so a resumed upload that skips or repeats bytes is caught. */
export function patternBytes(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Puts bytes into R2 under a fresh key. */
export async function putMedia(bytes: Uint8Array, contentType: string, name = "media"): Promise<MediaRef> {
  const key = `test/${uniqueId(name)}`;
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType } });
  return { key, contentType };
}

/** A delivery before its first attempt. */
export function newDelivery(platform: PublishPlatform): DeliveryState {
  return { id: uniqueId("dlv"), platform, attempt: 1, step: null, containerId: null, uploadSession: null, publishedId: null, permalink: null, publishStartedAt: null, checkpoint: {} };
}

export interface TestDelivery {
  /** What the delivery row would hold: updated by every checkpoint. */
  state: DeliveryState;
  /** Every patch in order, as the consumer would have written them. */
  patches: CheckpointPatch[];
  account: PublishAccount;
}

export interface ContextOptions {
  content: PublishContent;
  /** Called by refreshAccessToken(); returns the new access token (or throws PublishError("reconnect")). */
  refresh?: (account: PublishAccount) => Promise<string>;
  requestTimeoutMs?: number;
}

export function testDelivery(platform: PublishPlatform, account: Omit<PublishAccount, "id"> & { id?: string }): TestDelivery {
  return { state: newDelivery(platform), patches: [], account: { id: account.id ?? uniqueId("acct"), ...account } };
}

function applyPatch(state: DeliveryState, patch: CheckpointPatch): DeliveryState {
  const { checkpoint, ...rest } = patch;
  const next = { ...state } as DeliveryState & Record<string, unknown>;
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) next[k] = v;
  if (checkpoint) next.checkpoint = { ...state.checkpoint, ...checkpoint };
  return next;
}

/**
 * The context for the delivery's current attempt. The client sees a copy of
 * the state as the attempt started (like a row read by the consumer);
 * checkpoints go to `delivery.state`.
 */
export function publishContext(delivery: TestDelivery, opts: ContextOptions): PublishContext {
  const config = { ...platformConfig(env), requestTimeoutMs: opts.requestTimeoutMs ?? 10_000 };
  let refreshed = false;
  return {
    env,
    delivery: structuredClone(delivery.state),
    content: opts.content,
    account: delivery.account,
    config,
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(config.requestTimeoutMs) }),
    now: () => Date.now(),
    mediaUrl: async (ref) => `${env.PUBLIC_BASE_URL ?? "http://app.test"}/media/${encodeURIComponent(ref.key)}`,
    mediaSize: async (ref) => (await env.MEDIA.head(ref.key))?.size ?? 0,
    readMedia: async (ref, range) => {
      const obj = await env.MEDIA.get(ref.key, range ? { range } : undefined);
      if (!obj) throw new Error(`no media at ${ref.key}`);
      return new Uint8Array(await obj.arrayBuffer());
    },
    checkpoint: async (patch) => {
      delivery.patches.push(structuredClone(patch));
      delivery.state = applyPatch(delivery.state, patch);
    },
    refreshAccessToken: async () => {
      if (refreshed) throw new Error("refreshAccessToken called twice in one attempt");
      if (!opts.refresh) throw new Error("this test gives no refresh");
      refreshed = true;
      delivery.account.accessToken = await opts.refresh(delivery.account);
      return delivery.account.accessToken;
    },
  };
}

/**
 * One queue delivery of the message, as the consumer runs it: publish, and on
 * a refused token refresh once and publish again in the same attempt. The
 * attempt number goes up for the next call.
 */
export async function attempt(client: PlatformClient, delivery: TestDelivery, opts: ContextOptions): Promise<PublishOutcome> {
  const ctx = publishContext(delivery, opts);
  try {
    return await client.publish(ctx);
  } catch (err) {
    if (!(err instanceof PublishError && err.opts.tokenRejected)) throw err;
    await ctx.refreshAccessToken();
    return await client.publish(publishContext(delivery, { ...opts, refresh: undefined }));
  } finally {
    delivery.state = { ...delivery.state, attempt: delivery.state.attempt + 1 };
  }
}
