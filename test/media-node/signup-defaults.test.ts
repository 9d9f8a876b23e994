// Safe defaults for a public deployment (issue 16, item 10): wrangler.toml
// closes sign-up (people join by invitation), and the local runs (`npm start`,
// the e2e harness, benches: scripts/dev-servers.mjs) open it again unless
// .dev.vars or the caller decides otherwise. What a closed sign-up still lets
// through (the first user of an empty deployment) is tested in the Worker: test/signup-closed.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// A plain .mjs script (no type declarations for this project's type check): imported by URL, typed here.
const devServers: {
  localVars(baseUrl: string, given?: Record<string, string>, devVarsSet?: (name: string) => boolean): Record<string, string>;
} = await import(new URL("../../scripts/dev-servers.mjs", import.meta.url).href);

/** `[vars]` of a wrangler.toml: `KEY = "value"` lines up to the next table. */
function tomlVars(path: string): Record<string, string> {
  const text = readFileSync(join(import.meta.dirname, path), "utf8");
  const section = /^\[vars\]\n([\s\S]*?)(?=^\[)/m.exec(text)?.[1] ?? "";
  return Object.fromEntries([...section.matchAll(/^([A-Z_]+)\s*=\s*"([^"]*)"/gm)].map((m) => [m[1]!, m[2]!]));
}

describe("sign-up defaults", () => {
  it('wrangler.toml (what a deployment gets) has SIGNUP_ENABLED = "false" and never lets webhooks reach loopback', () => {
    expect(tomlVars("../../wrangler.toml").SIGNUP_ENABLED).toBe("false");
    expect(tomlVars("../../wrangler.toml").WEBHOOK_ALLOW_LOOPBACK).toBeUndefined();
  });

  it("local servers open sign-up and serve their own origin, unless .dev.vars or the caller sets them", () => {
    const base = "http://127.0.0.1:8787";
    expect(devServers.localVars(base)).toEqual({ PUBLIC_BASE_URL: base, SIGNUP_ENABLED: "true", WEBHOOK_ALLOW_LOOPBACK: "true" });
    // A test that wants the deployed default passes it.
    expect(devServers.localVars(base, { SIGNUP_ENABLED: "false" }).SIGNUP_ENABLED).toBe("false");
    // Whoever closed it in .dev.vars keeps it closed: no --var overrides their file.
    expect(devServers.localVars(base, {}, (name) => name === "SIGNUP_ENABLED")).toEqual({ PUBLIC_BASE_URL: base, WEBHOOK_ALLOW_LOOPBACK: "true" });
    expect(devServers.localVars(base, { EXTRA: "1" }, () => true)).toEqual({ EXTRA: "1" });
  });
});
