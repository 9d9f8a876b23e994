// Members and invitations (API.md "Members", issue 16 item 14): every member
// reads the list; only owners invite, revoke, change roles and remove; an
// invitation is a single-use link valid 7 days whose token is stored hashed; a
// workspace never loses its last owner, not even to two owners demoting or
// removing each other at the same moment; a removed member's access ends at once.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import type { Role } from "../worker/auth/context";
import { sha256 } from "../worker/auth/crypto";
import { changeMemberRole, removeMember } from "../worker/members/roster";
import {
  addMember,
  call,
  countRows,
  createBrand,
  expectClientError,
  expectNothingWritten,
  invite,
  json,
  ORIGIN,
  PASSWORD,
  signup,
  unique,
  type Caller,
  type Session,
} from "./support/fixtures";

const DAY = 86_400_000;
const newEmail = () => `${unique("person")}@example.test`;

/** A member of `owner`'s workspace with `role`, signed in there (their session is bound to it). */
async function joined(owner: Session, role: Role): Promise<Session> {
  const inv = await invite(owner, newEmail(), role);
  const res = await call("/api/auth/accept-invitation", { body: { token: inv.token, password: PASSWORD, name: `A ${role}` } });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { user: { id: string } };
  return { cookie: res.headers.get("set-cookie")!.split(";")[0]!, workspaceId: owner.workspaceId, userId: body.user.id, email: inv.email };
}

const accept = (body: Record<string, unknown>, caller: Caller = {}) => call("/api/auth/accept-invitation", { ...caller, body });
const cookieOf = (res: Response) => res.headers.get("set-cookie")?.split(";")[0] ?? null;
const members = (s: Caller) => json<{ members: Array<{ userId: string; email: string; name: string; role: Role; joinedAt: string }>; invitations: Array<Record<string, unknown>> }>("/api/members", s, 200);
const roleOf = async (s: Caller, userId: string) => (await members(s)).members.find((m) => m.userId === userId)?.role;
const setRole = (s: Caller, userId: string, role: string) => call(`/api/members/${userId}`, { ...s, method: "PATCH", body: { role } });
const remove = (s: Caller, userId: string) => call(`/api/members/${userId}`, { ...s, method: "DELETE" });
/** One invitation of the owner's used, and one expired. */
async function usedAndExpired(owner: Session) {
  const used = await invite(owner);
  expect((await accept({ token: used.token, password: PASSWORD })).status).toBe(200);
  const expired = await invite(owner);
  await env.DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?").bind(Date.now() - 1, expired.id).run();
  return { used, expired };
}
const ownerCount = async (workspaceId: string) => countRows("memberships", "workspace_id = ? AND role = 'owner'", workspaceId);

describe("GET /api/members", () => {
  it("every member (owner, editor, viewer) reads the members and the open invitations, nothing of another workspace", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    const viewer = await joined(owner, "viewer");
    const pending = await invite(owner, newEmail(), "viewer");
    const stranger = await signup();
    await invite(stranger, newEmail());

    for (const who of [owner, editor, viewer]) {
      const list = await members(who);
      expect(list.members.map((m) => [m.userId, m.role])).toEqual([
        [owner.userId, "owner"],
        [editor.userId, "editor"],
        [viewer.userId, "viewer"],
      ]);
      expect(list.members[1]).toEqual({ userId: editor.userId, email: editor.email, name: "A editor", role: "editor", joinedAt: expect.any(String) });
      expect(list.invitations).toEqual([
        { id: pending.id, email: pending.email, role: "viewer", expiresAt: pending.expiresAt, createdBy: { id: owner.userId, name: expect.any(String) } },
      ]);
    }
  });

  it("lists neither used nor expired invitations", async () => {
    const owner = await signup();
    await usedAndExpired(owner);
    expect((await members(owner)).invitations).toEqual([]);
  });
});

