#!/usr/bin/env bash
# Predictive against ratio pacing, in dial attempts per second of CPU time, both pacing after every
# event, on one thread: the reference scenario (`throughput` example) for 8 simulated hours and 20
# replications, at each team size given (default 100 and 1000).
#   bench/predictive_vs_ratio.sh [ROUNDS] [AGENTS ...]      (ROUNDS default 6)
# The two strategies run in turns, ROUNDS times each per size, so that both see the same moments of
# the host's load. Each run's CPU time is user + system from bash's `time` (to the millisecond);
# "steal" is the time the hypervisor took from this VM during the size's runs (from /proc/stat).
# Prints one line per run,
# then per size the least and the median CPU time of each strategy, the dials of one run, and
# predictive ÷ ratio in dials per CPU second, from the least times and from the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-6}"
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)

cargo build --release -p dialer --example throughput >/dev/null 2>&1
bin="${CARGO_TARGET_DIR:-target}/release/examples/throughput"

steal() { awk '/^cpu /{print $9; exit}' /proc/stat; }
hz=$(getconf CLK_TCK)
out=$(mktemp)
trap 'rm -f "$out" "$out.time" "$out.runs"' EXIT

for agents in "${sizes[@]}"; do
  : >"$out.runs"
  t0=$(steal)
  for round in $(seq "$rounds"); do
    for dialer in ratio predictive; do
      TIMEFORMAT='%3U %3S'
      { time "$bin" --window 480 --agents "$agents" --threads 1 --replications 20 \
        --dialer "$dialer" >"$out"; } 2>"$out.time"
      read -r user system <"$out.time"
      dials=$(sed -n 's/.*"dials":\([0-9.]*\).*/\1/p' "$out")
      echo "$dialer $user $system $dials" >>"$out.runs"
      awk -v d="$dialer" -v a="$agents" -v r="$round" -v u="$user" -v s="$system" -v n="$dials" \
        'BEGIN { printf "%d agents, round %d, %-10s CPU %.3f s, %d dials\n", a, r, d, u + s, n }'
    done
  done
  t1=$(steal)
  awk -v a="$agents" -v steal=$((t1 - t0)) -v hz="$hz" '
    { cpu[$1, ++n[$1]] = $2 + $3; dials[$1] = $4 }
    function sorted(d,   i, j, t, k) {
      k = n[d]
      for (i = 1; i <= k; i++) s[i] = cpu[d, i]
      for (i = 2; i <= k; i++) for (j = i; j > 1 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
      return k
    }
    function least(d) { sorted(d); return s[1] }
    function median(d,   k) { k = sorted(d); return k % 2 ? s[(k + 1) / 2] : (s[k / 2] + s[k / 2 + 1]) / 2 }
    END {
      rl = least("ratio"); rm = median("ratio"); pl = least("predictive"); pm = median("predictive")
      printf "%d agents: ratio %d dials, CPU least %.3f s (median %.3f); predictive %d dials, CPU least %.3f s (median %.3f); steal %.1f s\n", \
        a, dials["ratio"], rl, rm, dials["predictive"], pl, pm, steal / hz
      printf "%d agents: predictive / ratio in dials per CPU second: %.1f %% (least), %.1f %% (medians)\n", \
        a, 100 * (dials["predictive"] / pl) / (dials["ratio"] / rl), 100 * (dials["predictive"] / pm) / (dials["ratio"] / rm)
    }' "$out.runs"
done
