// The Members page and the invitation accept page, through the app shell
// against a fake API: owners invite (the link shown once, with a copy
// button), change roles and remove; editors and viewers read the same lists
// and change nothing; an invitation link signs up, signs in or joins.
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { InvitationPreview, Me, MemberList, Role } from "../../web/src/api/types";
import { appRoot, jsonResponse as json, mountApp, routedFetch, settle, unmountApp } from "./fixtures";

afterEach(() => {
  unmountApp();
  vi.restoreAllMocks();
});

const me = (role: Role, email = "ana@example.test"): Me => ({
  user: { id: "usr_ana", email, name: "Ana" },
  workspaces: [{ id: "wsp_a", name: "Alpha", role }],
  currentWorkspaceId: "wsp_a",
  role,
});

const LIST: MemberList = {
  members: [
    { userId: "usr_ana", email: "ana@example.test", name: "Ana", role: "owner", joinedAt: "2026-11-01T10:00:00.000Z" },
    { userId: "usr_bo", email: "bo@example.test", name: "Bo", role: "editor", joinedAt: "2026-11-02T10:00:00.000Z" },
  ],
  invitations: [{ id: "inv_1", email: "cy@example.test", role: "viewer", expiresAt: "2026-12-09T10:00:00.000Z", createdBy: { id: "usr_ana", name: "Ana" } }],
};

const common = (role: Role, extra: Parameters<typeof routedFetch>[0] = {}) =>
  routedFetch({
    "GET /api/me": () => json(200, me(role)),
    "GET /api/deliveries": () => json(200, { deliveries: [] }),
    "GET /api/members": () => json(200, LIST),
    ...extra,
  });

const byText = <T extends Element>(selector: string, text: string) => [...appRoot().querySelectorAll<T>(selector)].find((e) => e.textContent?.trim() === text);
const type = (input: HTMLInputElement, value: string) => {
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
};