describe("POST /api/members/invitations", () => {
  it("answers 201 with a link to the web app's accept page, valid 7 days; D1 keeps only the token's SHA-256", async () => {
    const owner = await signup();
    const email = newEmail();
    const before = Date.now();
    const res = await call("/api/members/invitations", { ...owner, body: { email: email.toUpperCase(), role: "viewer" } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; email: string; role: string; expiresAt: string; url: string; emailed: boolean };
    expect(body).toEqual({ id: expect.any(String), email, role: "viewer", expiresAt: expect.any(String), url: expect.any(String), emailed: false });
    // PUBLIC_BASE_URL (the tests' http://app.test) is the app's origin.
    expect(body.url).toMatch(/^http:\/\/app\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * DAY);

    const token = body.url.split("/").pop()!;
    const row = await env.DB.prepare("SELECT * FROM invitations WHERE id = ?").bind(body.id).first<Record<string, unknown>>();
    expect(row!.token_hash).toBe(await sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    // Shown once: no later answer carries it.
    expect(JSON.stringify(await members(owner))).not.toContain(token);
  });

  it("is for owners only: editors and viewers get 403 and nothing is written", async () => {
    const owner = await signup();
    for (const role of ["editor", "viewer"] as const) {
      const member = await joined(owner, role);
      await expectNothingWritten(owner.workspaceId, async () => {
        await expectClientError(await call("/api/members/invitations", { ...member, body: { email: newEmail(), role: "viewer" } }), 403, "forbidden", role);
      });
    }
  });

  it("answers 400 to bad input and writes nothing", async () => {
    const owner = await signup();
    const bodies: unknown[] = [
      {},
      { email: newEmail() },
      { role: "editor" },
      { email: "not an email", role: "editor" },
      { email: newEmail(), role: "admin" },
      { email: newEmail(), role: "editor", workspaceId: "wsp_x" },
      { email: ["a@b.test"], role: "editor" },
    ];
    await expectNothingWritten(owner.workspaceId, async () => {
      for (const body of bodies) await expectClientError(await call("/api/members/invitations", { ...owner, body }), 400, "invalid_input", JSON.stringify(body));
      await expectClientError(await call("/api/members/invitations", { ...owner, rawBody: "{nope" }), 400, "invalid_input", "not JSON");
    });
  });

  it("answers 409 for someone who is already a member", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await call("/api/members/invitations", { ...owner, body: { email: editor.email, role: "owner" } }), 409, "already_member");
      await expectClientError(await call("/api/members/invitations", { ...owner, body: { email: owner.email, role: "viewer" } }), 409, "already_member");
    });
  });

  it("a new invitation for the same email replaces the open one: the old link stops working", async () => {
    const owner = await signup();
    const email = newEmail();
    const first = await invite(owner, email, "viewer");
    const second = await invite(owner, email, "editor");
    expect((await members(owner)).invitations.map((i) => i.id)).toEqual([second.id]);
    await expectClientError(await accept({ token: first.token, password: PASSWORD }), 404, "not_found");
    expect((await json("/api/auth/accept-invitation", { body: { token: second.token, password: PASSWORD } }, 200)).role).toBe("editor");
  });
});

