// `npm run bench` on a fresh machine: like `npm test`, it checks ffmpeg and
// Chromium first (scripts/ensure-system-deps.sh) and, when it cannot install
// them, stops with the one line saying what to install instead of failing later
// with `spawnSync ffmpeg ENOENT`. (Node project: it runs a child process.)
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");

/** A PATH with bash and nothing else, where `id -u` says "not root": no ffmpeg, and no way to install it. */
function bareNonRootPath(): string {
  const bin = mkdtempSync(join(tmpdir(), "bench-deps-"));
  const bash = spawnSync("bash", ["-c", "command -v bash"], { encoding: "utf8" }).stdout.trim();
  symlinkSync(bash, join(bin, "bash"));
  writeFileSync(join(bin, "id"), "#!/bin/sh\necho 1000\n");
  chmodSync(join(bin, "id"), 0o755);
  return bin;
}

describe("npm run bench", () => {
  it("stops before any bench with ensure-system-deps' one line when ffmpeg is missing and cannot be installed", () => {
    const res = spawnSync(process.execPath, [join(root, "scripts", "bench.mjs"), "no-such-bench"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, PATH: bareNonRootPath() },
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr.trim()).toMatch(/^Missing system packages: ffmpeg\b.*Install them with: sudo apt-get update && sudo apt-get install -y ffmpeg/);
    // It stopped there: no bench started, and no JSON result claims a run happened.
    expect(res.stderr).not.toContain("▶");
    expect(res.stdout).toBe("");
  });
});
