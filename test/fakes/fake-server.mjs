// The frame every fake platform server is built on (PLATFORMS.md §6): a plain
// Node HTTP server on loopback that keeps state in memory like the real
// service, with
//   - a virtual clock (`processing takes 40 s`, `24 h windows`) moved by tests;
//     it runs with the real one unless frozen (POST clock `{freeze: true}`):
//     then only tests move it, so what a client sees does not depend on how
//     fast the machine is (the cost bench counts every poll);
//   - fault injection: a queue of rules `{match: {method, path, nth}, action}`
//     where the action is a canned status and body, a delay, a hang (never
//     answer), dropAfterCommit (apply the state change, then cut the
//     connection: the key case for idempotency), or truncate (the handler sees
//     only the first bytes of the body, then the connection is cut);
//   - a request log, so tests check every request a client made;
//   - `/__admin/*`: GET state, GET requests, POST faults, POST clock, POST reset.
//
// Fakes are plain ESM JavaScript so that the vitest global setup and
// `npm run fakes` load them with Node alone.
import { createServer } from "node:http";

/**
 * @typedef {{ method?: string, path?: string, nth?: number }} FaultMatch
 * @typedef {{ status?: number, body?: unknown, headers?: Record<string,string>, delayMs?: number, hang?: boolean, dropAfterCommit?: boolean, truncate?: number }} FaultAction
 * @typedef {{ match?: FaultMatch, action: FaultAction, times?: number, seen?: number }} FaultRule
 * @typedef {{ method: string, path: string, query: Record<string,string>, headers: Record<string,string>, body: Buffer, url: URL, truncated: boolean, fake: FakeServer }} FakeRequest
 * @typedef {{ status?: number, body?: unknown, headers?: Record<string,string>, raw?: Buffer | string }} FakeResponse
 */

export class FakeServer {
  /**
   * @param {string} name
   * @param {(req: FakeRequest) => Promise<FakeResponse> | FakeResponse} handler
   * @param {{ initialState: () => any, publicState?: (state: any) => any }} opts
   */
  constructor(name, handler, opts) {
    this.name = name;
    this.handler = handler;
    this.opts = opts;
    /** @type {Array<{ handle: (req: FakeRequest) => any, initialState?: () => any, seed?: Function }>} */
    this.plugins = [];
    this.state = opts.initialState();
    /** Virtual time offset (ms) added to the real clock. */
    this.clockOffset = 0;
    /** When frozen, the virtual time itself (moved only by POST clock); null: the real clock plus clockOffset. */
    this.frozenAt = null;
    /** @type {FaultRule[]} */
    this.faults = [];
    /** @type {Array<{method: string, path: string, query: Record<string,string>, headers: Record<string,string>, bodyLength: number, form?: Record<string,string>, at: number, status?: number, fault?: string}>} */
    this.requests = [];
    this.hanging = new Set();
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.keepAliveTimeout = 1000;
    this.url = "";
  }

  now() {
    return this.frozenAt ?? Date.now() + this.clockOffset;
  }

  /**
   * Adds routes served before the main handler, sharing its state (an OAuth
   * flow on the same host as the API it issues tokens for). A plugin's
   * `handle` returns a FakeResponse, or null/undefined to pass.
   */
  use(plugin) {
    this.plugins.push(plugin);
    if (plugin.initialState) Object.assign(this.state, plugin.initialState());
    return this;
  }

  freshState() {
    const state = this.opts.initialState();
    for (const p of this.plugins) if (p.initialState) Object.assign(state, p.initialState());
    return state;
  }

  reset() {
    this.state = this.freshState();
    this.clockOffset = 0;
    this.frozenAt = null;
    this.faults = [];
    this.requests = [];
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  /** @param {number} port */
  async listen(port = 0, host = "127.0.0.1") {
    await new Promise((resolve) => this.server.listen(port, host, () => resolve(undefined)));
    const addr = /** @type {import("node:net").AddressInfo} */ (this.server.address());
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  async close() {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections?.();
    await new Promise((resolve) => this.server.close(() => resolve(undefined)));
  }

  /** @param {FakeRequest} req @returns {FaultRule | null} */
  takeFault(req) {
    for (const rule of this.faults) {
      const m = rule.match ?? {};
      if (m.method && m.method.toUpperCase() !== req.method) continue;
      if (m.path && !new RegExp(m.path).test(req.path)) continue;
      rule.seen = (rule.seen ?? 0) + 1;
      if (m.nth && rule.seen !== m.nth) continue;
      const left = rule.times ?? 1;
      if (left <= 1) this.faults.splice(this.faults.indexOf(rule), 1);
      else rule.times = left - 1;
      return rule;
    }
    return null;
  }

  async onRequest(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    let body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://fake");
    const headers = /** @type {Record<string,string>} */ (Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : String(v ?? "")])));
    const method = (req.method ?? "GET").toUpperCase();

    if (url.pathname.startsWith("/__admin/")) return this.admin(method, url, body, res);