describe("invitation emails", () => {
  /** A `send_email` binding that records what it was asked to send. */
  function recordingSender(fail = false) {
    const sent: Array<Record<string, any>> = [];
    return {
      sent,
      binding: {
        async send(message: Record<string, any>) {
          if (fail) throw new Error("email service unavailable");
          sent.push(message);
          return { messageId: "m1" };
        },
      } as unknown as SendEmail,
    };
  }

  function inviteWith(owner: Session, vars: Record<string, unknown>, email: string) {
    const req = new Request(`${ORIGIN}/api/members/invitations`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json", cookie: owner.cookie },
      body: JSON.stringify({ email, role: "editor" }),
    });
    return createApp().fetch(req, { ...env, ...vars }, createExecutionContext());
  }

  it("are sent through the send_email binding when one and a sender address are configured, with the link", async () => {
    const owner = await signup();
    const { sent, binding } = recordingSender();
    const email = newEmail();
    const res = await inviteWith(owner, { EMAIL: binding, EMAIL_FROM: "invites@brandcast.test" }, email);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; emailed: boolean };
    expect(body.emailed).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: { name: "Brandcast", email: "invites@brandcast.test" }, to: email });
    expect(sent[0]!.subject).toMatch(/invited you to .+ on Brandcast/);
    expect(sent[0]!.text).toContain(body.url);
    expect(sent[0]!.text).toMatch(/as an editor/);
    expect(sent[0]!.html).toContain(`href="${body.url}"`);
  });

  it("are not sent without a sender address, and a failing email service still makes the invitation (to copy)", async () => {
    const owner = await signup();
    const quiet = recordingSender();
    const noFrom = await inviteWith(owner, { EMAIL: quiet.binding }, newEmail());
    expect(noFrom.status).toBe(201);
    expect(((await noFrom.json()) as { emailed: boolean }).emailed).toBe(false);
    expect(quiet.sent).toEqual([]);

    const broken = recordingSender(true);
    const res = await inviteWith(owner, { EMAIL: broken.binding, EMAIL_FROM: "invites@brandcast.test" }, newEmail());
    expect(res.status).toBe(201);
    expect(((await res.json()) as { emailed: boolean }).emailed).toBe(false);
    expect((await members(owner)).invitations).toHaveLength(2);
  });
});

describe("DELETE /api/members/invitations/:id", () => {
  it("revokes an open invitation: its link answers 404 from then on; a second revoke is 404", async () => {
    const owner = await signup();
    const inv = await invite(owner);
    expect((await call(`/api/members/invitations/${inv.id}`, { ...owner, method: "DELETE" })).status).toBe(204);
    await expectClientError(await accept({ token: inv.token, password: PASSWORD }), 404, "not_found");
    await expectClientError(await call(`/api/members/invitations/${inv.id}`, { ...owner, method: "DELETE" }), 404, "not_found");
    expect(await countRows("users", "email = ?", inv.email)).toBe(0);
  });

  it("is for owners only, and another workspace's owner gets 404", async () => {
    const owner = await signup();
    const inv = await invite(owner);
    const editor = await joined(owner, "editor");
    const stranger = await signup();
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await call(`/api/members/invitations/${inv.id}`, { ...editor, method: "DELETE" }), 403, "forbidden");
      await expectClientError(await call(`/api/members/invitations/${inv.id}`, { ...stranger, method: "DELETE" }), 404, "not_found");
    });
  });
});

describe("POST /api/auth/invitation (the accept page's look-up)", () => {
  it("says whom the link is for, where to, as what, and whether that email has an account", async () => {
    const owner = await signup();
    const fresh = await invite(owner, newEmail(), "viewer");
    const other = await signup();
    const existing = await invite(owner, other.email, "editor");
    const look = (token: string) => json("/api/auth/invitation", { body: { token } });
    expect(await look(fresh.token)).toEqual({
      email: fresh.email,
      role: "viewer",
      workspace: { name: expect.any(String) },
      invitedBy: expect.any(String),
      expiresAt: fresh.expiresAt,
      hasAccount: false,
    });
    expect((await look(existing.token)).hasAccount).toBe(true);
    await expectClientError(await call("/api/auth/invitation", { body: { token: "A".repeat(43) } }), 404, "not_found");
    await expectClientError(await call("/api/auth/invitation", { body: { token: "" } }), 400, "invalid_input");
  });
});

