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
npx wrangler deploy -c wrangler.media.toml --dry-run --outdir .wrangler/dry-run-media >/dev/null
echo "› tests"
results=.wrangler/vitest-results.json
mkdir -p .wrangler && rm -f "$results"
status=0
npx vitest run --reporter=default --reporter=json --outputFile="$results" || status=$?
# One plain closing line that any CI reader understands.
node -e 'const r = require(process.argv[1]); console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`)' "$PWD/$results" || true
exit $status
