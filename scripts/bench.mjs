#!/usr/bin/env node
// `npm run bench`: runs every benchmark and prints ONE merged JSON object, last, on stdout.
//
// Protocol (for anyone adding a bench):
//   (a) every Node script test/bench/*.bench.mjs runs as its own child process;
//   (b) `vitest run --project bench` runs test/bench/**/*.bench.test.ts inside workerd.
// A bench reports by printing lines `BENCH {json object}` (one line each). All
// objects are merged in order (later keys win; `errors` arrays are concatenated).
// Benches run one at a time (timings on a small machine must not interfere).
// Progress and the children's other output go to stderr. If any bench fails, the
// others' figures are still printed, with "errors": [...], and the exit code is 1.
//
// Usage: npm run bench [-- <filter>...]   filters are substrings of bench file names.
//   --calendar-repeat=N  runs test/bench/deployed.bench.mjs (the calendar month) N times, each in a
//                        fresh wrangler dev, and reports every run's p50/p99 (calendar_month_ms_p99_runs)
//                        and the worst (calendar_month_ms_p99_max), for repeat views and uncached ones
//                        (calendar_month_uncached_ms_*): `npm run bench -- deployed --calendar-repeat=3`
//   BENCH_TIMEOUT_MS   per child process (default 15 minutes)
//
// System packages come first, as for `npm test` (scripts/test.sh): ffmpeg and
// Chromium are installed when missing (as root), or the run stops with the one
// line saying what to install. Then the web app is built (wrangler dev needs
// web/dist), so a fresh clone can run `npm ci && npm run bench`.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "test", "bench");
const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const calendarRepeat = Math.max(1, Number(/^--calendar-repeat=(\d+)$/.exec(process.argv.find((a) => a.startsWith("--calendar-repeat=")) ?? "")?.[1] ?? 1));
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS) || 15 * 60_000;
const matches = (file) => filters.length === 0 || filters.some((f) => file.includes(f));

const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;
const merged = {};
const errors = [];

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

function collect(line, source) {
  const clean = line.replace(ANSI, "").replace(/\r$/, "");
  const at = clean.indexOf("BENCH {");
  // A BENCH line starts with `BENCH `; tolerate a runner's prefix only if it is whitespace.
  if (at < 0 || clean.slice(0, at).trim() !== "") return false;
  const text = clean.slice(at + "BENCH ".length).trim();
  let obj;
  try {
    obj = JSON.parse(text);
  } catch (e) {
    errors.push(`${source}: unparsable BENCH line (${e.message}): ${text.slice(0, 120)}`);
    return true;
  }
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) {
    errors.push(`${source}: BENCH line is not a JSON object`);
    return true;
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === "errors") errors.push(...(Array.isArray(v) ? v : [v]).map(String));
    else merged[k] = v;
  }
  return true;
}

