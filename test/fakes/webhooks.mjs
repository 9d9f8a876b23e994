// A webhook receiver, for tests, the bench and a person (`npm run fakes`):
// POST /hooks/<name> records what arrived and checks its Standard Webhooks
// signature (standardwebhooks.com "Verifying webhook authenticity", written
// here from the spec with Node's crypto, apart from the Worker's own code):
//   signed content  `${webhook-id}.${webhook-timestamp}.${raw body}`
//   key             base64-decoded secret after `whsec_`
//   signature       base64 HMAC-SHA256; header is space-separated `v1,<sig>`
//   timestamp       within 5 minutes of the receiver's clock, or refused
// A name with secrets registered (POST /__admin/seed {secrets: {name: [whsec_…]}})
// answers 401 to a bad signature, as a real receiver should; an unknown name
// takes anything (Slack- or Discord-shaped bodies, a first look). Faults
// (status, delay, hang, redirect) come from the fake's fault rules.
import { createHmac, timingSafeEqual } from "node:crypto";
import { FakeServer } from "./fake-server.mjs";

export const TOLERANCE_S = 5 * 60;

/** Verifies one request against the secrets; returns null when it is authentic, else why not. */
export function verifyStandardWebhook(secrets, headers, rawBody, nowMs) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const sigs = headers["webhook-signature"];
  if (!id || !ts || !sigs) return "missing webhook-id, webhook-timestamp or webhook-signature";
  if (!/^\d+$/.test(ts)) return "webhook-timestamp is not Unix seconds";
  if (Math.abs(nowMs / 1000 - Number(ts)) > TOLERANCE_S) return "webhook-timestamp outside the 5-minute tolerance";
  const content = `${id}.${ts}.${rawBody}`;
  for (const secret of secrets) {
    const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
    const expected = createHmac("sha256", key).update(content).digest();
    for (const part of sigs.split(" ")) {
      const [version, b64] = part.split(",");
      if (version !== "v1" || !b64) continue;
      const given = Buffer.from(b64, "base64");
      if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
    }
  }
  return "no signature matches the endpoint's secrets";
}

export function createFake() {
  return new FakeServer(
    "webhooks",
    (req) => {
      const m = /^\/hooks\/([\w.-]+)$/.exec(req.path);
      if (req.method !== "POST" || !m) return { status: 404, body: { error: "POST /hooks/<name>" } };
      const name = m[1];
      const state = req.fake.state;
      const raw = req.body.toString("utf8");
      const secrets = state.secrets[name];
      const problem = secrets ? verifyStandardWebhook(secrets, req.headers, raw, req.fake.now()) : null;
      let json = null;
      try {
        json = JSON.parse(raw);
      } catch {
        /* kept raw */
      }
      state.received.push({
        name,
        at: req.fake.now(),
        id: req.headers["webhook-id"] ?? null,
        timestamp: req.headers["webhook-timestamp"] ?? null,
        signature: req.headers["webhook-signature"] ?? null,
        contentType: req.headers["content-type"] ?? null,
        raw,
        json,
        verified: secrets ? problem === null : null,
        problem,
      });
      // `npm run fakes` turns this on, so a person sees each delivery arrive.
      if (req.fake.verbose) {
        const what = `${json?.type ?? "message"} ${req.headers["webhook-id"] ?? ""}`;
        console.log(`[webhooks] ${name}: ${problem ? `REFUSED ${what} (${problem})` : `${what}${secrets ? " (signature ok)" : ""}`}`);
      }
      return problem ? { status: 401, body: { error: problem } } : { status: 200, body: { received: true } };
    },
    {
      initialState: () => ({ secrets: {}, received: [] }),
      seed: (state, input) => {
        Object.assign(state.secrets, input.secrets ?? {});
        return { ok: true, names: Object.keys(state.secrets) };
      },
    },
  );
}
