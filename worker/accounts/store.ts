// Writing accounts: connected from one candidate, or pending_selection with
// several. Credentials are sealed for the account's id (sealing.ts), so the id
// must be known before sealing: an existing row keeps its id, and an upsert
// only updates a row whose id is the one we sealed for.
//
// One social account, one brand (REGRESSIONS #25): a Page, Instagram account
// or channel another brand has is refused with a 409 naming that brand (only
// "elsewhere" when the brand is in another workspace), checked before every
// write and backed by a unique index on (platform, external_id). The sandbox
// is not a social account (its posts are keyed by delivery), so any number of
// brands may use one sandbox id.
import type { Platform } from "../scheduling/variants";
import { ApiError, conflict, notFound } from "../errors";
import { newId } from "../lib/ids";
import { sealCredentials, type AccountRow } from "./credentials";
import type { Candidate } from "./providers/types";
import type { KeyRing } from "./sealing";

export interface AccountTarget {
  workspaceId: string;
  brandId: string;
  platform: Platform;
}

/** Whether the grant covers the platform's insights: recorded at connect, NULL when unknown (a pasted token). */
export type InsightsAccess = "granted" | "missing" | null;

const PLATFORM_WORDS: Record<Platform, string> = { instagram: "Instagram account", facebook: "Facebook Page", youtube: "YouTube channel", sandbox: "sandbox account" };

/** Which other brand has this account, if any; the sentence (and details) a 409 gives. */
export async function connectedElsewhere(d1: D1Database, t: AccountTarget, externalId: string): Promise<ApiError | null> {
  if (t.platform === "sandbox" || !externalId) return null;
  const other = await d1
    .prepare(
      `SELECT b.id, b.name, b.workspace_id FROM platform_accounts a JOIN brands b ON b.id = a.brand_id
       WHERE a.platform = ? AND a.external_id = ? AND a.brand_id != ? LIMIT 1`,
    )
    .bind(t.platform, externalId, t.brandId)
    .first<{ id: string; name: string; workspace_id: string }>();
  if (!other) return null;
  const what = PLATFORM_WORDS[t.platform];
  // Another workspace's brand is not ours to name (REGRESSIONS #2).
  if (other.workspace_id !== t.workspaceId) {
    return conflict("account_in_use", `This ${what} is already connected to a brand in another workspace. One ${what} publishes for one brand only.`);
  }
  return conflict(
    "account_in_use",
    `This ${what} is already connected to the brand ${other.name}. One ${what} publishes for one brand only: disconnect it there first, or connect another one.`,
    { brandId: other.id, brandName: other.name },
  );
}

async function assertFree(d1: D1Database, t: AccountTarget, externalId: string) {
  const taken = await connectedElsewhere(d1, t, externalId);
  if (taken) throw taken;
}

/** A write that lost the race to the unique index (platform, external_id) gets the same 409 as the check before it. */
async function orTakenElsewhere<T>(d1: D1Database, t: AccountTarget, externalId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (/UNIQUE constraint failed: (platform_accounts\.platform, platform_accounts\.external_id|index 'platform_accounts_platform_external')/.test(String((err as Error)?.message) + String((err as { cause?: Error })?.cause?.message))) {
      throw (await connectedElsewhere(d1, t, externalId)) ?? conflict("account_in_use", "This account was connected to another brand at the same moment.");
    }
    throw err;
  }
}

async function existingId(d1: D1Database, t: AccountTarget): Promise<string | null> {
  const row = await d1.prepare("SELECT id FROM platform_accounts WHERE brand_id = ? AND platform = ?").bind(t.brandId, t.platform).first<{ id: string }>();
  return row?.id ?? null;
}

/** Runs `write(id)` with the account's id; if a racing insert took the (brand, platform) pair meanwhile, once more with its id. */
async function withAccountId(d1: D1Database, t: AccountTarget, write: (id: string) => Promise<boolean>): Promise<string> {
  for (let i = 0; i < 2; i++) {
    const id = (await existingId(d1, t)) ?? newId("acc");
    if (await write(id)) return id;
  }
  throw conflict("conflict", "The account changed while it was being saved; try again.");
}

const UPSERT = `INSERT INTO platform_accounts
  (id, workspace_id, brand_id, platform, external_id, name, login_via, credentials, expires_at, status, status_reason, updated_at, connected_at, meta_user_id, insights_access)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)
  ON CONFLICT (brand_id, platform) DO UPDATE SET %SET% WHERE platform_accounts.id = excluded.id
  RETURNING id`;

const SET_CONNECTED = `external_id = excluded.external_id, name = excluded.name, login_via = excluded.login_via,
  credentials = excluded.credentials, expires_at = excluded.expires_at, status = 'connected', status_reason = NULL,
  updated_at = excluded.updated_at, connected_at = excluded.connected_at, meta_user_id = excluded.meta_user_id,
  insights_access = excluded.insights_access`;
