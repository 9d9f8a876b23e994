#!/usr/bin/env bash
# `npm test`: every test. System packages first (chromium for browser tests,
# ffmpeg for video checks): installed when missing, or one line saying what to
# install. Nothing is skipped silently.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-deps.sh ffmpeg chromium
echo "› typecheck"
npm run --silent typecheck
echo "› build the web app"
npm run --silent build
echo "› bundle check (wrangler deploy --dry-run)"
npx wrangler deploy --dry-run --outdir .wrangler/dry-run >/dev/null
echo "› tests"
npx vitest run
