// Email for what needs an owner (issue 18 item 8): with Cloudflare Email
// Service's `send_email` binding (EMAIL) and a sender (EMAIL_FROM), a
// workspace's owners get the needs-attention events (EMAIL_TYPES) as one
// digest, at most one an hour. The fan-out marks a workspace pending; the
// digest goes at once when the last one is an hour old, otherwise the minute's
// relay pass sends it when the hour is up. Without the binding nothing is
// marked and nothing is sent.
import type { Env } from "../env";
import { DAY, HOUR } from "../lib/time";
import { emailConfigured, escapeHtml, sendEmail } from "../lib/email";
import { logError } from "../lib/log";
import { EMAIL_TYPES, eventBody, sqlNames, type EventRow } from "./events";
import { eventWords, type EventWords } from "./words";

export const DIGEST_EVERY_MS = HOUR;
/** Events older than this are not mailed (a deployment that just got the binding does not mail its history). */
const DIGEST_LOOKBACK_MS = DAY;
const DIGEST_MAX_ITEMS = 30;

export const emailEnabled = emailConfigured;

/** The fan-out's statement for an event owners should hear about. */
export const markDigestPending = (db: D1Database, workspaceId: string) =>
  db.prepare("INSERT INTO email_digests (workspace_id, pending) VALUES (?, 1) ON CONFLICT (workspace_id) DO UPDATE SET pending = 1").bind(workspaceId);

/** Subject and bodies of one digest: each event's title, its words and a link. */
export function composeDigest(workspaceName: string, items: EventWords[], more: number, base: string | null) {
  const n = items.length + more;
  const subject = `${workspaceName}: ${n === 1 ? "1 thing needs" : `${n} things need`} your attention`;
  const url = (link: string) => (base ? `${base}${link}` : null);
  const text = [
    `In ${workspaceName} on Brandcast:`,
    "",
    ...items.flatMap((i) => [`• ${i.title}`, `  ${i.body}`, ...(url(i.link) ? [`  ${url(i.link)}`] : []), ""]),
    ...(more ? [`…and ${more} more in the app.`, ""] : []),
    "You get this because you own the workspace. At most one digest an hour.",
  ].join("\n");
  const html = `<p>In <strong>${escapeHtml(workspaceName)}</strong> on Brandcast:</p>
<ul>${items
    .map((i) => {
      const title = url(i.link) ? `<a href="${escapeHtml(url(i.link)!)}">${escapeHtml(i.title)}</a>` : escapeHtml(i.title);
      return `<li><p><strong>${title}</strong><br>${escapeHtml(i.body)}</p></li>`;
    })
    .join("")}</ul>
${more ? `<p>…and ${more} more in the app.</p>` : ""}<p>You get this because you own the workspace. At most one digest an hour.</p>`;
  return { subject, text, html };
}

/** Sends the workspace's digest if one is pending and the last went out an hour ago or more. */
export async function sendDigestIfDue(env: Env, workspaceId: string, now = Date.now()): Promise<boolean> {
  if (!emailEnabled(env)) return false;
  const db = env.DB;
  // The claim: one sender per hour, however many fan-outs and passes race for it.
  const claim = await db
    .prepare(
      `UPDATE email_digests SET last_sent_at = ?1 WHERE workspace_id = ?2 AND pending = 1 AND (last_sent_at IS NULL OR last_sent_at <= ?1 - ?3)
       RETURNING sent_through`,
    )
    .bind(now, workspaceId, DIGEST_EVERY_MS)
    .first<{ sent_through: number }>();
  if (!claim) return false;
  const since = Math.max(claim.sent_through, now - DIGEST_LOOKBACK_MS);
  const [eventsRes, ownersRes, wsRes] = await db.batch<unknown>([
    db
      .prepare(
        `SELECT id, workspace_id, type, data, webhook_id, created_at FROM events
         WHERE workspace_id = ? AND created_at > ? AND type IN ${sqlNames(EMAIL_TYPES)} ORDER BY created_at LIMIT ?`,
      )
      .bind(workspaceId, since, DIGEST_MAX_ITEMS + 200),
    db.prepare("SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = ? AND m.role = 'owner'").bind(workspaceId),
    db.prepare("SELECT name FROM workspaces WHERE id = ?").bind(workspaceId),
  ]);
  const events = eventsRes!.results as EventRow[];
  const owners = (ownersRes!.results as Array<{ email: string }>).map((o) => o.email);
  const through = events.at(-1)?.created_at ?? since;
  const settle = db
    .prepare(
      `UPDATE email_digests SET sent_through = ?1,
         pending = EXISTS (SELECT 1 FROM events WHERE workspace_id = ?2 AND created_at > ?1 AND type IN ${sqlNames(EMAIL_TYPES)})
       WHERE workspace_id = ?2`,
    )
    .bind(through, workspaceId);
  if (!events.length || !owners.length) {
    await settle.run();
    return false;
  }
  const shown = events.slice(0, DIGEST_MAX_ITEMS).map((e) => {
    const body = eventBody(e);
    return eventWords(body.type, body.data);
  });
  const name = (wsRes!.results[0] as { name: string } | undefined)?.name ?? "Your workspace";
  const mail = composeDigest(name, shown, events.length - shown.length, env.PUBLIC_BASE_URL?.replace(/\/+$/, "") || null);
  try {
    for (const to of owners) await sendEmail(env, { to, ...mail });
  } catch (err) {
    // Still pending: the relay pass tries again once the hour is up.
    logError("notification digest not sent", { workspaceId, error: String(err) });
    return false;
  }
  await settle.run();
  return true;
}

/** The relay pass's part: digests whose hour is up. */
export async function sendDueDigests(env: Env, now = Date.now()): Promise<number> {
  if (!emailEnabled(env)) return 0;
  const due = await env.DB.prepare("SELECT workspace_id FROM email_digests WHERE pending = 1 AND (last_sent_at IS NULL OR last_sent_at <= ?) LIMIT 50")
    .bind(now - DIGEST_EVERY_MS)
    .all<{ workspace_id: string }>();
  let sent = 0;
  for (const r of due.results) if (await sendDigestIfDue(env, r.workspace_id, now)) sent++;
  return sent;
}
