// Sign-up closed, as a public deployment has it (wrangler.toml SIGNUP_ENABLED
// = "false", issue 16 item 10): the first user of an empty deployment still
// signs up, even when several try at the same moment, and everyone after joins
// by invitation. Storage is per test file, so this file starts with no user at
// all; its tests run in order and each relies on what the previous left.
import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../worker/app";
import { countRows, expectClientError, json, ORIGIN, PASSWORD, unique } from "./support/fixtures";

const app = createApp();

/** A sign-up against this deployment with SIGNUP_ENABLED as given (undefined: the variable is not set at all). */
function signupWith(signupEnabled: string | undefined, email = `${unique("first")}@example.test`) {
  const req = new Request(`${ORIGIN}/api/auth/signup`, {
    method: "POST",
    headers: { origin: ORIGIN, "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, workspaceName: "First" }),
  });
  const vars = { ...env, SIGNUP_ENABLED: signupEnabled } as typeof env;
  return app.fetch(req, vars, createExecutionContext());
}

describe("sign-up when it is closed", () => {
  it("lets exactly one of several simultaneous first sign-ups of an empty deployment in, as the owner of its workspace", async () => {
    expect(await countRows("users")).toBe(0);
    const answers = await Promise.all([1, 2, 3, 4].map(() => signupWith("false")));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 403, 403, 403]);
    for (const r of answers.filter((r) => r.status === 403)) await expectClientError(r, 403, "signup_disabled");
    expect(await countRows("users")).toBe(1);
    expect(await countRows("workspaces")).toBe(1);
    const winner = answers.find((r) => r.status === 201)!;
    const cookie = winner.headers.get("set-cookie")!.split(";")[0]!;
    const me = await json("/api/me", { cookie }, 200);
    expect(me.workspaces).toEqual([{ id: me.currentWorkspaceId, name: "First", role: "owner" }]);
  });

  it("refuses everyone after the first with a sentence that says how to join, and creates nothing", async () => {
    const users = await countRows("users");
    for (const setting of ["false", undefined, "", "no"]) {
      const err = await expectClientError(await signupWith(setting), 403, "signup_disabled", `SIGNUP_ENABLED=${setting}`);
      expect(err.message).toMatch(/invitation/);
    }
    expect(await countRows("users")).toBe(users);
    expect(await countRows("workspaces")).toBe(1);
  });

  it('is open to everyone with SIGNUP_ENABLED = "true"', async () => {
    expect((await signupWith("true")).status).toBe(201);
    expect(await countRows("users")).toBe(2);
  });
});
