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

  it("a frozen clock moves only when a test moves it, and runs on from there when thawed", async () => {
    const probe = fakeAdmin("probe");
    await probe.reset();
    const clock = async (body: unknown) => {
      const res = await fetch(`${probe.url}/__admin/clock`, { method: "POST", body: JSON.stringify(body) });
      return ((await res.json()) as { now: number }).now;
    };
    const at = Date.UTC(2026, 0, 1);
    expect(await clock({ now: at, freeze: true })).toBe(at);
    // Requests take real time (each is logged at the fake's now); the frozen clock does not move with them.
    for (let i = 0; i < 20; i++) await fetch(`${probe.url}/things`, { method: "POST", body: "" });
    expect(new Set((await probe.requests()).map((r) => r.at))).toEqual(new Set([at]));
    expect(await clock({})).toBe(at);
    await probe.advance(30_000);
    expect(await clock({})).toBe(at + 30_000);
    const thawed = await clock({ freeze: false });
    expect(thawed).toBeGreaterThanOrEqual(at + 30_000);
    expect(thawed).toBeLessThan(at + 60_000);
    await probe.reset();
    expect(Math.abs((await clock({})) - Date.now())).toBeLessThan(60_000);
  });
});
