// The two Workers on this machine, as `npm start`, the e2e harness and the
// render-isolation bench all run them: the media Worker (wrangler.media.toml)
// and the API Worker (wrangler.toml), each its own `wrangler dev` process.
//
// Two processes, not one `wrangler dev -c wrangler.toml -c wrangler.media.toml`:
// workerd runs every Worker of a process on one thread, so a reel rendering in
// the media Worker stalled the API just as before (measured: p99 of a calendar
// month request while reels render, see README "Figures"). Across processes
// the API's MEDIA_RENDERER binding reaches the media Worker through wrangler's
// dev registry, which we keep in a directory of our own, so that servers
// started by other checkouts on this machine (same Worker names) never answer
// for ours. Both processes persist to the same directory: the media Worker
// writes the R2 objects the API Worker serves.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./local-env.mjs";
import { buildMediaAssets, MEDIA_ASSETS_DIR } from "./media-assets.mjs";

const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts the media Worker, then the API Worker, and resolves once both answer.
 *
 * @param {object} opts
 * @param {number} opts.port            the API's port (the app's URL)
 * @param {string} [opts.ip]            interface to listen on (wrangler's default: localhost)
 * @param {string} [opts.persistTo]     local state directory (default: wrangler's .wrangler/state)
 * @param {Record<string,string>} [opts.vars]  extra --var for the API Worker
 * @param {(chunk: string) => void} [opts.onOutput]  both processes' output, prefixed per Worker
 * @param {number} [opts.healthTimeoutMs]
 * @param {boolean} [opts.singleProcess]  both Workers in one `wrangler dev -c … -c …` (only to compare, see the bench)
 * @param {string} [opts.script]          another entry module for the API Worker, with wrangler.toml's bindings (the bench Worker)
 * @param {boolean} [opts.media]          start the media Worker too (default true)
 * @returns {Promise<{ baseUrl: string, mediaUrl: string, logs(): string, exited: Promise<string>, stop(): Promise<void> }>}
 */
export async function startWorkers(opts) {
  const host = opts.ip ?? "localhost";
  const registry = mkdtempSync(join(tmpdir(), "brandcast-registry-"));
  const env = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", WRANGLER_REGISTRY_PATH: registry };
  const common = [
    "--show-interactive-dev-session=false",
    ...(opts.ip ? ["--ip", opts.ip] : []),
    ...(opts.persistTo ? ["--persist-to", opts.persistTo] : []),
  ];
  let output = "";
  const children = [];

  const run = async (label, args) => {
    // Own process group, so stop() ends wrangler *and* the workerd it started, and nothing else.
    const child = spawn(WRANGLER, ["dev", ...args, "--inspector-port", String(await freePort()), ...common], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const forward = (d) => {
      const text = String(d).replace(/^(?=.)/gm, `[${label}] `);
      output += text;
      opts.onOutput?.(text);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.exitedPromise = new Promise((resolve) => child.once("exit", (code) => resolve(`${label} exited with code ${code}`)));
    children.push(child);
    return child;
  };

  const stop = async () => {
    for (const child of [...children].reverse()) {
      if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
      signal(-child.pid, "SIGTERM");
      const timer = setTimeout(() => signal(-child.pid, "SIGKILL"), 5000);
      await child.exitedPromise;
      clearTimeout(timer);
    }
    rmSync(registry, { recursive: true, force: true });
  };

  const mediaPort = await freePort();
  const mediaUrl = `http://${host}:${mediaPort}`;
  const baseUrl = `http://${host}:${opts.port}`;
  const timeout = opts.healthTimeoutMs ?? 120_000;
  const vars = localVars(baseUrl, opts.vars, devVarsHave);
  const apiArgs = [...(opts.script ? [opts.script] : []), "--port", String(opts.port), "--test-scheduled", ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
  const healthy = (child, url) =>
    Promise.race([waitUntilAnswers(url, timeout), child.exitedPromise.then((why) => Promise.reject(new Error(`${why}:\n${output}`)))]);
  // The media Worker's static assets (emoji, CJK fonts) come from `npm run build`; a checkout built before them still starts.
  if (opts.media !== false && !existsSync(MEDIA_ASSETS_DIR)) buildMediaAssets();
  try {
    if (opts.singleProcess) {
      await healthy(await run("both", ["-c", "wrangler.toml", "-c", "wrangler.media.toml", ...apiArgs]), `${baseUrl}/api/health`);
    } else {
      if (opts.media !== false) {
        const media = await run("media", ["-c", "wrangler.media.toml", "--port", String(mediaPort)]);
        await healthy(media, `${mediaUrl}/health`);
        yieldCpu(media.pid);
      }
      await healthy(await run("api", ["-c", "wrangler.toml", ...apiArgs]), `${baseUrl}/api/health`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    baseUrl,
    mediaUrl,
    logs: () => output,
    /** Resolves (with which one and why) as soon as either process ends. */
    exited: Promise.race(children.map((c) => c.exitedPromise)),
    stop,
  };
}

/**
 * The API Worker's variables on this machine: the caller's, then what
 * .dev.vars sets (wrangler dev reads it; a --var would override it), then
 * these local defaults.
 * - Queue consumers have no request to take an origin from: sandbox
 *   permalinks and signed media URLs use PUBLIC_BASE_URL, this server.
 * - Sign-up is open: wrangler.toml closes it for deployments (people join by
 *   invitation), but a local run is one person's own machine, and the e2e
 *   tests sign people up.
 * - Webhooks may go to loopback (WEBHOOK_ALLOW_LOOPBACK), so a person can try
 *   a receiver on this machine (`npm run fakes` starts one); a deployment
 *   never allows it.
 *
 * @param {string} baseUrl
 * @param {Record<string,string>} [given]
 * @param {(name: string) => boolean} [devVarsSet]
 */
export function localVars(baseUrl, given = {}, devVarsSet = () => false) {
  const vars = { ...given };
  const defaults = { PUBLIC_BASE_URL: baseUrl, SIGNUP_ENABLED: "true", WEBHOOK_ALLOW_LOOPBACK: "true" };
  for (const [name, value] of Object.entries(defaults)) if (!vars[name] && !devVarsSet(name)) vars[name] = value;
  return vars;
}

/**
 * Rendering is batch work: at the lowest CPU priority, on a machine with few
 * cores, it yields to the API's requests instead of competing with them. Done
 * once the Worker is up, so start-up is not slowed. Linux schedules each
 * session (autogroup) as a unit, and `detached` started a new one, so the
 * group's nice value is lowered as well as the processes' (sched(7), "The
 * autogroup feature"). Best effort: elsewhere the renderer keeps its priority.
 */
function yieldCpu(pgid) {
  if (!pgid || process.platform === "win32") return;
  try {
    execFileSync("renice", ["-n", "19", "-g", String(pgid)], { stdio: "ignore" });
  } catch {
    // no renice: leave it
  }
  try {
    writeFileSync(`/proc/${pgid}/autogroup`, "19");
  } catch {
    // not Linux, or autogroups disabled
  }
}

async function waitUntilAnswers(url, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Whether the local .dev.vars sets `name` (wrangler dev reads it; a --var would override it). */
function devVarsHave(name) {
  try {
    return readFileSync(new URL("../.dev.vars", import.meta.url), "utf8")
      .split("\n")
      .some((l) => l.startsWith(`${name}=`));
  } catch {
    return false;
  }
}
