#!/usr/bin/env python3
"""Pools the fixed-rate rounds of several `mu lb-bench --fixed-rate-rounds N` runs: for each rate and
target, what it added to direct's p99 in each round (the two runs of a pair are within one pass over
the targets), and Mu's p99 less each other balancer's in the same round; medians over all rounds.
Usage: scripts/lb-rounds.py DIR... (each an --out of lb-bench). docs/dataplane.md quotes it."""
import json
import statistics
import sys
from collections import defaultdict

over_direct = defaultdict(list)  # (percent, target) -> [ms]
against_mu = defaultdict(list)  # (percent, target) -> [mu's p99 - target's p99, ms]
for path in sys.argv[1:]:
    for rate in json.load(open(f"{path}/lb-bench.json"))["fixedRate"]:
        targets = rate["targets"]
        for name, figures in targets.items():
            if "p99OverDirectMs" in figures:
                over_direct[(rate["percentOfDirect"], name)] += figures["p99OverDirectMs"]["rounds"]
        if "mu" in targets:
            mu_rounds = targets["mu"]["rounds"]
            for name, figures in targets.items():
                if name not in ("mu", "direct"):
                    against_mu[(rate["percentOfDirect"], name)] += [
                        m["latencyMs"]["p99"] - o["latencyMs"]["p99"] for m, o in zip(mu_rounds, figures["rounds"])]

print(f"{len(sys.argv) - 1} runs; p99 over direct's in the same round, ms: median [rounds within 1 ms / rounds]")
for (percent, name), values in sorted(over_direct.items()):
    print(f"  {percent:3d} %  {name:12s} {statistics.median(values):+7.2f}  [{sum(v <= 1 for v in values)}/{len(values)}]")
print("mu's p99 less the other balancer's in the same round, ms: median [rounds mu no worse / rounds]")
for (percent, name), values in sorted(against_mu.items()):
    print(f"  {percent:3d} %  {name:12s} {statistics.median(values):+7.2f}  [{sum(v <= 0 for v in values)}/{len(values)}]")
