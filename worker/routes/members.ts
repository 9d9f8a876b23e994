// Members and invitations (API.md "Members"): every member reads the list;
// owners invite, revoke, change roles and remove. Accepting an invitation
// (and looking one up for the accept page) is outside the authenticated API:
// the invitee may have no account yet.
import { Hono } from "hono";
import { publicBase } from "../accounts/connect";
import type { AppEnv } from "../auth/context";
import { credentialOf, identityStatement, type IdentityRow } from "../auth/credential";
import { createSession, deleteSession } from "../auth/identity";
import { requireSameOrigin } from "../auth/csrf";
import { requireRole } from "../auth/middleware";
import { acceptInvitationInput, invitationInput, invitationLookupInput, memberRoleInput } from "../contract/schemas";
import { notFound } from "../errors";
import { acceptInvitation, createInvitation, previewInvitation, revokeInvitation } from "../members/invitations";
import { sendInviteEmail } from "../members/invite-email";
import { changeMemberRole, listMembers, removeMember } from "../members/roster";
import { readJson } from "../lib/validate";
import { setSessionCookie } from "./auth";

const owners = requireRole("owner");

export const memberRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.json(await listMembers(c.env.DB, c.get("actor").workspaceId)))
  .post("/invitations", owners, async (c) => {
    const input = await readJson(c, invitationInput);
    const actor = c.get("actor");
    const inv = await createInvitation(c.env.DB, actor.workspaceId, { userId: actor.userId!, name: actor.userName }, input);
    const url = `${publicBase(c.env, new URL(c.req.url).origin)}/invite/${inv.token}`;
    const emailed = await sendInviteEmail(c.env, { to: inv.email, workspaceName: inv.workspaceName, invitedBy: inv.invitedBy, role: inv.role, url });
    return c.json({ id: inv.id, email: inv.email, role: inv.role, expiresAt: inv.expiresAt, url, emailed }, 201);
  })
  .delete("/invitations/:id", owners, async (c) => {
    if (!(await revokeInvitation(c.env.DB, c.get("actor").workspaceId, c.req.param("id")))) throw notFound("Invitation");
    return c.body(null, 204);
  })
  .patch("/:userId", owners, async (c) => {
    const { role } = await readJson(c, memberRoleInput);
    await changeMemberRole(c.env.DB, c.get("actor").workspaceId, c.req.param("userId"), role);
    return c.body(null, 204);
  })
  .delete("/:userId", owners, async (c) => {
    await removeMember(c.env.DB, c.get("actor").workspaceId, c.req.param("userId"));
    return c.body(null, 204);
  });

/** Mounted at /api/auth, next to sign-up and sign-in. */
export const invitationAuthRoutes = new Hono<AppEnv>()
  // The accept page's first look: a POST, so the token never sits in a URL that logs keep.
  .post("/invitation", async (c) => {
    const { token } = await readJson(c, invitationLookupInput);
    return c.json(await previewInvitation(c.get("db"), token));
  })
  .post("/accept-invitation", async (c) => {
    requireSameOrigin(c);
    const input = await readJson(c, acceptInvitationInput);
    const db = c.get("db");
    // Signed in (a live session or token)? Then only as the invited email; an unknown or expired cookie counts as signed out.
    const cred = await credentialOf(c);
    const row = cred ? await identityStatement(c.env.DB, cred).first<IdentityRow>() : null;
    const me = row ? await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, row.userId) }) : undefined;
    const result = await acceptInvitation(db, { ...input, signedInAs: me ? { userId: me.id, email: me.email } : null });
    // A fresh session in the workspace just joined; the one it replaces ends.
    if (cred?.kind === "session" && row) await deleteSession(db, cred.hash);
    setSessionCookie(c, await createSession(db, result.user.id, result.workspace.id));
    return c.json(result);
  });
