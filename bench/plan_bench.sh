#!/usr/bin/env bash
# `cxone-sim plan`: the seed example's default plan against a shell loop calling `cxone-sim simulate`
# once per row of the same grid, and peak memory of a large grid at two sizes.
# Usage: bench/plan_bench.sh [--skip-build]   (from the repository root; GNU time for peak RSS)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${1:-}" = "--skip-build" ] || cargo build --release -p cli
bin=target/release/cxone-sim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
seconds() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" || true; cat "$work/time"; }

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

echo "== the seed example's default plan, three runs (wall seconds, peak RSS KB; CPU seconds)"
for _ in 1 2 3; do
  /usr/bin/time -f "%e s wall, %M KB, %U s user + %S s sys" "$bin" plan examples/seed_payload.json > /dev/null
done

echo "== the same grid as one \`simulate\` per row (a shell loop over the rows' scenarios)"
"$bin" plan examples/seed_payload.json --json > "$work/plan.json" || true
python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
rows = json.load(open(f"{work}/plan.json"))["rows"]
os.makedirs(f"{work}/rows")
for i, r in enumerate(rows):
    json.dump(r["scenario"], open(f"{work}/rows/{i:05}.json", "w"))
print(f"{len(rows)} rows")
PY
# Alternate the two three times, so a change in the host's load hits both.
for _ in 1 2 3; do
  start=$(date +%s.%N)
  for f in "$work"/rows/*.json; do "$bin" simulate --json "$f" > /dev/null; done
  end=$(date +%s.%N)
  seconds "$bin" plan examples/seed_payload.json > /dev/null
  echo "loop: $(echo "$end - $start" | bc) s; plan: $(cut -d' ' -f1 "$work/time") s"
done

echo "== peak memory against rows: a cheap grid (30 minutes, 5 replications) at two sizes"
cat > "$work/small.json" <<'JSON'
{"agents": 10, "window_minutes": 30, "dialer": {"mode": "progressive"},
 "live_answer_probability": 0.3,
 "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
 "talk_seconds": {"dist": "exp", "mean": 90}, "patience_seconds": {"dist": "fixed", "mean": 2}}
JSON
for agents in 5..14 5..104; do
  args=(plan "$work/small.json" --strategy ratio:1.0..3.0:0.02 --agents "$agents:1" --answer-rate 0.3
        --replications 5 --risk 0.5 --json --csv "$work/rows.csv")
  read -r wall rss < <(seconds "$bin" "${args[@]}")
  echo "agents $agents: $(($(wc -l < "$work/rows.csv") - 1)) rows, $wall s, peak RSS $rss KB, JSON $(wc -c < "$work/out") bytes"
done