describe("POST /api/auth/accept-invitation", () => {
  it("a new email becomes a user with the password given, joins with the invitation's role and is signed in there", async () => {
    const owner = await signup();
    const brand = await createBrand(owner, { name: "Shared brand" });
    const inv = await invite(owner, newEmail(), "editor");
    const res = await accept({ token: inv.token, password: "a long new password", name: "Nova" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { user: { id: string; email: string; name: string }; workspace: { id: string }; role: string };
    expect(body).toEqual({ user: { id: expect.any(String), email: inv.email, name: "Nova" }, workspace: { id: owner.workspaceId, name: expect.any(String) }, role: "editor" });
    const cookie = cookieOf(res)!;
    expect(cookie).toMatch(/=.{20,}/);
    const me = await json("/api/me", { cookie }, 200);
    expect(me.currentWorkspaceId).toBe(owner.workspaceId);
    expect(me.workspaces).toEqual([{ id: owner.workspaceId, name: expect.any(String), role: "editor" }]);
    expect((await json("/api/brands", { cookie }, 200)).brands.map((b: { id: string }) => b.id)).toEqual([brand.id]);
    // The password works for signing in later.
    expect((await call("/api/auth/login", { body: { email: inv.email, password: "a long new password" } })).status).toBe(200);
  });

  it("works while sign-up is closed", async () => {
    const owner = await signup();
    const inv = await invite(owner, newEmail(), "viewer");
    const req = new Request(`${ORIGIN}/api/auth/accept-invitation`, {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ token: inv.token, password: PASSWORD }),
    });
    const res = await createApp().fetch(req, { ...env, SIGNUP_ENABLED: "false" }, createExecutionContext());
    expect(res.status).toBe(200);
    expect(await countRows("users", "email = ?", inv.email)).toBe(1);
  });

  it("a new email without a good password is 400, and creates no user and leaves the link open", async () => {
    const owner = await signup();
    const inv = await invite(owner);
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await accept({ token: inv.token }), 400, "invalid_input", "no password");
      const err = await expectClientError(await accept({ token: inv.token, password: "short" }), 400, "invalid_input", "short");
      expect(err.message).toMatch(/10 characters/);
      await expectClientError(await accept({ token: inv.token, password: PASSWORD, role: "owner" }), 400, "invalid_input", "unknown field");
      await expectClientError(await accept({ password: PASSWORD }), 400, "invalid_input", "no token");
      await expectClientError(await accept({ token: inv.token, password: PASSWORD, name: "" }), 400, "invalid_input", "empty name");
    });
    expect(await countRows("users", "email = ?", inv.email)).toBe(0);
    expect((await accept({ token: inv.token, password: PASSWORD })).status).toBe(200);
  });

  it("an existing account accepts with its password (not signed in); a wrong or missing password changes nothing", async () => {
    const owner = await signup();
    const other = await signup();
    const inv = await invite(owner, other.email, "viewer");
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await accept({ token: inv.token }), 400, "invalid_input", "no password");
    });
    // A wrong password counts against the link's attempts, and does nothing else.
    const wrong = await accept({ token: inv.token, password: "not the password" });
    expect(wrong.headers.get("set-cookie")).toBeNull();
    await expectClientError(wrong, 401, "unauthenticated", "wrong password");
    expect(await countRows("memberships", "workspace_id = ?", owner.workspaceId)).toBe(1);
    expect(await countRows("invitations", "id = ? AND accepted_at IS NULL", inv.id)).toBe(1);
    const res = await accept({ token: inv.token, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { user: { id: string } }).user.id).toBe(other.userId);
    const me = await json("/api/me", { cookie: cookieOf(res)! }, 200);
    expect(me.currentWorkspaceId).toBe(owner.workspaceId);
    expect(me.workspaces.map((w: { id: string; role: string }) => [w.id, w.role])).toEqual([
      [other.workspaceId, "owner"],
      [owner.workspaceId, "viewer"],
    ]);
    // The account's own password is unchanged.
    expect((await call("/api/auth/login", { body: { email: other.email, password: PASSWORD } })).status).toBe(200);
  });

  it("an existing account signed in as the invited email accepts without a password; its old session is replaced", async () => {
    const owner = await signup();
    const other = await signup();
    const inv = await invite(owner, other.email, "editor");
    const res = await accept({ token: inv.token }, { cookie: other.cookie });
    expect(res.status).toBe(200);
    const me = await json("/api/me", { cookie: cookieOf(res)! }, 200);
    expect(me.currentWorkspaceId).toBe(owner.workspaceId);
    expect(me.role).toBe("editor");
    await expectClientError(await call("/api/me", other), 401, "unauthenticated");
  });

  it("signed in as someone else: 403, whatever password comes along, and the link stays open", async () => {
    const owner = await signup();
    const invitee = await signup();
    const intruder = await signup();
    const inv = await invite(owner, invitee.email, "editor");
    await expectNothingWritten(owner.workspaceId, async () => {
      const err = await expectClientError(await accept({ token: inv.token }, { cookie: intruder.cookie }), 403, "forbidden");
      expect(err.message).toContain(invitee.email);
      await expectClientError(await accept({ token: inv.token, password: PASSWORD }, { cookie: intruder.cookie }), 403, "forbidden", "with the invitee's password");
    });
    expect((await call("/api/me", intruder)).status).toBe(200);
    expect((await accept({ token: inv.token }, { cookie: invitee.cookie })).status).toBe(200);
  });

  it("a used link is 410, and so is an expired one; neither writes anything", async () => {
    const owner = await signup();
    const { used: inv, expired: late } = await usedAndExpired(owner);
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await accept({ token: inv.token, password: PASSWORD }), 410, "invitation_used", "reused");
      await expectClientError(await accept({ token: inv.token }, { cookie: owner.cookie }), 410, "invitation_used", "reused, signed in");
      await expectClientError(await accept({ token: late.token, password: PASSWORD }), 410, "invitation_expired", "expired");
      await expectClientError(await call("/api/auth/invitation", { body: { token: late.token } }), 410, "invitation_expired", "look-up");
    });
    expect(await countRows("users", "email = ?", late.email)).toBe(0);
  });

  it("the same link accepted twice at once makes one user and one membership; the other answer is 410", async () => {
    const owner = await signup();
    const inv = await invite(owner, newEmail(), "viewer");
    const answers = await Promise.all([1, 2, 3].map(() => accept({ token: inv.token, password: PASSWORD })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 410, 410]);
    for (const r of answers.filter((r) => r.status === 410)) await expectClientError(r, 410, "invitation_used");
    expect(await countRows("users", "email = ?", inv.email)).toBe(1);
    expect(await countRows("memberships", "workspace_id = ?", owner.workspaceId)).toBe(2);
  });

  it("a member already there keeps their role: accepting never demotes anyone", async () => {
    const owner = await signup();
    // An invitation for the owner's own email (the API refuses to make one; an old row could exist).
    const token = unique("tok_").padEnd(43, "x");
    await env.DB.prepare("INSERT INTO invitations (id, workspace_id, email, role, token_hash, expires_at) VALUES (?, ?, ?, 'viewer', ?, ?)")
      .bind(unique("inv_"), owner.workspaceId, owner.email, await sha256(token), Date.now() + DAY)
      .run();
    const res = await accept({ token }, { cookie: owner.cookie });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { role: string }).role).toBe("owner");
    expect(await roleOf({ cookie: cookieOf(res)! }, owner.userId)).toBe("owner");
  });
});

