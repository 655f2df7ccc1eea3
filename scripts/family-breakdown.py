#!/usr/bin/env python3
"""Where a family's figures come from, per kind of function: summed pod-seconds of mu and knative
below capacity, each system's pod-seconds over the work its load needs (demandPodSeconds) below and
at or above capacity, and the scenarios where Mu's worst-served function fares worse than Knative's.
Usage: scripts/family-breakdown.py DIR... (the --out of `mu bench --family`, which keeps each
scenario's functions.csv under scenarios/). docs/bench.md quotes it."""
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path


def kind(function):
    """api-2 → api, syn-0-timer → timer (the Azure-like generator's trigger), ml-0 → ml."""
    synthetic = re.match(r"syn-\d+-(\w+)", function)
    return synthetic.group(1) if synthetic else re.sub(r"-\d+$", "", function)


def rows(scenario_dir):
    by_system = defaultdict(dict)
    with open(scenario_dir / "functions.csv") as f:
        for row in csv.DictReader(f):
            by_system[row["system"]][row["function"]] = row
    return by_system


for path in map(Path, sys.argv[1:]):
    family = json.load(open(path / "family.json"))
    pod_seconds = defaultdict(lambda: [0.0, 0.0])
    over_work = {band: defaultdict(lambda: [0.0, 0.0, 0.0]) for band in ("below", "at or above")}  # knative, mu, demand
    under_work_at_090 = {"below": 0, "at or above": 0}  # scenarios where 0.9x Knative's pod-seconds is less than the work
    late = defaultdict(lambda: [0.0, 0.0, 0])  # requests over their SLO (drops included): knative, mu; requests
    losses = []
    for scenario in family["results"]:
        functions = rows(path / "scenarios" / scenario["name"])
        knative, mu = functions["knative"], functions["mu"]
        band = "below" if scenario["load"] < 1.0 else "at or above"
        if "demandPodSeconds" not in next(iter(knative.values())):
            sys.exit(f"{path}: functions.csv has no demandPodSeconds (written from 2026-12-04 on): run the family again")
        for name in knative:
            sums = over_work[band][kind(name)]
            sums[0] += float(knative[name]["podSeconds"])
            sums[1] += float(mu[name]["podSeconds"])
            sums[2] += float(knative[name]["demandPodSeconds"])
        if 0.9 * sum(float(r["podSeconds"]) for r in knative.values()) < sum(float(r["demandPodSeconds"]) for r in knative.values()):
            under_work_at_090[band] += 1
        if scenario["load"] < 1.0:
            for name in knative:
                pod_seconds[kind(name)][0] += float(knative[name]["podSeconds"])
                pod_seconds[kind(name)][1] += float(mu[name]["podSeconds"])
                requests = int(knative[name]["requests"])
                late[kind(name)][0] += float(knative[name]["sloViolationRate"]) * requests
                late[kind(name)][1] += float(mu[name]["sloViolationRate"]) * requests
                late[kind(name)][2] += requests
        k_min = scenario["figures"]["knative"]["minSatisfaction"]
        m_min = scenario["figures"]["mu"]["minSatisfaction"]
        if m_min < k_min:
            worst_mu = min(mu.values(), key=lambda r: float(r["satisfaction"]))["function"]
            worst_k = min(knative.values(), key=lambda r: float(r["satisfaction"]))["function"]
            losses.append((scenario["name"], m_min / k_min, worst_mu, worst_mu == worst_k, int(mu[worst_mu]["requests"])))
    print(f"{path}: below capacity, by kind: pod-seconds mu ÷ knative (summed); requests over their SLO, knative and mu")
    for k, (kn, m) in sorted(pod_seconds.items(), key=lambda kv: kv[1][1] / kv[1][0]):
        l = late[k]
        print(f"  {k:14s} {m / kn:5.2f}   ({m:,.0f} against {kn:,.0f})   late {l[0] / l[2]:6.1%} and {l[1] / l[2]:6.1%}")
    for band, kinds in over_work.items():
        total = sum(v[0] for v in kinds.values())
        print(f"{band} capacity: pod-seconds over the work the load needs (demandPodSeconds), knative and mu, by kind "
              f"(share of knative's pod-seconds); 0.9x knative's pod-seconds is less than the work in {under_work_at_090[band]} scenarios")
        for k, (kn, m, work) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
            print(f"  {k:14s} {kn / work:6.2f} {m / work:6.2f}   ({kn / total:5.1%})")
    print(f"minSatisfaction: mu worse in {len(losses)} scenarios; by less than 6 % in "
          f"{sum(1 for l in losses if l[1] > 0.94)}; the same function as knative's worst in "
          f"{sum(1 for l in losses if l[3])}; fewer than 400 requests in {sum(1 for l in losses if l[4] < 400)}")
    kinds = defaultdict(int)
    for l in losses:
        kinds[kind(l[2])] += 1
    print("  Mu's worst-served function by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1])))
    for l in sorted(losses, key=lambda l: l[1]):
        also = " (also knative's worst)" if l[3] else ""
        print(f"  {l[0]}  {l[1]:.3f}  {l[2]}{also}, {l[4]:,} requests")
