import { describe, expect, it } from "vitest";
import { fakeAdmin } from "./fakes/admin";

describe("fake servers (test/fakes)", () => {
  it("are reachable from workerd, log requests, and inject faults", async () => {
    const probe = fakeAdmin("probe");
    await probe.reset();
    const ok = await fetch(`${probe.url}/things`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "a=1" });
    expect(ok.status).toBe(201);
    await probe.fault({ match: { method: "POST", path: "^/things$" }, action: { status: 429, headers: { "retry-after": "7" } } });
    const limited = await fetch(`${probe.url}/things`, { method: "POST", body: "" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("7");
    await probe.fault({ match: { path: "^/things$" }, action: { dropAfterCommit: true } });
    await expect(fetch(`${probe.url}/things`, { method: "POST", body: "" })).rejects.toThrow();
    const state = await probe.state<{ things: unknown[] }>();
    // The dropped request still changed state: that is the case clients must survive.
    expect(state.things).toHaveLength(2);
    const log = await probe.requests();
    expect(log.map((r) => r.status)).toEqual([201, 429, 201]);
    expect(log[0]!.form).toEqual({ a: "1" });
  });
});