describe("PATCH /api/members/:userId", () => {
  it("an owner changes a role; it applies to the member's next request", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    expect((await call("/api/brands", { ...editor, body: { slug: unique("e"), name: "By editor" } })).status).toBe(201);
    expect((await setRole(owner, editor.userId, "viewer")).status).toBe(204);
    expect(await roleOf(owner, editor.userId)).toBe("viewer");
    expect((await json("/api/me", editor, 200)).role).toBe("viewer");
    await expectClientError(await call("/api/brands", { ...editor, body: { slug: unique("e"), name: "Now refused" } }), 403, "forbidden");
    expect((await setRole(owner, editor.userId, "owner")).status).toBe(204);
    expect(await roleOf(owner, editor.userId)).toBe("owner");
  });

  it("is for owners only", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    const viewer = await joined(owner, "viewer");
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await setRole(editor, viewer.userId, "editor"), 403, "forbidden", "editor");
      await expectClientError(await setRole(editor, editor.userId, "owner"), 403, "forbidden", "editor promoting themselves");
      await expectClientError(await setRole(viewer, viewer.userId, "owner"), 403, "forbidden", "viewer");
    });
  });

  it("answers 400 to a bad role or an unknown field, 404 to a user who is not a member here", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    const stranger = await signup();
    await expectNothingWritten(owner.workspaceId, async () => {
      for (const body of [{}, { role: "admin" }, { role: "viewer", userId: owner.userId }, { role: null }]) {
        await expectClientError(await call(`/api/members/${editor.userId}`, { ...owner, method: "PATCH", body }), 400, "invalid_input", JSON.stringify(body));
      }
      await expectClientError(await setRole(owner, stranger.userId, "viewer"), 404, "not_found", "another workspace's user");
      await expectClientError(await setRole(owner, "usr_nobody", "viewer"), 404, "not_found", "nobody");
    });
    expect(await roleOf(stranger, stranger.userId)).toBe("owner");
  });

  it("never demotes the last owner (409); with two owners one may step down, then the other may not", async () => {
    const owner = await signup();
    await expectNothingWritten(owner.workspaceId, async () => {
      const err = await expectClientError(await setRole(owner, owner.userId, "editor"), 409, "last_owner");
      expect(err.message).toMatch(/owner/);
    });
    // Making an owner an owner again is no demotion.
    expect((await setRole(owner, owner.userId, "owner")).status).toBe(204);
    const second = await joined(owner, "owner");
    expect((await setRole(second, owner.userId, "editor")).status).toBe(204);
    await expectClientError(await setRole(second, second.userId, "viewer"), 409, "last_owner");
    expect(await ownerCount(owner.workspaceId)).toBe(1);
  });
});

