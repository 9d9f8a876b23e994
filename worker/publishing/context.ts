// The PublishContext the consumer hands a platform client for one attempt:
// checkpoints written to the delivery row (fenced by the attempt number, so a
// consumer that lost its lease cannot overwrite the new holder's progress),
// media from R2 and signed URLs on PUBLIC_BASE_URL, fetch with a timeout, and
// one token refresh per attempt through the credentials module.
import { refreshAs, timeoutFetch, type AccountAccess } from "../accounts/access";
import type { Env } from "../env";
import { signMediaUrl } from "../media/signed-url";
import { LEASE_MS } from "./delivery-machine";
import {
  PublishError,
  type CheckpointPatch,
  type DeliveryState,
  type MediaRef,
  type PlatformConfig,
  type PublishContent,
  type PublishContext,
  type PublishPlatform,
} from "./types";

/** Platforms fetch media minutes (a queued reel) to hours (a retry) after we sign the URL. */
export const PUBLISH_MEDIA_URL_TTL_SECONDS = 6 * 60 * 60;

/** Another consumer took the delivery over (our lease ran out): stop without writing anything. */
export class LeaseLost extends Error {
  override name = "LeaseLost";
}

/** The delivery row's columns the consumer reads. */
export interface DeliveryRow {
  id: string;
  schedule_id: string;
  workspace_id: string;
  platform: PublishPlatform;
  account_id: string | null;
  status: string;
  attempts: number;
  container_id: string | null;
  upload_session: string | null;
  published_id: string | null;
  permalink: string | null;
  step: string | null;
  checkpoint: string | null;
  lease_until: number | null;
  next_attempt_at: number | null;
  publish_started_at: number | null;
}

export function parseCheckpoint(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function deliveryState(row: DeliveryRow): DeliveryState {
  return {
    id: row.id,
    platform: row.platform,
    attempt: row.attempts,
    step: row.step,
    containerId: row.container_id,
    uploadSession: row.upload_session,
    publishedId: row.published_id,
    permalink: row.permalink,
    publishStartedAt: row.publish_started_at,
    checkpoint: parseCheckpoint(row.checkpoint),
  };
}

const COLUMNS: Array<[keyof CheckpointPatch, string]> = [
  ["step", "step"],
  ["containerId", "container_id"],
  ["uploadSession", "upload_session"],
  ["publishedId", "published_id"],
  ["permalink", "permalink"],
  ["publishStartedAt", "publish_started_at"],
  ["warning", "warning"],
];

export interface ContextInput {
  env: Env;
  delivery: DeliveryState;
  content: PublishContent;
  /** The account's credentials, opened for this attempt (one refresh at most). */
  access: AccountAccess;
  config: PlatformConfig;
  now: () => number;
  attemptRowId: string;
}

export function createPublishContext(input: ContextInput): PublishContext {
  const { env, delivery, access, config, now } = input;
  const db = env.DB;

  const head = async (ref: MediaRef) => {
    const object = await env.MEDIA.head(ref.key);
    if (!object) throw new PublishError("permanent", `A media file of this item (${ref.key}) is missing from storage; generate it again.`);
    return object;
  };

  const checkpoint = async (patch: CheckpointPatch) => {
    const sets: string[] = [];
    const binds: unknown[] = [];
    for (const [field, column] of COLUMNS) {
      if (patch[field] === undefined) continue;
      sets.push(`${column} = ?`);
      binds.push(patch[field]);
    }
    const merged = patch.checkpoint ? { ...delivery.checkpoint, ...patch.checkpoint } : null;
    if (merged) sets.push("checkpoint = ?"), binds.push(JSON.stringify(merged));
    const at = now();
    // Every checkpoint renews the lease: only a consumer that stopped making progress loses it.
    sets.push("lease_until = ?", "updated_at = ?");
    binds.push(at + LEASE_MS, at);
    // One statement: the attempt's log row takes the step it reached when it ends (consumer.ts), not at every checkpoint.
    const written = await db
      .prepare(`UPDATE deliveries SET ${sets.join(", ")} WHERE id = ? AND status = 'publishing' AND attempts = ?`)
      .bind(...binds, delivery.id, delivery.attempt)
      .run();
    if (!written.meta.changes) throw new LeaseLost(`delivery ${delivery.id} was taken over during attempt ${delivery.attempt}`);
    // The client may run again in this attempt (after a token refresh): it must see what it saved.
    for (const [field] of COLUMNS) if (patch[field] !== undefined) (delivery as unknown as Record<string, unknown>)[field] = patch[field];
    if (merged) delivery.checkpoint = merged;
  };

  return {
    env,
    delivery,
    content: input.content,
    account: access.account,
    config,
    // The request timeout is ours: a client cannot lift it (a hang around media_publish is an unknown outcome, not a stuck consumer).
    fetch: timeoutFetch(config.requestTimeoutMs),
    now,
    async mediaUrl(ref) {
      await head(ref);
      const origin = env.PUBLIC_BASE_URL?.replace(/\/+$/, "");
      if (!origin) {
        throw new PublishError("permanent", "PUBLIC_BASE_URL is not set, so the platform cannot fetch the media; set it to the app's public address.");
      }
      return signMediaUrl(env, ref.key, { origin, ttlSeconds: PUBLISH_MEDIA_URL_TTL_SECONDS, now: now() });
    },
    async mediaSize(ref) {
      return (await head(ref)).size;
    },
    async readMedia(ref, range) {
      const object = await env.MEDIA.get(ref.key, range ? { range: { offset: range.offset, length: range.length } } : {});
      if (!object) throw new PublishError("permanent", `A media file of this item (${ref.key}) is missing from storage; generate it again.`);
      return new Uint8Array(await object.arrayBuffer());
    },
    checkpoint,
    refreshAccessToken: refreshAs(access, PublishError),
  };
}
