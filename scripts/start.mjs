#!/usr/bin/env node
// `npm start`: the whole app on this machine. Local D1, Durable Objects,
// Queues and R2 (wrangler's simulation), migrations applied, a demo workspace,
// the built-in template writer and the sandbox platform. No account anywhere.
// Two Workers, each its own `wrangler dev` (scripts/dev-servers.mjs): the API
// and web app on PORT, and the media renderer, so a reel rendering never
// stalls the API.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { startWorkers } from "./dev-servers.mjs";
import { applyMigrations, DEMO, ensureDevVars, ROOT, scheduleDemoSoon, seedDemo, seedDemoContent } from "./local-env.mjs";

const port = Number(process.env.PORT ?? 8787);
const url = `http://localhost:${port}`;
const step = (msg) => process.stderr.write(`› ${msg}\n`);

if (await portAnswers(port)) {
  console.error(`Port ${port} is already in use. Stop the other server or run with PORT=<free port> npm start.`);
  process.exit(1);
}
step("local secrets (.dev.vars)");
ensureDevVars();
if (!existsSync(join(ROOT, "web", "dist", "index.html")) || process.env.SKIP_BUILD !== "1") {
  step("building the web app");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}
step("applying D1 migrations (local)");
applyMigrations();
step("demo workspace");
await seedDemo();

step(`starting the media Worker, then the API Worker on ${url}`);
let workers;
try {
  // DEMO_HISTORY: the demo seed may write a month of sandbox history (worker/analytics/demo-history.ts).
  workers = await startWorkers({ port, vars: { DEMO_HISTORY: "true" }, onOutput: (text) => process.stderr.write(text) });
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
}
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  await workers.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
// One Worker without the other is not the app: stop both.
workers.exited.then((why) => {
  if (!stopping) console.error(why);
  void stop(1);
});

try {
  const { created } = await seedDemoContent(url, step);
  // First start: one demo item a few minutes ahead, to watch it publish.
  if (created) void scheduleDemoSoon(url, step).catch(() => {});
} catch (err) {
  // The app is up and usable; only the demo content is incomplete. The next start completes it.
  step(`demo content not complete (${err.message}); the app keeps running, and the next npm start finishes it`);
}
startCronTicker(url);
console.log(`
  Brandcast is running at ${url}

  Sign in with  ${DEMO.email}  /  ${DEMO.password}
  (sign-up is open on this machine; a deployment's is closed: people join by invitation)

  Run a cron pass:  curl "${url}/__scheduled?cron=*/10+*+*+*+*"
  Stop with Ctrl-C.
`);

/**
 * wrangler dev does not fire Cron Triggers by itself; --test-scheduled exposes
 * /__scheduled, so tick it on the same UTC schedule as wrangler.toml.
 */
function startCronTicker(base) {
  const fire = (cron) => fetch(`${base}/__scheduled?cron=${encodeURIComponent(cron).replace(/%20/g, "+")}`).catch(() => {});
  const tick = () => {
    const now = new Date();
    if (now.getUTCMinutes() % 10 === 0) fire("*/10 * * * *");
    fire("* * * * *");
    setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
  };
  setTimeout(() => fire("*/10 * * * *"), 3_000); // a first catch-up right away, so the demo calendar fills
  setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50);
}

async function portAnswers(p) {
  try {
    await fetch(`http://localhost:${p}/`, { signal: AbortSignal.timeout(1000) });
    return true;
  } catch {
    return false;
  }
}