describe("DELETE /api/members/:userId", () => {
  it("removes the member and ends their access there at once: their session and API token stop working", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    const { token } = await json<{ token: string }>("/api/tokens", { ...editor, body: { name: "editor's script" } }, 201);
    // A member who also has a workspace of their own, and reaches this one with X-Workspace.
    const elsewhere = await signup();
    await addMember(owner.workspaceId, elsewhere.userId, "viewer");
    expect((await call("/api/brands", { ...elsewhere, workspace: owner.workspaceId })).status).toBe(200);

    expect((await remove(owner, editor.userId)).status).toBe(204);
    expect((await remove(owner, elsewhere.userId)).status).toBe(204);
    await expectClientError(await call("/api/brands", editor), 401, "unauthenticated", "the removed member's session");
    await expectClientError(await call("/api/brands", { token }), 401, "unauthenticated", "the removed member's token");
    await expectClientError(await call("/api/brands", { ...elsewhere, workspace: owner.workspaceId }), 403, "forbidden", "X-Workspace");
    // Their own workspace is untouched.
    expect((await call("/api/brands", elsewhere)).status).toBe(200);
    expect((await members(owner)).members.map((m) => m.userId)).toEqual([owner.userId]);
    expect(await countRows("sessions", "user_id = ? AND workspace_id = ?", editor.userId, owner.workspaceId)).toBe(0);
    expect(await countRows("api_tokens", "user_id = ? AND workspace_id = ?", editor.userId, owner.workspaceId)).toBe(0);
    // Invited again, they come back; the old token does not.
    const again = await invite(owner, editor.email, "viewer");
    expect((await accept({ token: again.token, password: PASSWORD })).status).toBe(200);
    await expectClientError(await call("/api/brands", { token }), 401, "unauthenticated", "the old token after rejoining");
  });

  it("is for owners only, 404 across workspaces, and never removes the last owner (409), who keeps their access", async () => {
    const owner = await signup();
    const editor = await joined(owner, "editor");
    const viewer = await joined(owner, "viewer");
    const stranger = await signup();
    await expectNothingWritten(owner.workspaceId, async () => {
      await expectClientError(await remove(editor, viewer.userId), 403, "forbidden", "editor");
      await expectClientError(await remove(viewer, viewer.userId), 403, "forbidden", "viewer leaving");
      await expectClientError(await remove(stranger, editor.userId), 404, "not_found", "another workspace's owner");
      await expectClientError(await remove(owner, stranger.userId), 404, "not_found", "a user of another workspace");
      await expectClientError(await remove(owner, owner.userId), 409, "last_owner", "the last owner");
    });
    expect((await call("/api/brands", owner)).status).toBe(200);
  });
});

