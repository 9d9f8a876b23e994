#!/usr/bin/env bash
# Installs the Debian packages the media pipeline and the browser tests need
# (ffmpeg for reels, chromium for e2e and the bench) when they are missing.
# As root: apt-get installs them. Otherwise: prints what to install, exits 1.
# Usage: scripts/ensure-system-deps.sh [ffmpeg] [chromium]   (default: both)
set -euo pipefail

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(ffmpeg chromium)

missing=()
for pkg in "${wanted[@]}"; do
  case "$pkg" in
    ffmpeg) command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg) ;;
    chromium) [ -x /usr/bin/chromium ] || missing+=(chromium) ;;
    *) echo "ensure-system-deps: unknown package '$pkg'" >&2; exit 2 ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  exit 1
fi

# Two engineers' test runs may call this at once: apt holds its own lock, but
# serialise here so the second run waits instead of failing.
exec 9>/tmp/ensure-system-deps.lock
flock 9
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "Installed: ${missing[*]}"
