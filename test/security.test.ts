// Smaller security promises (issue 10, item 8): sign-up throttling, sign-in
// timing, who may manage API tokens, who may delete a brand and when, and logs
// without credentials.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../worker/app";
import { passwordHashing, PBKDF2_ITERATIONS } from "../worker/auth/crypto";
import { SIGNUPS_PER_IP_PER_HOUR } from "../worker/routes/auth";
import { logError, redact } from "../worker/lib/log";
import {
  addMember,
  call,
  countRows,
  createBrand,
  createReadyJob,
  expectClientError,
  json,
  ORIGIN,
  PASSWORD,
  scheduleOne,
  signup,
  unique,
  type Session,
} from "./support/fixtures";

afterEach(() => {
  vi.restoreAllMocks();
});

const signupFrom = (ip: string, email = `${unique("rl")}@example.test`) =>
  call("/api/auth/signup", { body: { email, password: PASSWORD, workspaceName: "Throttled" }, headers: { "cf-connecting-ip": ip } });

describe("sign-up is rate limited per IP", () => {
  it(`allows ${SIGNUPS_PER_IP_PER_HOUR} sign-ups an hour from one address, then answers 429 and creates nothing`, async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
    for (let i = 0; i < SIGNUPS_PER_IP_PER_HOUR; i++) expect((await signupFrom(ip)).status, `sign-up ${i + 1}`).toBe(201);
    const users = await countRows("users");
    const email = `${unique("over")}@example.test`;
    await expectClientError(await signupFrom(ip, email), 429, "rate_limited");
    expect(await countRows("users")).toBe(users);
    expect(await countRows("users", "email = ?", email)).toBe(0);
    // Another address is not affected.
    expect((await signupFrom("203.0.113.250")).status).toBe(201);
  });
});

