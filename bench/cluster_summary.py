#!/usr/bin/env python3
"""Turns a bench/results/cluster-<time>/ folder (bench/cluster.sh) into a Markdown summary:
medians of the runs for one and two instances, the scaling ratio, and the database's cost per
token (PostgreSQL transactions, rows and statement time per successful request)."""

import csv
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])
rows = list(csv.DictReader((out / "results.tsv").open(), delimiter="\t"))
by = {}
for r in rows:
    by.setdefault((r["instances"], r["scenario"]), []).append(r)


def med(runs, f):
    return statistics.median(f(r) for r in runs)


def per_token(r, field):
    tokens = int(r["requests"]) - int(r["errors"])
    return float(r[field]) / tokens if tokens > 0 else float("nan")


print((out / "machine.txt").read_text().strip().replace("\n", "  \n"))
print()
print("| instances | scenario | req/s (median) | p50 ms | p99 ms | errors | PG xacts/token "
      "| PG rows/token | PG ms/token |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for (n, scenario), runs in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    print(
        f"| {n} | {scenario} | {med(runs, lambda r: float(r['rps'])):,.0f} "
        f"| {med(runs, lambda r: float(r['p50_ms'])):.2f} "
        f"| {med(runs, lambda r: float(r['p99_ms'])):.2f} "
        f"| {sum(int(r['errors']) for r in runs)} "
        f"| {med(runs, lambda r: per_token(r, 'xacts')):.2f} "
        f"| {med(runs, lambda r: per_token(r, 'rows')):.1f} "
        f"| {med(runs, lambda r: per_token(r, 'pg_active_ms')):.3f} |"
    )
print()
print("| scenario | two instances / one |")
print("|---|---:|")
for scenario in sorted({s for _, s in by}):
    one, two = by.get(("1", scenario)), by.get(("2", scenario))
    if one and two:
        ratio = med(two, lambda r: float(r["rps"])) / med(one, lambda r: float(r["rps"]))
        print(f"| {scenario} | {ratio:.2f}x |")
print()
print("A run with errors is void. PG figures are deltas of pg_stat_database over the run "
      "divided by successful requests; they include the instances' background work (about "
      "one revocation-list read per second per instance).")
