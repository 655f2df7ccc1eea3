"""Prints, per scenario, each system's figures over seeds 1-3 as ratios to knative (docs/bench.md)."""
import json
import sys
from pathlib import Path

out = Path(sys.argv[1])
for scenario in ["edge-contention", "azure-sample"]:
    runs = [json.loads((out / f"{scenario}-{seed}" / "summary.json").read_text()) for seed in (1, 2, 3)]
    systems = list(runs[0]["systems"])
    print(f"\n{scenario} (seeds 1, 2, 3; each cell: the three seeds)\n")
    print("| system | p99 ms | p99 / knative | SLO violations | / knative | pod-seconds / knative | Jain | / knative | dropped |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in systems:
        cells = []
        def each(fn):
            return " · ".join(fn(r["systems"][name], r["systems"]["knative"]) for r in runs)
        cells.append(each(lambda s, k: f"{s['latencyMs']['p99']:,.0f}"))
        cells.append(each(lambda s, k: f"{s['latencyMs']['p99'] / k['latencyMs']['p99']:.2f}"))
        cells.append(each(lambda s, k: f"{100 * s['sloViolationRate']:.1f} %"))
        cells.append(each(lambda s, k: f"{s['sloViolationRate'] / k['sloViolationRate']:.2f}"))
        cells.append(each(lambda s, k: f"{s['podSeconds'] / k['podSeconds']:.2f}"))
        cells.append(each(lambda s, k: f"{s['fairness']['jain']:.3f}"))
        cells.append(each(lambda s, k: f"{s['fairness']['jain'] / k['fairness']['jain']:.2f}"))
        cells.append(each(lambda s, k: f"{s['dropped']:,}"))
        print(f"| {name} | " + " | ".join(cells) + " |")
