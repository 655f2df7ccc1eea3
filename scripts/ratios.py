"""Prints, per scenario, each system's figures over seeds 1-3 and their ratios to knative (docs/bench.md).
The measures are those of docs/bench.md, "Measuring honestly": drops count at the timeout in the p99 and
as SLO violations, fairness is of the system-independent demand."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
for scenario in ["edge-contention", "azure-sample"]:
    runs = [json.loads((out / f"{scenario}-{seed}" / "summary.json").read_text()) for seed in (1, 2, 3)]
    systems = list(runs[0]["systems"])
    print(f"\n{scenario} (seeds 1, 2, 3; each cell: the three seeds)\n")
    print("| system | p99 ms | / knative | SLO violations | / knative | pod-seconds / knative | pod starts | cold-start requests"
          " | demand Jain | min satisfaction | dropped |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in systems:
        def each(fn):
            return " · ".join(fn(r["systems"][name], r["systems"]["knative"]) for r in runs)
        cells = [
            each(lambda s, k: f"{s['latencyMs']['p99']:,.0f}"),
            each(lambda s, k: f"{s['latencyMs']['p99'] / k['latencyMs']['p99']:.2f}"),
            each(lambda s, k: f"{100 * s['sloViolationRate']:.1f} %"),
            each(lambda s, k: f"{s['sloViolationRate'] / k['sloViolationRate']:.2f}"),
            each(lambda s, k: f"{s['podSeconds'] / k['podSeconds']:.2f}"),
            each(lambda s, k: f"{s['podStarts']:,}"),
            each(lambda s, k: f"{s['coldStartRequests']:,}"),
            each(lambda s, k: f"{s['fairness']['demandJain']:.3f}"),
            each(lambda s, k: f"{s['fairness']['minSatisfaction']:.3f}"),
            each(lambda s, k: f"{s['dropped']:,}"),
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
