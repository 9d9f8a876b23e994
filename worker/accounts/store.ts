// Writing accounts: connected from one candidate, or pending_selection with
// several. Credentials are sealed for the account's id (sealing.ts), so the id
// must be known before sealing: an existing row keeps its id, and an upsert
// only updates a row whose id is the one we sealed for.
import type { Platform } from "../scheduling/variants";
import { conflict, notFound } from "../errors";
import { newId } from "../lib/ids";
import { sealCredentials, type AccountRow } from "./credentials";
import type { Candidate } from "./providers/types";
import type { KeyRing } from "./sealing";

export interface AccountTarget {
  workspaceId: string;
  brandId: string;
  platform: Platform;
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
  (id, workspace_id, brand_id, platform, external_id, name, login_via, credentials, expires_at, status, status_reason, updated_at, connected_at, meta_user_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
  ON CONFLICT (brand_id, platform) DO UPDATE SET %SET% WHERE platform_accounts.id = excluded.id
  RETURNING id`;

const SET_CONNECTED = `external_id = excluded.external_id, name = excluded.name, login_via = excluded.login_via,
  credentials = excluded.credentials, expires_at = excluded.expires_at, status = 'connected', status_reason = NULL,
  updated_at = excluded.updated_at, connected_at = excluded.connected_at, meta_user_id = excluded.meta_user_id`;
// A reconnect that needs a choice keeps the current credentials until the choice is made.
const SET_PENDING = `status = 'pending_selection', status_reason = NULL, updated_at = excluded.updated_at, meta_user_id = excluded.meta_user_id`;

export async function saveConnected(d1: D1Database, ring: KeyRing, t: AccountTarget, c: Candidate, metaUserId: string | null, now = Date.now()) {
  return withAccountId(d1, t, async (id) => {
    const sealed = await sealCredentials(ring, id, c.credentials);
    const [upsert] = await d1.batch<{ id: string }>([
      d1
        .prepare(UPSERT.replace("%SET%", SET_CONNECTED))
        .bind(id, t.workspaceId, t.brandId, t.platform, c.externalId, c.name, c.loginVia, sealed, c.expiresAt, "connected", now, now, metaUserId),
      d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(id),
    ]);
    return upsert!.results.length === 1;
  });
}

export async function savePending(d1: D1Database, ring: KeyRing, t: AccountTarget, candidates: Candidate[], metaUserId: string | null, now = Date.now()) {
  return withAccountId(d1, t, async (id) => {
    const rows = await Promise.all(candidates.map(async (c) => ({ c, sealed: await sealCredentials(ring, id, c.credentials) })));
    const [upsert] = await d1.batch<{ id: string }>([
      d1.prepare(UPSERT.replace("%SET%", SET_PENDING)).bind(id, t.workspaceId, t.brandId, t.platform, "", null, null, "", null, "pending_selection", now, null, metaUserId),
      d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(id),
      ...rows.map(({ c, sealed }) =>
        d1
          .prepare("INSERT INTO account_candidates (account_id, external_id, name, login_via, credentials, expires_at) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM platform_accounts WHERE id = ?)")
          .bind(id, c.externalId, c.name, c.loginVia, sealed, c.expiresAt, id),
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

/** What the pending grant covers; empty when nothing waits for a choice (never connected, or already chosen). */
export async function listCandidates(d1: D1Database, t: AccountTarget) {
  const row = await accountRow(d1, t);
  if (!row || row.status !== "pending_selection") return [];
  const rows = await d1
    .prepare("SELECT external_id, name FROM account_candidates WHERE account_id = ? ORDER BY name, external_id")
    .bind(row.id)
    .all<{ external_id: string; name: string | null }>();
  return rows.results.map((r) => ({ externalId: r.external_id, name: r.name }));
}

/** The candidate's sealed credentials were sealed for this account's id: they move onto the row unchanged. */
export async function selectCandidate(d1: D1Database, t: AccountTarget, externalId: string, now = Date.now()) {
  const row = await pendingAccount(d1, t);
  const cand = await d1
    .prepare("SELECT * FROM account_candidates WHERE account_id = ? AND external_id = ?")
    .bind(row.id, externalId)
    .first<{ name: string | null; login_via: string | null; credentials: string; expires_at: number | null }>();
  if (!cand) throw notFound("Candidate");
  const [updated] = await d1.batch([
    d1
      .prepare(
        `UPDATE platform_accounts SET external_id = ?, name = ?, login_via = ?, credentials = ?, expires_at = ?, status = 'connected',
         status_reason = NULL, connected_at = ?, updated_at = ? WHERE id = ? AND status = 'pending_selection'`,
      )
      .bind(externalId, cand.name, cand.login_via, cand.credentials, cand.expires_at, now, now, row.id),
    d1.prepare("DELETE FROM account_candidates WHERE account_id = ?").bind(row.id),
  ]);
  if (!updated!.meta.changes) throw conflict("wrong_state", "Another choice was made at the same moment.");
}
