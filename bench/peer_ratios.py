#!/usr/bin/env python3
"""Prints permitflow's in-memory lifecycle rate beside its peers measured in the same run (scripts/bench).

usage: peer_ratios.py LIFECYCLE_JSON FLOOR_JSON XSTATE_LINE...
  LIFECYCLE_JSON  lifecycle_bench --benchmark_format=json output (BM_InMemoryLifecycle*)
  FLOOR_JSON      statechart_floor_bench --benchmark_format=json output (the bare Boost.Statechart machine)
  XSTATE_LINE     files each holding the one JSON line of bench/peers/xstate_lifecycle.mjs (one per run)
Rates are medians over the repetitions (google benchmark's "median" aggregate when present, else over runs).
"""
import json
import statistics
import sys


def rates(path, name):
    with open(path, encoding="utf-8") as f:
        runs = json.load(f)["benchmarks"]
    mine = [b for b in runs if b.get("run_name", b["name"]) == name]
    median = [b for b in mine if b.get("aggregate_name") == "median"]
    if median:
        return median[0]["events_per_s"]
    plain = [b["events_per_s"] for b in mine if b.get("run_type", "iteration") == "iteration"]
    if not plain:
        sys.exit(f"peer_ratios: no {name} in {path}")
    return statistics.median(plain)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    json_in_out = rates(sys.argv[1], "BM_InMemoryLifecycleJsonInOut")
    json_in = rates(sys.argv[1], "BM_InMemoryLifecycle")
    parsed_once = rates(sys.argv[1], "BM_InMemoryLifecycleParsedOnce")
    floor = rates(sys.argv[2], "BM_BareStatechartLifecycle")
    xs = []
    for path in sys.argv[3:]:
        with open(path, encoding="utf-8") as f:
            xs.append(json.loads(f.read().strip().splitlines()[-1]))
    xstate = statistics.median(x["events_per_s"] for x in xs)
    xstate_bytes = [x["bytes_per_actor"] for x in xs if x.get("bytes_per_actor")]
    print("in-memory lifecycle, the 9-event road-excavation case, medians of this run (events/s):")
    print(f"  permitflow, JSON in and out per call   {json_in_out:>14,.0f}")
    print(f"  permitflow, JSON in                     {json_in:>14,.0f}")
    print(f"  permitflow, calls parsed once           {parsed_once:>14,.0f}")
    print(f"  XState {xs[0]['version']} in Node, JSON in and out {xstate:>11,.0f}"
          f"  ({min(x['events_per_s'] for x in xs):,}-{max(x['events_per_s'] for x in xs):,} over {len(xs)} runs)")
    print(f"  bare Boost.Statechart machine           {floor:>14,.0f}")
    print(f"ratio permitflow (JSON in and out) / XState:            {json_in_out / xstate:.2f}x")
    print(f"ratio bare Boost.Statechart / permitflow (JSON in/out): {floor / json_in_out:.0f}x")
    if xstate_bytes:
        print(f"XState bytes per live actor: {statistics.median(xstate_bytes):,.0f}")


if __name__ == "__main__":
    main()
