// `account.expiring` (API.md): a connected account's credentials expire
// within the refresh window and nothing can renew them automatically (a
// pasted token, an app whose credentials are not configured, a renewal the
// provider refuses while the token still works). Written once per expiry:
// the event and `expiry_warned_for` share one batch and one condition, so a
// second refresh run, or two at once, warn once; a new expiry (after a
// reconnect) warns again.
import type { AccountRow } from "../accounts/credentials";
import type { Env } from "../env";
import { claimEvents, eventInsert, relayClaimed } from "./outbox";

export const UNRENEWABLE_REASON = "Brandcast cannot renew this access by itself (the token was pasted in, or the platform's app credentials are not configured).";

export async function warnExpiring(env: Env, account: Pick<AccountRow, "id" | "workspace_id">, reason = UNRENEWABLE_REASON): Promise<boolean> {
  const db = env.DB;
  const due = "a.id = ? AND a.status = 'connected' AND a.expires_at IS NOT NULL AND a.expiry_warned_for IS NOT a.expires_at";
  const [event, , claim] = await db.batch([
    eventInsert(db, {
      workspaceId: account.workspace_id,
      type: "account.expiring",
      data: {
        sql: `json_object('accountId', a.id, 'brandId', a.brand_id, 'brandName', b.name, 'platform', a.platform, 'name', a.name,
                'externalId', a.external_id, 'expiresAt', strftime('%Y-%m-%dT%H:%M:%fZ', a.expires_at / 1000.0, 'unixepoch'), 'reason', ?)`,
        binds: [reason],
      },
      from: { sql: `FROM platform_accounts a LEFT JOIN brands b ON b.id = a.brand_id WHERE ${due}`, binds: [account.id] },
    }),
    db.prepare(`UPDATE platform_accounts AS a SET expiry_warned_for = a.expires_at WHERE ${due}`).bind(account.id),
    claimEvents(db),
  ]);
  await relayClaimed(env, claim);
  return event!.meta.changes > 0;
}
