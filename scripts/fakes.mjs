#!/usr/bin/env node
// npm run fakes: starts every fake platform server (test/fakes/index.mjs) on
// fixed loopback ports, seeds one demo account on each, and prints what points
// `npm start` at them, so a person can watch the real clients publish, and a
// webhook receiver that checks Standard Webhooks signatures.
//
//   npm run fakes                       facebook 9301, instagram 9302, youtube 9303, then llm, webhooks
//   FAKES_BASE_PORT=9400 npm run fakes  9400, 9401, 9402 in the same order
//   FAKE_PORT_YOUTUBE=9999 npm run fakes
//   APP_URL=http://localhost:8788 npm run fakes   the app's address (PUBLIC_BASE_URL)
import { FAKES, startFakes } from "../test/fakes/index.mjs";

const ORDER = ["facebook", "instagram", "youtube"];
const base = Number(process.env.FAKES_BASE_PORT ?? 9301);
const appUrl = (process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 8787}`).replace(/\/+$/, "");

const names = Object.keys(FAKES).filter((n) => n !== "probe");
const ports = {};
for (const [i, name] of [...ORDER, ...names.filter((n) => !ORDER.includes(n))].entries()) {
  ports[name] = Number(process.env[`FAKE_PORT_${name.toUpperCase()}`] ?? base + i);
}
ports.probe = 0;

/** One demo account per platform: what the fake knows, and what to paste into the app. */
const DEMO = {
  instagram: {
    seed: { users: [{ igUserId: "17841400000000001", username: "brandcast_demo", token: "IGdemo-instagram-token" }] },
    account: { externalId: "17841400000000001", accessToken: "IGdemo-instagram-token" },
  },
  facebook: {
    seed: { pages: [{ id: "100000000000001", name: "Brandcast Demo Page", token: "EAAdemo-facebook-page-token" }] },
    account: { externalId: "100000000000001", accessToken: "EAAdemo-facebook-page-token" },
  },
  youtube: {
    seed: { channels: [{ id: "UCdemo0000000000000000001", title: "Brandcast Demo", accessToken: "ya29.demo-youtube-token", refreshToken: "1//demo-youtube-refresh" }] },
    account: { externalId: "UCdemo0000000000000000001", accessToken: "ya29.demo-youtube-token", refreshToken: "1//demo-youtube-refresh" },
  },
};

let running;
try {
  running = await startFakes(ports);
} catch (err) {
  console.error(`Could not start the fakes (${err.code ?? err.message}). A port is probably in use: set FAKES_BASE_PORT or FAKE_PORT_<NAME>.`);
  process.exit(1);
}
const { urls } = running;

for (const [name, demo] of Object.entries(DEMO)) {
  if (!urls[name]) continue;
  const res = await fetch(`${urls[name]}/__admin/seed`, { method: "POST", body: JSON.stringify(demo.seed) });
  if (!res.ok) console.warn(`Seeding the ${name} fake failed: HTTP ${res.status}`);
}
// The demo grants include the insights permissions (PLATFORMS.md §8), so the metrics sampler reads the fakes' numbers.
const INSIGHTS_GRANTS = {
  instagram: { "IGdemo-instagram-token": ["instagram_business_basic", "instagram_business_content_publish", "instagram_business_manage_insights"] },
  facebook: { "EAAdemo-facebook-page-token": ["pages_show_list", "pages_read_engagement", "pages_manage_posts", "read_insights"] },
};
for (const [name, scopes] of Object.entries(INSIGHTS_GRANTS)) {
  if (urls[name]) await fetch(`${urls[name]}/__admin/seed/insights`, { method: "POST", body: JSON.stringify({ scopes }) });
}

const vars = { PUBLIC_BASE_URL: appUrl };
if (urls.instagram) vars.INSTAGRAM_API_BASE = urls.instagram;
if (urls.facebook) Object.assign(vars, { FACEBOOK_API_BASE: urls.facebook, FACEBOOK_UPLOAD_BASE: urls.facebook });
if (urls.youtube) {
  Object.assign(vars, { YOUTUBE_API_BASE: `${urls.youtube}/youtube/v3`, YOUTUBE_UPLOAD_BASE: `${urls.youtube}/upload/youtube/v3`, GOOGLE_OAUTH_BASE: urls.youtube });
}

const lines = [];
lines.push("Fake platforms running:");
for (const name of names) if (urls[name]) lines.push(`  ${name.padEnd(10)} ${urls[name]}   (state: ${urls[name]}/__admin/state)`);
const missing = ORDER.filter((n) => !urls[n]);
if (missing.length) lines.push(`  (no fake in this build for: ${missing.join(", ")})`);
lines.push("", "1. Add these lines to .dev.vars (then restart npm start):", "");
for (const [k, v] of Object.entries(vars)) lines.push(`${k}=${v}`);
lines.push("", "   or pass them to wrangler directly:", "", `   npx wrangler dev ${Object.entries(vars).map(([k, v]) => `--var ${k}:${v}`).join(" ")}`);
lines.push("", "2. Connect the demo accounts to a brand (signed in: use your session cookie or an API token):", "");
for (const [name, demo] of Object.entries(DEMO)) {
  if (!urls[name]) continue;
  lines.push(`   curl -X PUT ${appUrl}/api/brands/<brandId>/accounts/${name} -H 'authorization: Bearer <api token>' \\`);
  lines.push(`        -H 'content-type: application/json' -d '${JSON.stringify(demo.account)}'`);
}
lines.push("", "3. Schedule an item and press Publish now: the post appears in the fake's /__admin/state.");
if (urls.webhooks) {
  // The receiver prints each delivery as it arrives, with its signature checked.
  running.fakes.webhooks.verbose = true;
  lines.push(
    "",
    `4. Webhooks: a receiver listens at ${urls.webhooks}/hooks/<any name> (npm start lets webhooks reach this machine).`,
    `   Add it on the Webhooks page (or POST /api/webhooks {"url": "${urls.webhooks}/hooks/demo", "events": ["delivery.published", "ping"]}),`,
    "   then give the receiver the secret shown once, so it checks every signature (a bad one is refused with 401):",
    "",
    `   curl -X POST ${urls.webhooks}/__admin/seed -d '{"secrets": {"demo": ["whsec_…"]}}'`,
    "",
    `   Press "Send test": each delivery prints here; all of them are at ${urls.webhooks}/__admin/state.`,
  );
}
lines.push("", "Ctrl-C stops the fakes.");
console.log(lines.join("\n"));

const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
