#!/usr/bin/env bash
# The tests, with everything they drive for real. Installs the programs the tests run (from
# apt, as root or through sudo) when they are missing, then runs `cargo test --release
# --locked` (extra arguments go to it) and the read-along page's test in Debian's chromium.
# Usage: tools/test.sh [CARGO TEST ARGS...]
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v espeak-ng >/dev/null || need+=(espeak-ng)   # the command engine, driven for real
command -v ffmpeg >/dev/null || need+=(ffmpeg)         # MP3s decode, chapters, loudness
command -v openssl >/dev/null || need+=(openssl)       # self-signed certificates as ca_file
command -v chromium >/dev/null || need+=(chromium)     # the read-along page, headless
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)
command -v parallel >/dev/null || need+=(parallel)     # --shard auto under GNU parallel
[ -e /usr/share/zoneinfo/Africa/Tunis ] || need+=(tzdata)  # feed dates in named zones
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=()
  elif command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "tools/test.sh: the tests need ${need[*]}; install them (apt-get install ${need[*]}) as root, then run this again" >&2
    exit 2
  fi
  if ! command -v apt-get >/dev/null; then
    echo "tools/test.sh: the tests need ${need[*]} and this system has no apt-get; install them with its package manager, then run this again" >&2
    exit 2
  fi
  echo "tools/test.sh: installing ${need[*]}" >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

cargo test --release --locked "$@"

# The read-along page in a real browser (Debian's chromium through playwright-core).
(cd tests/browser && npm ci --no-audit --no-fund && RAWI_BIN="$PWD/../../target/release/rawi" node --test)
