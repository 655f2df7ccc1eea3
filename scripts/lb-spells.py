#!/usr/bin/env python3
"""Spells in `mu lb-bench`'s fixed-rate runs: for each rate and target, the counted quarter-seconds
(after the 3 s warm-up of each run) whose p99 is over 10 ms, out of all of them. A balancer that
only adds its hop has none; a machine that stalls shows them on every target, direct included.
Usage: scripts/lb-spells.py DIR... (each an --out of lb-bench, with the run's standard error saved
as DIR/progress.txt: it says which open-loop-N.csv in DIR/work was which target). docs/dataplane.md quotes it."""
import csv
import re
import sys
from collections import defaultdict

WARM_UP_SECONDS = 3
SPELL_MS = 10

for path in sys.argv[1:]:
    progress = open(f"{path}/progress.txt").read()
    primed = len(re.findall(r"^mu lb-bench: priming", progress, re.M))
    runs = re.findall(r"^mu lb-bench: (\d+) % .*round \d+/\d+\s+(\S+)\s+achieved", progress, re.M)
    spells = defaultdict(lambda: [0, 0])
    for index, (percent, target) in enumerate(runs, start=primed + 1):
        quarters = defaultdict(list)
        start = None
        for sent, _status, latency in csv.reader(open(f"{path}/work/open-loop-{index}.csv")):
            start = int(sent) if start is None else start
            seconds = (int(sent) - start) / 1e9
            if seconds >= WARM_UP_SECONDS:
                quarters[int(seconds * 4)].append(int(latency) / 1e6)
        for latencies in quarters.values():
            latencies.sort()
            counts = spells[(int(percent), target)]
            counts[0] += latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] > SPELL_MS
            counts[1] += 1
    print(f"{path}: quarter-seconds with a p99 over {SPELL_MS} ms / counted quarter-seconds")
    for (percent, target), (over, counted) in sorted(spells.items()):
        print(f"  {percent:3d} %  {target:12s} {over:4d} / {counted}")
