#!/usr/bin/env bash
# Runs every system on the shipped scenarios for seeds 1, 2 and 3 and prints the ratio tables of
# docs/bench.md ("Mu against Knative"). Usage: scripts/compare-systems.sh [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$root/bench-out/compare}"
"$root/mu" --version >/dev/null   # builds the CLI if needed
for scenario in edge-contention azure-sample; do
  for seed in 1 2 3; do
    echo "running $scenario seed $seed" >&2
    "$root/mu" bench --scenario "$root/deploy/scenarios/$scenario.yaml" --seed "$seed" --no-progress \
      --out "$out/$scenario-$seed" >/dev/null
  done
done
python3 "$root/scripts/ratios.py" "$out"