describe("Members page", () => {
  it("an owner invites by email with a role, and sees the link once, with a button that copies it", async () => {
    const url = "http://app.test/invite/abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";
    const { fetch, calls } = common("owner", {
      "POST /api/members/invitations": (body) => json(201, { id: "inv_2", ...(body as object), expiresAt: "2026-12-10T10:00:00.000Z", url, emailed: false }),
    });
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
    await mountApp(fetch, "/members");
    expect(appRoot().querySelector("h1")!.textContent).toBe("Members");
    expect(appRoot().textContent).toContain("bo@example.test");
    expect(appRoot().textContent).toContain("cy@example.test");

    await act(() => type(appRoot().querySelector<HTMLInputElement>("#inv-email")!, "dee@example.test"));
    const role = appRoot().querySelector<HTMLSelectElement>("#inv-role")!;
    expect(role.value).toBe("editor");
    await act(() => {
      role.value = "viewer";
      role.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await act(() => void appRoot().querySelector<HTMLFormElement>(".invite-form")!.requestSubmit());
    await settle();
    expect(calls.find((c) => c.method === "POST")).toMatchObject({ path: "/api/members/invitations", body: { email: "dee@example.test", role: "viewer" } });
    const link = appRoot().querySelector<HTMLInputElement>("#invite-url")!;
    expect(link.value).toBe(url);
    expect(link.readOnly).toBe(true);
    expect(appRoot().querySelector(".new-invite")!.textContent).toContain("not shown again");
    // The form is ready for the next person, with the default role again.
    expect(appRoot().querySelector<HTMLInputElement>("#inv-email")!.value).toBe("");
    expect(role.value).toBe("editor");

    await act(() => void byText<HTMLButtonElement>("button", "Copy link")!.click());
    await settle();
    expect(writeText).toHaveBeenCalledWith(url);
    expect(appRoot().querySelector(".copy-note")!.textContent).toBe("Copied.");
  });

  it("shows the server's words next to the row it refused (the last owner), and removes after a confirmation", async () => {
    const { fetch, calls } = common("owner", {
      "PATCH /api/members/usr_ana": () => json(409, { error: { code: "last_owner", message: "A workspace needs an owner: make someone else an owner first." } }),
      "DELETE /api/members/usr_bo": () => json(204, null),
      "DELETE /api/members/invitations/inv_1": () => json(204, null),
    });
    await mountApp(fetch, "/members");
    const mine = appRoot().querySelector<HTMLSelectElement>("#role-usr_ana")!;
    mine.value = "viewer";
    await act(() => void mine.dispatchEvent(new Event("change", { bubbles: true })));
    await settle();
    expect(calls.find((c) => c.method === "PATCH")).toMatchObject({ path: "/api/members/usr_ana", body: { role: "viewer" } });
    expect(appRoot().querySelector(".member-row .inline-error")!.textContent).toBe("A workspace needs an owner: make someone else an owner first.");
    // No Remove on one's own row.
    expect(appRoot().querySelector('button[aria-label="Remove Ana"]')).toBeNull();

    await act(() => void appRoot().querySelector<HTMLButtonElement>('button[aria-label="Remove Bo"]')!.click());
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    // Focus follows the button that replaced the one pressed; "Keep" brings it back.
    expect(document.activeElement?.textContent).toBe("Remove Bo");
    await act(() => void byText<HTMLButtonElement>("button", "Keep")!.click());
    expect(document.activeElement?.getAttribute("aria-label")).toBe("Remove Bo");
    await act(() => void appRoot().querySelector<HTMLButtonElement>('button[aria-label="Remove Bo"]')!.click());
    await act(() => void byText<HTMLButtonElement>("button", "Remove Bo")!.click());
    await settle();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/members/usr_bo"]);

    await act(() => void appRoot().querySelector<HTMLButtonElement>('button[aria-label="Revoke the invitation for cy@example.test"]')!.click());
    await settle();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toContain("/api/members/invitations/inv_1");
  });

  it.each(["editor", "viewer"] as const)("as %s: the members and invitations, read-only", async (role) => {
    await mountApp(common(role).fetch, "/members");
    expect(appRoot().textContent).toContain("bo@example.test");
    expect(appRoot().textContent).toContain("cy@example.test");
    expect(appRoot().querySelector(".invite-form")).toBeNull();
    expect(appRoot().querySelector(".members-page select")).toBeNull();
    expect([...appRoot().querySelectorAll(".members-page button")].map((b) => b.textContent)).toEqual([]);
    expect(appRoot().textContent).toContain("Only owners invite people");
  });
});

describe("the accept page (/invite/<token>)", () => {
  const TOKEN = "tok_abcdefghijklmnopqrstuvwxyz0123456789ABCD";
  const preview = (hasAccount: boolean): InvitationPreview => ({
    email: "dee@example.test",
    role: "editor",
    workspace: { name: "Alpha" },
    invitedBy: "Ana",
    expiresAt: "2026-12-10T10:00:00.000Z",
    hasAccount,
  });

  /** Signed out until the invitation is accepted, then signed in as the invitee. */
  function invitee(hasAccount: boolean, signedInAs: string | null = null) {
    let session = signedInAs;
    return routedFetch({
      "GET /api/me": () => (session ? json(200, me("editor", session)) : json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } })),
      "GET /api/deliveries": () => json(200, { deliveries: [] }),
      "POST /api/auth/invitation": () => json(200, preview(hasAccount)),
      "POST /api/auth/accept-invitation": () => {
        session = "dee@example.test";
        return json(200, { user: { id: "usr_dee", email: "dee@example.test", name: "Dee" }, workspace: { id: "wsp_a", name: "Alpha" }, role: "editor" });
      },
      "POST /api/auth/logout": () => {
        session = null;
        return json(204, null);
      },
    });
  }

  it("a new email chooses a password (and a name), joins, and lands on the workspace's calendar", async () => {
    const { fetch, calls } = invitee(false);
    const app = await mountApp(fetch, `/invite/${TOKEN}`);
    expect(calls.find((c) => c.path === "/api/auth/invitation")?.body).toEqual({ token: TOKEN });
    expect(appRoot().querySelector("h1")!.textContent).toBe("Join Alpha");
    expect(appRoot().textContent).toContain("Ana invited dee@example.test to join Alpha as an editor.");
    expect(appRoot().querySelector<HTMLInputElement>("#inv-accept-email")!.readOnly).toBe(true);
    expect(appRoot().querySelector("label[for=inv-accept-password]")!.textContent).toBe("Choose a password");
    appRoot().querySelector<HTMLInputElement>("#inv-accept-name")!.value = "Dee";
    appRoot().querySelector<HTMLInputElement>("#inv-accept-password")!.value = "a long new password";
    await act(() => void appRoot().querySelector<HTMLFormElement>(".invite-card form")!.requestSubmit());
    await settle();
    expect(calls.find((c) => c.path === "/api/auth/accept-invitation")?.body).toEqual({ token: TOKEN, password: "a long new password", name: "Dee" });
    expect(app.router.path.value).toBe("/calendar");
    expect(app.session.me.value?.user.email).toBe("dee@example.test");
  });

  it("an existing account signs in with its password (no name asked)", async () => {
    const { fetch, calls } = invitee(true);
    await mountApp(fetch, `/invite/${TOKEN}`);
    expect(appRoot().querySelector("#inv-accept-name")).toBeNull();
    expect(appRoot().querySelector("label[for=inv-accept-password]")!.textContent).toBe("Your Brandcast password");
    appRoot().querySelector<HTMLInputElement>("#inv-accept-password")!.value = "correct horse battery";
    await act(() => void appRoot().querySelector<HTMLFormElement>(".invite-card form")!.requestSubmit());
    await settle();
    expect(calls.find((c) => c.path === "/api/auth/accept-invitation")?.body).toEqual({ token: TOKEN, password: "correct horse battery" });
  });

  it("signed in as the invitee, one button joins; signed in as someone else, it says so and offers to sign out", async () => {
    const same = invitee(true, "dee@example.test");
    await mountApp(same.fetch, `/invite/${TOKEN}`);
    await act(() => void byText<HTMLButtonElement>("button", "Join Alpha")!.click());
    await settle();
    expect(same.calls.find((c) => c.path === "/api/auth/accept-invitation")?.body).toEqual({ token: TOKEN });
    unmountApp();

    const other = invitee(true, "ana@example.test");
    await mountApp(other.fetch, `/invite/${TOKEN}`);
    expect(appRoot().querySelector(".alert-info")!.textContent).toContain("You're signed in as ana@example.test. This invitation is for dee@example.test");
    expect(appRoot().querySelector("form")).toBeNull();
    await act(() => void byText<HTMLButtonElement>("button", "Sign out")!.click());
    await settle();
    expect(appRoot().querySelector("#inv-accept-password")).not.toBeNull();
  });

  it("a used or expired link says so in the server's words", async () => {
    const { fetch } = routedFetch({
      "GET /api/me": () => json(401, { error: { code: "unauthenticated", message: "Sign in to continue." } }),
      "POST /api/auth/invitation": () => json(410, { error: { code: "invitation_used", message: "This invitation link was already used." } }),
    });
    await mountApp(fetch, `/invite/${TOKEN}`);
    expect(appRoot().querySelector("h1")!.textContent).toBe("This invitation can't be used");
    expect(appRoot().querySelector(".alert-error")!.textContent).toBe("This invitation link was already used.");
  });
});
