// The connect flow's `state` (PLATFORMS.md §7): random, single-use, ten
// minutes, bound to the person and session who started it, the brand and the
// platform. Only its SHA-256 is stored; the PKCE verifier is sealed with the
// state's hash as additional data, so a stolen table yields neither.
import { sha256, randomToken } from "../auth/crypto";
import { MINUTE } from "../lib/time";
import type { Platform } from "../scheduling/variants";
import type { Provider } from "./providers/types";
import { open, seal, type KeyRing } from "./sealing";

export const STATE_TTL_MS = 10 * MINUTE;

export interface StateBinding {
  userId: string;
  sessionHash: string | null;
  workspaceId: string;
  brandId: string;
  platform: Platform;
  provider: Provider;
}

export interface ConsumedState extends StateBinding {
  verifier: string | null;
  expiresAt: number;
}

const verifierAad = (hash: string) => `oauth_state:${hash}`;

export async function createState(d1: D1Database, ring: KeyRing, b: StateBinding, verifier: string | null, now = Date.now()): Promise<string> {
  const state = randomToken(32);
  const hash = await sha256(state);
  await d1.batch([
    // Abandoned flows are swept whenever a new one starts.
    d1.prepare("DELETE FROM oauth_states WHERE expires_at < ?").bind(now),
    d1
      .prepare(
        `INSERT INTO oauth_states (state_hash, user_id, session_hash, workspace_id, brand_id, platform, provider, verifier, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(hash, b.userId, b.sessionHash, b.workspaceId, b.brandId, b.platform, b.provider, verifier ? await seal(ring, verifierAad(hash), verifier) : null, now + STATE_TTL_MS),
  ]);
  return state;
}

/** Deletes and returns the state's row: whatever happens next, it never works twice. */
export async function consumeState(d1: D1Database, ring: KeyRing | null, state: string): Promise<ConsumedState | null> {
  const hash = await sha256(state);
  const row = await d1.prepare("DELETE FROM oauth_states WHERE state_hash = ? RETURNING *").bind(hash).first<{
    user_id: string;
    session_hash: string | null;
    workspace_id: string;
    brand_id: string;
    platform: Platform;
    provider: Provider;
    verifier: string | null;
    expires_at: number;
  }>();
  if (!row) return null;
  return {
    userId: row.user_id,
    sessionHash: row.session_hash,
    workspaceId: row.workspace_id,
    brandId: row.brand_id,
    platform: row.platform,
    provider: row.provider,
    verifier: row.verifier && ring ? await open(ring, verifierAad(hash), row.verifier) : null,
    expiresAt: row.expires_at,
  };
}
