#!/usr/bin/env python3
"""Prints the markdown tables of docs/bench.md ("Scenario families") from family.json files.

Usage: scripts/family-table.py DIR [DIR ...], each DIR holding a family.json written by
`mu bench --family N --out DIR`."""
import json
import sys

HIGHER = {"sloAttainmentJain", "demandJain", "minSatisfaction"}


def fmt(x):
    return "inf" if x == float("inf") or x == "Infinity" else "%.2f" % x


for path in sys.argv[1:]:
    family = json.load(open(path.rstrip("/") + "/family.json"))
    systems = [s for s in family["systems"] if s != family["baseline"]]
    print("**Family %d, %d scenarios** (ratio to %s per scenario: median [p10, p90], scenarios no worse)\n"
          % (family["familySeed"], family["scenarios"], family["baseline"]))
    print("| figure | " + " | ".join(systems) + " |")
    print("|---|" + "---|" * len(systems))
    for figure, by_system in family["ratios"].items():
        label = figure + (" (↑)" if figure in HIGHER else "")
        cells = []
        for s in systems:
            r = by_system[s]
            cells.append("%s [%s, %s] · %d/%d" % (fmt(r["median"]), fmt(r["p10"]), fmt(r["p90"]), r["noWorse"], r["of"]))
        print("| %s | %s |" % (label, " | ".join(cells)))
    results = family["results"]
    timeout = sum(1 for r in results if r["figures"][family["baseline"]]["p99Ms"] >= 299_000)
    both = sum(1 for r in results if all(f["p99Ms"] >= 299_000 for f in r["figures"].values()))
    overloaded = sum(1 for r in results if r["realizedLoad"] >= 1.0)
    print("\n%d of %d scenarios at load ≥ 1.0; %s's p99 is the request timeout in %d, every system's in %d.\n"
          % (overloaded, len(results), family["baseline"], timeout, both))
