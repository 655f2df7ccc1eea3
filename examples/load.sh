#!/usr/bin/env bash
# Drives the examples while `./mu local` runs (in another terminal): steady traffic to echo and
# resize, and bursts to the webhook with idle gaps long enough for it to scale to zero.
# Usage: examples/load.sh [BASE_URL] [SECONDS]   (default http://127.0.0.1:8080, 120 s)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="${1:-http://127.0.0.1:8080}"
seconds="${2:-120}"
if ! curl -fsS -o /dev/null -m 5 "$base/fn/demo/echo"; then
  echo "load.sh: nothing answers at $base/fn/demo/echo; start ./mu local first" >&2
  exit 2
fi
out=$(mktemp -d)
pids=()
# the bursts run in a subshell of their own: it stops its own mu load, or one outlives this script
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null; rm -rf "$out"' EXIT
"$root/mu" load --rate 50 --duration "${seconds}s" --seed 1 --body hello "$base/fn/demo/echo" >"$out/echo.txt" &
pids+=($!)
"$root/mu" load --rate 25 --duration "${seconds}s" --seed 2 "$base/fn/demo/resize" >"$out/resize.txt" &
pids+=($!)
(
  burst=""
  trap '[ -z "$burst" ] || kill "$burst" 2>/dev/null || true' EXIT
  elapsed=0
  while [ "$elapsed" -lt "$seconds" ]; do
    "$root/mu" load --rate 40 --duration 10s --seed "$elapsed" "$base/fn/demo/webhook" >"$out/webhook.txt" &
    burst=$!
    wait "$burst" || true
    burst=""
    echo "webhook burst: $(tail -1 "$out/webhook.txt")"
    sleep 35
    elapsed=$((elapsed + 45))
  done
) &
pids+=($!)
echo "load.sh: echo 50/s and resize 25/s for ${seconds}s, webhook bursts of 10 s every 45 s; watch ./mu local's table" >&2
wait "${pids[0]}" "${pids[1]}" || true
echo "echo:   $(tail -1 "$out/echo.txt")"
echo "resize: $(tail -1 "$out/resize.txt")"
