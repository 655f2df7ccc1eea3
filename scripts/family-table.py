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

    # beside the stronger baseline, and by load: where the medians above come from
    def ratios(a, b, figure, subset):
        values, no_worse = [], 0
        for r in subset:
            x, y = r["figures"][a][figure], r["figures"][b][figure]
            values.append(1.0 if x == y == 0 else float("inf") if y == 0 else x / y)
            no_worse += (x >= y) if figure in HIGHER else (x <= y)
        values.sort()
        n = len(values)
        median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
        return "%s · %d/%d" % (fmt(median), no_worse, n)

    if "knative+hist" in family["systems"] and "mu" in family["systems"]:
        print("mu ÷ knative+hist, median · no worse: cold-start requests %s, pod-seconds %s.\n"
              % (ratios("mu", "knative+hist", "coldStartRequests", results), ratios("mu", "knative+hist", "podSeconds", results)))
    if "mu" in family["systems"]:
        under = [r for r in results if r["realizedLoad"] < 1.0]
        over = [r for r in results if r["realizedLoad"] >= 1.0]
        print("| mu ÷ %s, median · no worse | load < 1.0 (%d) | load ≥ 1.0 (%d) |" % (family["baseline"], len(under), len(over)))
        print("|---|---|---|")
        for figure in ("sloViolationRate", "p99Ms", "podSeconds", "podStarts", "minSatisfaction"):
            print("| %s | %s | %s |" % (figure, ratios("mu", family["baseline"], figure, under), ratios("mu", family["baseline"], figure, over)))
        print()
