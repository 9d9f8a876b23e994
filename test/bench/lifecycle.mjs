// What a Node bench that starts the Workers needs around it: a fresh persist
// directory, a hard time limit, and one way out (print the BENCH line, stop
// the Workers, remove the directory), also on SIGINT/SIGTERM.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startWorkers } from "../../scripts/dev-servers.mjs";
import { applyMigrations, ensureDevVars } from "../../scripts/local-env.mjs";

/** The value at quantile `p` (0..1) of an ascending array. */
export const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * (sorted.length - 1)))];

/** @param {string} name  the bench's name in errors; @param {number} limitMs */
export function benchLifecycle(name, limitMs) {
  const persistDir = mkdtempSync(join(tmpdir(), "brandcast-bench-"));
  let workers = null;
  const hardStop = setTimeout(() => {
    process.stderr.write(`[${name}] time limit reached\n`);
    void finish(1, { errors: [`${name}: time limit reached`] });
  }, limitMs);

  async function finish(code, result) {
    clearTimeout(hardStop);
    if (result) console.log(`BENCH ${JSON.stringify(result)}`);
    await workers?.stop().catch(() => {});
    rmSync(persistDir, { recursive: true, force: true });
    process.exit(code);
  }
  process.on("SIGINT", () => void finish(130));
  process.on("SIGTERM", () => void finish(143));
  return {
    persistDir,
    finish,
    /** The started Workers, stopped by finish(). */
    track: (w) => (workers = w),
    /**
     * The bench Worker (test/bench/bench-worker.ts) under wrangler dev on a free port, on this
     * bench's own migrated database, with `vars` added; stopped by finish().
     */
    async startBenchWorker(log, { vars, note = "" } = {}) {
      ensureDevVars();
      applyMigrations(persistDir);
      const port = await freePort();
      log(`starting the bench Worker on port ${port}${note}`);
      workers = await startWorkers({ port, ip: "127.0.0.1", persistTo: persistDir, script: "test/bench/bench-worker.ts", media: false, ...(vars ? { vars } : {}) });
      return workers;
    },
  };
}