describe("the last owner under concurrency", () => {
  /** A workspace with exactly two owners. */
  async function twoOwners() {
    const a = await signup();
    const b = await joined(a, "owner");
    return { a, b };
  }

  /**
   * One of two racing requests wins (204); the other is refused: 409 by the
   * last-owner rule, or, when the winner's write landed before the loser's
   * request was authenticated, 403 (no longer an owner) or 401 (removed).
   */
  function expectOneWinner(answers: Response[], label: string) {
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses[0], label).toBe(204);
    expect([401, 403, 409], label).toContain(statuses[1]);
  }

  it("two owners demoting each other, or one owner demoting both, at the same moment: one owner remains", async () => {
    for (let round = 0; round < 3; round++) {
      const { a, b } = await twoOwners();
      expectOneWinner(await Promise.all([setRole(a, b.userId, "editor"), setRole(b, a.userId, "viewer")]), `round ${round}`);
      expect(await ownerCount(a.workspaceId)).toBe(1);
      const pair = await twoOwners();
      expectOneWinner(await Promise.all([setRole(pair.a, pair.b.userId, "editor"), setRole(pair.a, pair.a.userId, "viewer")]), `both by one, round ${round}`);
      expect(await ownerCount(pair.a.workspaceId)).toBe(1);
    }
  });

  it("two owners removing each other, or themselves, at the same moment: one owner remains", async () => {
    for (const [label, pair] of [
      ["each other", (a: Session, b: Session) => [remove(a, b.userId), remove(b, a.userId)]],
      ["themselves", (a: Session, b: Session) => [remove(a, a.userId), remove(b, b.userId)]],
      ["one demotes, one removes", (a: Session, b: Session) => [setRole(a, a.userId, "viewer"), remove(b, b.userId)]],
      ["one owner removes both", (a: Session, b: Session) => [remove(a, b.userId), remove(a, a.userId)]],
    ] as const) {
      const { a, b } = await twoOwners();
      expectOneWinner(await Promise.all(pair(a, b)), label);
      expect(await ownerCount(a.workspaceId), label).toBe(1);
    }
  });

  it("many demotions and removals at once, straight through the model functions, leave exactly one owner", async () => {
    const a = await signup();
    const others = await Promise.all([1, 2, 3, 4].map(() => joined(a, "owner")));
    const everyone = [a, ...others];
    const outcomes = await Promise.allSettled(
      everyone.map((s, i) => (i % 2 ? removeMember(env.DB, a.workspaceId, s.userId) : changeMemberRole(env.DB, a.workspaceId, s.userId, "editor"))),
    );
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(4);
    for (const o of outcomes.filter((o) => o.status === "rejected")) expect((o as PromiseRejectedResult).reason).toMatchObject({ status: 409, code: "last_owner" });
    expect(await ownerCount(a.workspaceId)).toBe(1);
  });
});