/** Runs a child, forwarding its output to stderr line by line and collecting BENCH lines. */
function run(label, cmd, args, extraEnv = {}) {
  return new Promise((resolvePromise) => {
    const started = Date.now();
    log(`▶ ${label}`);
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32", // own process group, so a timeout can stop its children too
    });
    let found = 0;
    const tails = [];
    const onData = (stream) => {
      let buf = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk) => {
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          handle(line);
        }
      });
      stream.on("end", () => buf && handle(buf));
    };
    const handle = (line) => {
      if (collect(line, label)) found++;
      else {
        process.stderr.write(`  ${line}\n`);
        const clean = line.replace(ANSI, "").trim();
        if (/(FAIL|Error|✗|×|failed)/.test(clean)) tails.push(clean);
        if (tails.length > 8) tails.shift();
      }
    };
    onData(child.stdout);
    onData(child.stderr);
    const timer = setTimeout(() => {
      errors.push(`${label}: timed out after ${Math.round(timeoutMs / 1000)} s`);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      errors.push(`${label}: could not start (${e.message})`);
      resolvePromise();
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exited with code ${code}`;
        errors.push(`${label}: ${why}${tails.length ? ` (${tails.slice(-3).join(" / ")})` : ""}`);
      }
      if (found === 0 && code === 0) log(`  (${label} printed no BENCH line)`);
      log(`■ ${label}: ${code === 0 ? "ok" : "FAILED"} in ${secs} s, ${found} BENCH line(s)`);
      resolvePromise();
    });
  });
}

function listFiles(dir, test) {
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isFile() && test(e.name))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** scripts/ensure-system-deps.sh, its output kept off stdout (which carries only the JSON); exits on failure. */
function ensureSystemDeps() {
  const res = spawnSync("bash", [join(root, "scripts", "ensure-system-deps.sh"), "ffmpeg", "chromium"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = `${res.stdout ?? ""}${res.stderr ?? ""}`.trim();
  if (res.status === 0) {
    if (output) log(output);
    return;
  }
  const line = output.split("\n").filter(Boolean).pop() ?? `ensure-system-deps.sh failed (${res.error?.message ?? `exit ${res.status}`})`;
  process.stderr.write(`${line}\n`);
  process.exit(res.status || 1);
}

/** web/dist, which wrangler.toml's [assets] needs before `wrangler dev` starts (the Node benches run it); built as `npm test` does. */
function buildWeb() {
  log("building the web app");
  const res = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (res.status !== 0) {
    process.stderr.write(`${res.stdout ?? ""}${res.stderr ?? ""}\nnpm run build failed: the benches that start wrangler dev need web/dist\n`);
    process.exit(res.status || 1);
  }
}

ensureSystemDeps();
buildWeb();
const started = Date.now();

// (a) Node benches: test/bench/*.bench.mjs (top level of the folder).
const nodeBenches = listFiles(benchDir, (n) => n.endsWith(".bench.mjs")).filter(
  (f) => dirname(f) === benchDir && matches(relative(root, f)),
);
/** The calendar figures gathered over --calendar-repeat runs: each run's value in `<key>_runs`, and each p99's worst in `<key>_max`. */
const calendarKeys = ["calendar_month_ms_p50", "calendar_month_ms_p99", "calendar_month_uncached_ms_p50", "calendar_month_uncached_ms_p99"];
const calendarRuns = Object.fromEntries(calendarKeys.map((k) => [k, []]));
for (const file of nodeBenches) {
  const repeat = file.endsWith("deployed.bench.mjs") ? calendarRepeat : 1;
  for (let i = 0; i < repeat; i++) {
    delete merged.calendar_month_ms_p99;
    await run(`${relative(root, file)}${repeat > 1 ? ` (run ${i + 1} of ${repeat})` : ""}`, process.execPath, [file]);
    if (repeat > 1 && merged.calendar_month_ms_p99 !== undefined) for (const k of calendarKeys) calendarRuns[k].push(merged[k]);
  }
}
if (calendarRuns.calendar_month_ms_p99.length) {
  for (const k of calendarKeys) {
    merged[`${k}_runs`] = calendarRuns[k];
    if (k.endsWith("_p99")) merged[`${k}_max`] = Math.max(...calendarRuns[k]);
  }
}

// (b) workerd benches: the vitest `bench` project (test/bench/**/*.bench.test.ts).
const vitestBenches = listFiles(benchDir, (n) => n.endsWith(".bench.test.ts")).map((f) => relative(root, f)).filter(matches);
if (vitestBenches.length) {
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const args = ["vitest", "run", "--project", "bench", ...(filters.length ? vitestBenches : [])];
  await run(`vitest --project bench (${vitestBenches.length} file(s))`, npx, args, { BRANDCAST_BENCH: "1", FORCE_COLOR: "0" });
} else {
  log("no vitest bench files matched");
}

if (nodeBenches.length + vitestBenches.length === 0) errors.push(`no bench matched ${filters.length ? filters.join(", ") : "test/bench/"}`);

log(`all benches done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const out = { ...merged, ...(errors.length ? { errors } : {}) };
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
process.exitCode = errors.length ? 1 : 0;
