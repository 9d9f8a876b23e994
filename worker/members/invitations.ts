// Invitations (API.md "Members"): an owner invites an email with a role and
// gets a single-use link, valid 7 days, shown once (only the token's SHA-256
// is stored). The invitee opens it, signs up or signs in, and joins.
//
// Accepting is one D1 batch whose writes are each conditional on the
// invitation still being open, so two tabs (or two people) accepting the same
// link make one membership (and at most one new user), and the second is a 410.
import type { Role } from "../auth/context";
import { sha256, randomToken } from "../auth/crypto";
import { checkCredentials, findUserByEmail, newUserRow } from "../auth/identity";
import { hitRateLimits } from "../auth/rate-limit";
import { newPassword } from "../contract/schemas";
import { named } from "../db/named";
import type { Db } from "../db/client";
import { ApiError, forbidden, invalid, notFound, unauthenticated } from "../errors";
import { newId } from "../lib/ids";
import { DAY, iso, MINUTE } from "../lib/time";
import { parseWith } from "../lib/validate";

export const INVITATION_TTL_MS = 7 * DAY;
/** Invitations an owner may send per workspace a day: enough for any team, too few to spam through our email sender. */
export const INVITATIONS_PER_DAY = 100;
/** Password guesses per invitation (an existing account's password) per 15 minutes. */
const ACCEPT_TRIES = 10;

export interface InvitationRow {
  id: string;
  workspaceId: string;
  workspaceName: string;
  email: string;
  role: Role;
  expiresAt: number;
  acceptedAt: number | null;
  invitedBy: string | null;
}

/** The invitation the link names, whatever its state; 404 when there is none (never issued, or revoked). */
async function invitationByToken(d1: D1Database, token: string): Promise<InvitationRow> {
  const row = await named(
    d1,
    `SELECT i.id AS id, i.workspace_id AS workspaceId, w.name AS workspaceName, i.email AS email, i.role AS role,
            i.expires_at AS expiresAt, i.accepted_at AS acceptedAt, u.name AS invitedBy
     FROM invitations i JOIN workspaces w ON w.id = i.workspace_id LEFT JOIN users u ON u.id = i.created_by
     WHERE i.token_hash = :hash`,
    { hash: await sha256(token) },
  ).first<InvitationRow>();
  if (!row) throw notFound("Invitation");
  return row;
}

/** 410 for a link that was used or has expired (API.md). */
function requireOpen(inv: InvitationRow, now: number): void {
  if (inv.acceptedAt !== null) throw new ApiError(410, "invitation_used", "This invitation link was already used. Ask an owner for a new one if you still need to join.");
  if (inv.expiresAt <= now) throw new ApiError(410, "invitation_expired", "This invitation link has expired (links last 7 days). Ask an owner for a new one.");
}

export interface CreatedInvitation {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
  token: string;
  workspaceName: string;
  invitedBy: string;
}

/**
 * A new invitation for `email`, replacing any open one for the same email in
 * the workspace (the owner lost the link, or wants another role). 409 for an
 * email that is already a member.
 */