describe("sign-in timing", () => {
  it("hashes once with the full PBKDF2 cost for an unknown email, exactly as for a wrong password", async () => {
    const s = await signup();
    const spy = vi.spyOn(passwordHashing, "hash");
    const app = createApp();
    const login = (email: string, password: string) =>
      app.fetch(
        new Request(`${ORIGIN}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.200" },
          body: JSON.stringify({ email, password }),
        }),
        env,
      );

    await expectClientError(await login(s.email, "not the password"), 401, "unauthenticated");
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![2]).toBe(PBKDF2_ITERATIONS);

    spy.mockClear();
    await expectClientError(await login(`${unique("ghost")}@example.test`, "not the password"), 401, "unauthenticated");
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]![0]).toBe("not the password");
    expect(spy.mock.calls[0]![2]).toBe(PBKDF2_ITERATIONS);
  });
});

describe("API tokens cannot manage API tokens", () => {
  it("a token gets 403 creating or deleting tokens (even itself); its session can do both", async () => {
    const s = await signup();
    const first = await json<{ id: string; token: string }>("/api/tokens", { ...s, body: { name: "first" } }, 201);
    const second = await json<{ id: string; token: string }>("/api/tokens", { ...s, body: { name: "second" } }, 201);

    await expectClientError(await call("/api/tokens", { token: first.token, body: { name: "minted by a token" } }), 403, "forbidden");
    await expectClientError(await call(`/api/tokens/${second.id}`, { token: first.token, method: "DELETE" }), 403, "forbidden");
    await expectClientError(await call(`/api/tokens/${first.id}`, { token: first.token, method: "DELETE" }), 403, "forbidden");
    expect(await countRows("api_tokens", "user_id = ?", s.userId)).toBe(2);
    // Reading the list is harmless (no token values in it).
    expect((await json("/api/tokens", { token: first.token }, 200)).tokens).toHaveLength(2);

    expect((await call(`/api/tokens/${second.id}`, { ...s, method: "DELETE" })).status).toBe(204);
    expect(await countRows("api_tokens", "user_id = ?", s.userId)).toBe(1);
  });
});

describe("owners review and revoke their members' tokens", () => {
  /** An owner's workspace with an editor and a viewer, each holding a token there. */
  async function team() {
    const owner = await signup();
    const editor = await signup();
    const viewer = await signup();
    await addMember(owner.workspaceId, editor.userId, "editor");
    await addMember(owner.workspaceId, viewer.userId, "viewer");
    const inTeam = (u: Session): Session => ({ ...u, workspace: owner.workspaceId });
    const mint = (u: Session, name: string) => json<{ id: string; token: string }>("/api/tokens", { ...inTeam(u), body: { name } }, 201);
    return {
      owner,
      editor: inTeam(editor),
      viewer: inTeam(viewer),
      tokens: { owner: await mint(owner, "owner's"), editor: await mint(editor, "editor's"), viewer: await mint(viewer, "viewer's") },
    };
  }

  it("GET /api/tokens?all=1 lists every member's tokens, with whose they are, to the owner only", async () => {
    const { owner, editor, viewer, tokens } = await team();
    // The editor's token in their own workspace is not part of this workspace's list.
    await json("/api/tokens", { cookie: editor.cookie, body: { name: "elsewhere" } }, 201);

    const all = await json<{ tokens: Array<{ id: string; name: string; user: { id: string; name: string } }> }>("/api/tokens?all=1", owner, 200);
    expect(all.tokens.map((t) => [t.id, t.user.id]).sort()).toEqual(
      [
        [tokens.owner.id, owner.userId],
        [tokens.editor.id, editor.userId],
        [tokens.viewer.id, viewer.userId],
      ].sort(),
    );
    expect(all.tokens.every((t) => typeof t.user.name === "string" && t.user.name.length > 0)).toBe(true);
    expect(JSON.stringify(all)).not.toContain(tokens.editor.token);

    for (const member of [editor, viewer]) {
      await expectClientError(await call("/api/tokens?all=1", member), 403, "forbidden");
      const own = await json<{ tokens: Array<{ user: { id: string } }> }>("/api/tokens", member, 200);
      expect(own.tokens.map((t) => t.user.id)).toEqual([member.userId]);
    }
    await expectClientError(await call("/api/tokens?all=yes", owner), 400, "invalid_input");
  });

  it("an owner revokes a member's token; members only revoke their own; other workspaces get 404", async () => {
    const { owner, editor, viewer, tokens } = await team();
    const stranger = await signup();

    await expectClientError(await call(`/api/tokens/${tokens.viewer.id}`, { ...stranger, method: "DELETE" }), 404, "not_found");
    await expectClientError(await call(`/api/tokens/${tokens.owner.id}`, { ...editor, method: "DELETE" }), 404, "not_found");
    await expectClientError(await call(`/api/tokens/${tokens.editor.id}`, { ...viewer, method: "DELETE" }), 404, "not_found");
    expect((await call("/api/me", { token: tokens.viewer.token })).status).toBe(200);

    expect((await call(`/api/tokens/${tokens.viewer.id}`, { ...owner, method: "DELETE" })).status).toBe(204);
    await expectClientError(await call("/api/me", { token: tokens.viewer.token }), 401, "unauthenticated");
    expect((await call(`/api/tokens/${tokens.editor.id}`, { ...editor, method: "DELETE" })).status).toBe(204);
    expect((await json("/api/tokens?all=1", owner, 200)).tokens.map((t: { id: string }) => t.id)).toEqual([tokens.owner.id]);
  });
});

describe("DELETE /api/brands/:brandId", () => {
  /** A brand with one scheduled item, and that item's delivery to Facebook. */
  async function brandWithDelivery(s: Session) {
    const brand = await createBrand(s);
    const job = await createReadyJob(s, [brand.id]);
    const res = await scheduleOne(s, job.jobId, brand.id);
    expect(res.status, await res.clone().text()).toBe(201);
    const { scheduleId } = (await res.json()) as { scheduleId: string };
    const deliveryId = unique("dlv_");
    await env.DB.prepare("INSERT INTO deliveries (id, schedule_id, workspace_id, platform, status) VALUES (?, ?, ?, 'facebook', 'pending')")
      .bind(deliveryId, scheduleId, s.workspaceId)
      .run();
    const setStatus = (status: string) => env.DB.prepare("UPDATE deliveries SET status = ? WHERE id = ?").bind(status, deliveryId).run();
    return { brand, setStatus };
  }

  it("is for owners: an editor gets 403 and the brand stays", async () => {
    const owner = await signup();
    const brand = await createBrand(owner);
    const editor = await signup();
    await addMember(owner.workspaceId, editor.userId, "editor");
    await expectClientError(await call(`/api/brands/${brand.id}`, { ...editor, workspace: owner.workspaceId, method: "DELETE" }), 403, "forbidden");
    expect(await countRows("brands", "id = ?", brand.id)).toBe(1);
  });

  it("is refused with 409 while a delivery is queued or publishing, and works once it has finished", async () => {
    const s = await signup();
    const { brand, setStatus } = await brandWithDelivery(s);
    for (const status of ["queued", "publishing"]) {
      await setStatus(status);
      await expectClientError(await call(`/api/brands/${brand.id}`, { ...s, method: "DELETE" }), 409, "wrong_state", status);
      expect(await countRows("brands", "id = ?", brand.id), status).toBe(1);
    }
    await setStatus("published");
    expect((await call(`/api/brands/${brand.id}`, { ...s, method: "DELETE" })).status).toBe(204);
    expect(await countRows("brands", "id = ?", brand.id)).toBe(0);
    expect(await countRows("schedules", "brand_id = ?", brand.id)).toBe(0);
  });

  it("another brand's deliveries in flight do not block it; another workspace's brand is 404", async () => {
    const s = await signup();
    const busy = await brandWithDelivery(s);
    await busy.setStatus("publishing");
    const idle = await createBrand(s);
    expect((await call(`/api/brands/${idle.id}`, { ...s, method: "DELETE" })).status).toBe(204);
    const other = await signup();
    await expectClientError(await call(`/api/brands/${busy.brand.id}`, { ...other, method: "DELETE" }), 404, "not_found");
  });
});

describe("logs never carry credentials", () => {
  const SIG = "Zk9vQmFyQmF6UXV4U2lnbmF0dXJlMTIzNDU2Nzg5MA";
  const signedUrl = `https://app.example.com/media/wsp_1/out_1/reel.mp4?exp=1893456000&sig=${SIG}`;
  const bearer = "bc_c2VjcmV0LXRva2VuLXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw";

  it("redacts signatures, tokens, passwords and bound query parameters", () => {
    const text = [
      `fetch ${signedUrl} failed`,
      "GET https://graph.facebook.com/v21.0/me?fields=id&access_token=EAABsecretsecret&appsecret_proof=x",
      `Authorization: Bearer ${bearer}`,
      `token ${bearer} leaked`,
      '{"accessToken":"EAAB-plain","refreshToken":"1//refresh","name":"kept"}',
      JSON.stringify({ inner: '{"password":"hunter2","client_secret":"shh"}' }),
      'Failed query: insert into "sessions" values (?, ?)\nparams: hash123,usr_1',
    ].join("\n");
    const out = redact(text);
    for (const secret of [SIG, "EAABsecretsecret", bearer, "EAAB-plain", "1//refresh", "hunter2", "shh", "hash123"]) {
      expect(out, secret).not.toContain(secret);
    }
    expect(out).toContain("/media/wsp_1/out_1/reel.mp4?exp=1893456000&sig=[redacted]");
    expect(out).toContain('"name":"kept"');
    expect(out).toContain("fields=id");
  });

  it("the error handler logs an unexpected error once, structured and redacted", async () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    const app = createApp();
    app.get("/boom", () => {
      throw new Error(`upload of ${signedUrl} failed; retried with Authorization: Bearer ${bearer}`);
    });
    const res = await app.fetch(new Request(`${ORIGIN}/boom?sig=${SIG}`), env);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("internal");

    expect(spy).toHaveBeenCalledTimes(1);
    const line = String(spy.mock.calls[0]![0]);
    expect(line).not.toContain(SIG);
    expect(line).not.toContain(bearer);
    const logged = JSON.parse(line) as { message: string; error: string; url: string; stack: string };
    expect(logged.message).toBe("unhandled error");
    expect(logged.error).toContain("reel.mp4?exp=1893456000&sig=[redacted]");
    expect(logged.error).toContain("Bearer [redacted]");
    expect(logged.url).toBe(`${ORIGIN}/boom?sig=[redacted]`);
  });

  it("logError turns Error values into name, message and stack, redacted", () => {
    const spy = vi.spyOn(console, "error").mockImplementation(() => {});
    logError("publish failed", { deliveryId: "dlv_1", err: new TypeError(`bad ${signedUrl}`) });
    const logged = JSON.parse(String(spy.mock.calls[0]![0])) as { message: string; deliveryId: string; err: { name: string; message: string } };
    expect(logged).toMatchObject({ message: "publish failed", deliveryId: "dlv_1", err: { name: "TypeError" } });
    expect(logged.err.message).toContain("sig=[redacted]");
  });

  it("worker code prints errors only through worker/lib/log.ts", () => {
    const sources = import.meta.glob<string>("../worker/**/*.ts", { query: "?raw", import: "default", eager: true });

    const pending = new Set<string>();
    const offenders: string[] = [];
    for (const [path, text] of Object.entries(sources)) {
      const file = path.replace(/^\.\.\//, "");
      if (file === "worker/lib/log.ts" || pending.has(file)) continue;
      text.split("\n").forEach((line, i) => {
        if (/\bconsole\.(log|error|warn|info|debug)\(/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders, `use logError from worker/lib/log.ts:\n${offenders.join("\n")}`).toEqual([]);
  });
});
