// A workspace's members: who they are, changing a role, removing someone.
// A workspace always keeps an owner. That rule is a condition inside the one
// statement that writes (D1 runs statements one at a time), never a count read
// before the write: two owners demoting or removing each other at the same
// moment leave one owner, not none.
import type { Role } from "../auth/context";
import { named } from "../db/named";
import { ApiError, notFound } from "../errors";
import { iso } from "../lib/time";
import type { Invitation, Member } from "../contract/schemas";

/** True while the member may stop being an owner: they are not one, or another owner remains. */
const KEEPS_AN_OWNER = `(role <> 'owner' OR (SELECT COUNT(*) FROM memberships WHERE workspace_id = :ws AND role = 'owner') > 1)`;

const lastOwner = () =>
  new ApiError(409, "last_owner", "A workspace needs an owner: make someone else an owner first.");

export async function listMembers(d1: D1Database, workspaceId: string, now = Date.now()): Promise<{ members: Member[]; invitations: Invitation[] }> {
  const [members, invitations] = await d1.batch([
    named(
      d1,
      `SELECT m.user_id AS userId, u.email AS email, u.name AS name, m.role AS role, m.created_at AS joinedAt
       FROM memberships m JOIN users u ON u.id = m.user_id
       WHERE m.workspace_id = :ws ORDER BY m.created_at, u.email`,
      { ws: workspaceId },
    ),
    named(
      d1,
      `SELECT i.id AS id, i.email AS email, i.role AS role, i.expires_at AS expiresAt, i.created_by AS creatorId, u.name AS creatorName
       FROM invitations i LEFT JOIN users u ON u.id = i.created_by
       WHERE i.workspace_id = :ws AND i.accepted_at IS NULL AND i.expires_at > :now ORDER BY i.created_at, i.email`,
      { ws: workspaceId, now },
    ),
  ]);
  type MemberRow = Omit<Member, "joinedAt"> & { joinedAt: number };
  type InvitationRow = { id: string; email: string; role: Role; expiresAt: number; creatorId: string | null; creatorName: string | null };
  return {
    members: (members!.results as MemberRow[]).map((m) => ({ ...m, joinedAt: iso(m.joinedAt) })),
    invitations: (invitations!.results as InvitationRow[]).map((i) => ({
      id: i.id,
      email: i.email,
      role: i.role,
      expiresAt: iso(i.expiresAt),
      createdBy: i.creatorId ? { id: i.creatorId, name: i.creatorName ?? "" } : null,
    })),
  };
}

/** 404 when the user is not a member of the workspace, else 409: the write was refused by the last-owner rule. */
async function refusal(d1: D1Database, workspaceId: string, userId: string): Promise<ApiError> {
  const row = await d1.prepare("SELECT 1 FROM memberships WHERE workspace_id = ? AND user_id = ?").bind(workspaceId, userId).first();
  return row ? lastOwner() : notFound("Member");
}

export async function changeMemberRole(d1: D1Database, workspaceId: string, userId: string, role: Role): Promise<void> {
  const updated = await named(
    d1,
    `UPDATE memberships SET role = :role
     WHERE workspace_id = :ws AND user_id = :user AND (:role = 'owner' OR ${KEEPS_AN_OWNER})
     RETURNING user_id`,
    { ws: workspaceId, user: userId, role },
  ).first();
  if (!updated) throw await refusal(d1, workspaceId, userId);
}

/**
 * Removes the member and ends their access to the workspace at once: their
 * sessions bound to it and their API tokens for it go in the same batch, each
 * only once the membership is gone (so a refused removal ends nothing). A
 * session bound to another workspace that names this one in X-Workspace finds
 * no membership and is refused by authentication.
 */
export async function removeMember(d1: D1Database, workspaceId: string, userId: string): Promise<void> {
  const p = { ws: workspaceId, user: userId };
  const gone = `NOT EXISTS (SELECT 1 FROM memberships WHERE workspace_id = :ws AND user_id = :user)`;
  const [removed] = await d1.batch([
    named(d1, `DELETE FROM memberships WHERE workspace_id = :ws AND user_id = :user AND ${KEEPS_AN_OWNER} RETURNING user_id`, p),
    named(d1, `DELETE FROM sessions WHERE workspace_id = :ws AND user_id = :user AND ${gone}`, p),
    named(d1, `DELETE FROM api_tokens WHERE workspace_id = :ws AND user_id = :user AND ${gone}`, p),
  ]);
  if (!removed!.results.length) throw await refusal(d1, workspaceId, userId);
}