    /** @type {FakeRequest} */
    const fr = { method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, url, truncated: false, fake: this };
    const entry = { method, path: url.pathname, query: fr.query, headers, bodyLength: body.length, at: this.now() };
    if ((headers["content-type"] ?? "").includes("application/x-www-form-urlencoded")) entry.form = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
    this.requests.push(entry);

    const fault = this.takeFault(fr);
    const action = fault?.action;
    if (action) entry.fault = Object.keys(action).join("+");
    if (action?.delayMs) await new Promise((r) => setTimeout(r, action.delayMs));
    if (action?.hang) {
      this.hanging.add(res);
      res.on("close", () => this.hanging.delete(res));
      return;
    }
    if (action?.status) {
      entry.status = action.status;
      return send(res, { status: action.status, body: action.body ?? { error: { message: "Injected fault", code: 2, is_transient: true } }, headers: action.headers });
    }
    if (action?.truncate !== undefined) {
      body = body.subarray(0, action.truncate);
      fr.body = body;
      fr.truncated = true;
    }
    let out;
    try {
      for (const p of this.plugins) {
        out = await p.handle(fr);
        if (out) break;
      }
      out ??= await this.handler(fr);
    } catch (err) {
      out = { status: 500, body: { error: { message: String(err?.stack ?? err) } } };
    }
    entry.status = out.status ?? 200;
    // The state change happened; the answer is lost (PLATFORMS.md §6 dropAfterCommit), or the upload was cut.
    if (action?.dropAfterCommit || action?.truncate !== undefined) {
      res.socket?.destroy();
      return;
    }
    send(res, out);
  }

  admin(method, url, body, res) {
    const what = url.pathname.slice("/__admin/".length);
    const input = body.length ? JSON.parse(body.toString("utf8")) : {};
    if (method === "GET" && what === "state") return send(res, { body: (this.opts.publicState ?? ((s) => s))(this.state) });
    if (method === "GET" && what === "requests") return send(res, { body: { requests: this.requests } });
    if (method === "POST" && what === "faults") {
      const rules = Array.isArray(input) ? input : [input];
      this.faults.push(...rules);
      return send(res, { body: { faults: this.faults.length } });
    }
    if (method === "DELETE" && what === "faults") {
      this.faults = [];
      return send(res, { body: { faults: 0 } });
    }
    if (method === "POST" && what === "clock") {
      if (input.freeze === true && this.frozenAt === null) this.frozenAt = this.now();
      if (input.freeze === false && this.frozenAt !== null) [this.clockOffset, this.frozenAt] = [this.frozenAt - Date.now(), null];
      if (this.frozenAt !== null) {
        if (typeof input.advanceMs === "number") this.frozenAt += input.advanceMs;
        if (typeof input.now === "number") this.frozenAt = input.now;
      } else {
        if (typeof input.advanceMs === "number") this.clockOffset += input.advanceMs;
        if (typeof input.now === "number") this.clockOffset = input.now - Date.now();
      }
      return send(res, { body: { now: this.now() } });
    }
    if (method === "POST" && what === "reset") {
      this.reset();
      return send(res, { body: { ok: true } });
    }
    if (method === "POST" && what.startsWith("seed")) {
      // POST /__admin/seed → the main seed; /__admin/seed/<plugin name> → that plugin's.
      const name = what.slice("seed/".length);
      const seed = name ? this.plugins.find((p) => p.name === name)?.seed : this.opts.seed;
      if (typeof seed === "function") return send(res, { body: seed(this.state, input, this) ?? { ok: true } });
    }
    return send(res, { status: 404, body: { error: "unknown admin route" } });
  }
}

/** @param {import("node:http").ServerResponse} res @param {FakeResponse} out */
export function send(res, out) {
  const status = out.status ?? 200;
  const headers = { ...(out.headers ?? {}) };
  let payload;
  if (out.raw !== undefined) payload = out.raw;
  else if (out.body === undefined || out.body === null) payload = "";
  else {
    payload = JSON.stringify(out.body);
    headers["content-type"] ??= "application/json; charset=UTF-8";
  }
  res.writeHead(status, headers);
  res.end(payload);
}

/** Form fields from a urlencoded body merged over the query string: Graph takes parameters in either. */
export function params(req) {
  const out = { ...req.query };
  const type = req.headers["content-type"] ?? "";
  if (type.includes("application/x-www-form-urlencoded")) Object.assign(out, Object.fromEntries(new URLSearchParams(req.body.toString("utf8"))));
  else if (type.includes("application/json") && req.body.length) {
    try {
      Object.assign(out, JSON.parse(req.body.toString("utf8")));
    } catch {
      /* not JSON: leave it to the handler */
    }
  }
  return out;
}

let seq = 1_000_000;
/** Numeric-looking ids like Graph's (a string: past 2^53 numbers lose their last digits and collide). */
export const nextId = () => `1784${String(seq++).padStart(13, "0")}`;