export async function createInvitation(
  d1: D1Database,
  workspaceId: string,
  owner: { userId: string; name: string },
  input: { email: string; role: Role },
  now = Date.now(),
): Promise<CreatedInvitation> {
  const member = await named(
    d1,
    `SELECT w.name AS workspaceName,
            EXISTS (SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = :ws AND u.email = :email) AS isMember
     FROM workspaces w WHERE w.id = :ws`,
    { ws: workspaceId, email: input.email },
  ).first<{ workspaceName: string; isMember: number }>();
  if (member!.isMember) throw new ApiError(409, "already_member", `${input.email} is already a member of this workspace.`);
  if (await hitRateLimits(d1, [{ key: `invitations:${workspaceId}`, max: INVITATIONS_PER_DAY, windowMs: DAY }], now)) {
    throw new ApiError(429, "rate_limited", `A workspace can send ${INVITATIONS_PER_DAY} invitations a day. Try again tomorrow.`);
  }
  const token = randomToken();
  const id = newId("inv");
  const expiresAt = now + INVITATION_TTL_MS;
  await d1.batch([
    d1.prepare("DELETE FROM invitations WHERE workspace_id = ? AND email = ? AND accepted_at IS NULL").bind(workspaceId, input.email),
    d1
      .prepare("INSERT INTO invitations (id, workspace_id, email, role, token_hash, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .bind(id, workspaceId, input.email, input.role, await sha256(token), owner.userId, now, expiresAt),
  ]);
  return { id, email: input.email, role: input.role, expiresAt: iso(expiresAt), token, workspaceName: member!.workspaceName, invitedBy: owner.name };
}

/** Revokes an open invitation of the workspace: its link then answers 404. False when there is none. */
export async function revokeInvitation(d1: D1Database, workspaceId: string, id: string): Promise<boolean> {
  const res = await d1.prepare("DELETE FROM invitations WHERE id = ? AND workspace_id = ? AND accepted_at IS NULL").bind(id, workspaceId).run();
  return res.meta.changes > 0;
}

/** What the accept page shows: whom the link is for, where to, and whether that email has an account yet. */
export async function previewInvitation(db: Db, token: string, now = Date.now()) {
  const inv = await invitationByToken(db.$client, token);
  requireOpen(inv, now);
  return {
    email: inv.email,
    role: inv.role,
    workspace: { name: inv.workspaceName },
    invitedBy: inv.invitedBy,
    expiresAt: iso(inv.expiresAt),
    hasAccount: !!(await findUserByEmail(db, inv.email)),
  };
}

export interface AcceptInput {
  token: string;
  password?: string;
  name?: string;
  /** The user the request is signed in as, if any. */
  signedInAs: { userId: string; email: string } | null;
}

/**
 * Joins the invitation's workspace with its role. Signed in: only as the
 * invited email (403 otherwise). Not signed in: an existing account proves
 * itself with its password; a new email becomes a user with the password
 * given. A member already there keeps the role they have (so accepting never
 * demotes the last owner). Sign-up being closed does not matter here.
 */
export async function acceptInvitation(db: Db, input: AcceptInput, now = Date.now()) {
  const d1 = db.$client;
  const inv = await invitationByToken(d1, input.token);
  requireOpen(inv, now);

  let user: { id: string; email: string; name: string };
  let newUser: Awaited<ReturnType<typeof newUserRow>> | null = null;
  if (input.signedInAs) {
    if (input.signedInAs.email !== inv.email) {
      throw forbidden(`This invitation is for ${inv.email}, and you are signed in as ${input.signedInAs.email}. Sign out, then open the link again.`);
    }
    const row = (await findUserByEmail(db, inv.email))!;
    user = { id: row.id, email: row.email, name: row.name };
  } else {
    const existing = await findUserByEmail(db, inv.email);
    if (existing) {
      if (!input.password) throw invalid(`Enter the password of your Brandcast account (${inv.email}).`, [{ path: "password", message: "Enter your password.", code: "required" }]);
      if (await hitRateLimits(d1, [{ key: `accept:${inv.id}`, max: ACCEPT_TRIES, windowMs: 15 * MINUTE }], now)) {
        throw new ApiError(429, "rate_limited", "Too many attempts with this link. Wait 15 minutes and try again.");
      }
      const checked = await checkCredentials(db, inv.email, input.password);
      if (!checked) throw unauthenticated(`That is not the password of ${inv.email}.`);
      user = { id: checked.id, email: checked.email, name: checked.name };
    } else {
      const password = parseWith(newPassword, input.password ?? "");
      newUser = await newUserRow({ email: inv.email, password, name: input.name });
      user = { id: newUser.id, email: newUser.email, name: newUser.name };
    }
  }

  const p = { inv: inv.id, user: user.id, ws: inv.workspaceId, role: inv.role, now };
  const open = `EXISTS (SELECT 1 FROM invitations WHERE id = :inv AND accepted_at IS NULL AND expires_at > :now)`;
  const statements = [
    named(d1, `UPDATE invitations SET accepted_at = :now, accepted_by = :user WHERE id = :inv AND accepted_at IS NULL AND expires_at > :now`, p),
    named(
      d1,
      `INSERT OR IGNORE INTO memberships (user_id, workspace_id, role)
       SELECT :user, :ws, :role WHERE EXISTS (SELECT 1 FROM invitations WHERE id = :inv AND accepted_by = :user AND accepted_at = :now)`,
      p,
    ),
  ];
  if (newUser) {
    // First, and only while the invitation is open: a link used meanwhile creates no user.
    statements.unshift(
      named(
        d1,
        `INSERT INTO users (id, email, name, password_hash, password_salt, password_iterations)
         SELECT :user, :email, :name, :hash, :salt, :iterations WHERE ${open}`,
        { ...p, email: newUser.email, name: newUser.name, hash: newUser.passwordHash, salt: newUser.passwordSalt, iterations: newUser.passwordIterations },
      ),
    );
  }
  const results = await d1.batch(statements);
  const accepted = results[newUser ? 1 : 0]!;
  if (!accepted.meta.changes) requireOpen(await invitationByToken(d1, input.token), now);
  const membership = await d1
    .prepare("SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?")
    .bind(inv.workspaceId, user.id)
    .first<{ role: Role }>();
  return {
    user,
    workspace: { id: inv.workspaceId, name: inv.workspaceName },
    role: membership!.role,
  };
}