// A reconnect that needs a choice keeps the current credentials until the choice is made.
const SET_PENDING = `status = 'pending_selection', status_reason = NULL, updated_at = excluded.updated_at, meta_user_id = excluded.meta_user_id`;

/** Throws the 409 of `connectedElsewhere` when another brand has this account. */
export async function saveConnected(
  d1: D1Database,
  ring: KeyRing,
  t: AccountTarget,
  c: Candidate,
  metaUserId: string | null,
  insights: InsightsAccess,
  now = Date.now(),
) {
  await assertFree(d1, t, c.externalId);
  return orTakenElsewhere(d1, t, c.externalId, () =>
    withAccountId(d1, t, async (id) => {
      const sealed = await sealCredentials(ring, id, c.credentials);
      const [upsert] = await d1.batch<{ id: string }>([
        d1
          .prepare(UPSERT.replace("%SET%", SET_CONNECTED))
          .bind(id, t.workspaceId, t.brandId, t.platform, c.externalId, c.name, c.loginVia, sealed, c.expiresAt, "connected", now, now, metaUserId, insights),
        d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(id),
      ]);
      return upsert!.results.length === 1;
    }),
  );
}

export async function savePending(
  d1: D1Database,
  ring: KeyRing,
  t: AccountTarget,
  candidates: Candidate[],
  metaUserId: string | null,
  insights: InsightsAccess,
  now = Date.now(),
) {
  return withAccountId(d1, t, async (id) => {
    const rows = await Promise.all(candidates.map(async (c) => ({ c, sealed: await sealCredentials(ring, id, c.credentials) })));
    const [upsert] = await d1.batch<{ id: string }>([
      d1.prepare(UPSERT.replace("%SET%", SET_PENDING)).bind(id, t.workspaceId, t.brandId, t.platform, "", null, null, "", null, "pending_selection", now, null, metaUserId, null),
      d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(id),
      ...rows.map(({ c, sealed }) =>
        d1
          .prepare(
            `INSERT INTO account_candidates (account_id, external_id, name, login_via, credentials, expires_at, insights_access)
             SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM platform_accounts WHERE id = ?)`,
          )
          .bind(id, c.externalId, c.name, c.loginVia, sealed, c.expiresAt, insights, id),
      ),
    ]);
    return upsert!.results.length === 1;
  });
}

export async function accountRow(d1: D1Database, t: AccountTarget): Promise<AccountRow | null> {
  return d1
    .prepare("SELECT * FROM platform_accounts WHERE brand_id = ? AND platform = ? AND workspace_id = ?")
    .bind(t.brandId, t.platform, t.workspaceId)
    .first<AccountRow>();
}

async function pendingAccount(d1: D1Database, t: AccountTarget): Promise<AccountRow> {
  const row = await accountRow(d1, t);
  if (!row) throw notFound("Account");
  if (row.status !== "pending_selection") throw conflict("wrong_state", `The ${t.platform} account is not waiting for a choice.`);
  return row;
}

/**
 * What the pending grant covers; empty when nothing waits for a choice (never
 * connected, or already chosen). A candidate another brand has carries
 * `unavailable`: the sentence its selection would be refused with.
 */
export async function listCandidates(d1: D1Database, t: AccountTarget) {
  const row = await accountRow(d1, t);
  if (!row || row.status !== "pending_selection") return [];
  const rows = await d1
    .prepare("SELECT external_id, name FROM account_candidates WHERE account_id = ? ORDER BY name, external_id")
    .bind(row.id)
    .all<{ external_id: string; name: string | null }>();
  return Promise.all(
    rows.results.map(async (r) => {
      const taken = await connectedElsewhere(d1, t, r.external_id);
      return { externalId: r.external_id, name: r.name, ...(taken ? { unavailable: taken.message } : {}) };
    }),
  );
}

/** The candidate's sealed credentials were sealed for this account's id: they move onto the row unchanged. */
export async function selectCandidate(d1: D1Database, t: AccountTarget, externalId: string, now = Date.now()) {
  const row = await pendingAccount(d1, t);
  const cand = await d1
    .prepare("SELECT * FROM account_candidates WHERE account_id = ? AND external_id = ?")
    .bind(row.id, externalId)
    .first<{ name: string | null; login_via: string | null; credentials: string; expires_at: number | null; insights_access: InsightsAccess }>();
  if (!cand) throw notFound("Candidate");
  await assertFree(d1, t, externalId);
  const [updated] = await orTakenElsewhere(d1, t, externalId, () =>
    d1.batch([
      d1
        .prepare(
          `UPDATE platform_accounts SET external_id = ?, name = ?, login_via = ?, credentials = ?, expires_at = ?, status = 'connected',
           status_reason = NULL, connected_at = ?, updated_at = ?, insights_access = ? WHERE id = ? AND status = 'pending_selection'`,
        )
        .bind(externalId, cand.name, cand.login_via, cand.credentials, cand.expires_at, now, now, cand.insights_access, row.id),
      d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(row.id),
    ]),
  );
  if (!updated!.meta.changes) throw conflict("wrong_state", "Another choice was made at the same moment.");
}
