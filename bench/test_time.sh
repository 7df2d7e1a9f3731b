#!/usr/bin/env bash
# The test suite's time: runs `cargo nextest run --workspace --locked` ROUNDS times (default 3) on an
# already built tree and prints, per run, nextest's wall time, the CPU time of the run's processes
# (user + system of nextest and every test process, from GNU time) and the time the hypervisor took
# from this VM meanwhile ("steal", from /proc/stat). On a shared VM the wall time follows the steal
# and other load; the CPU time is the figure to compare.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-3}"

cargo nextest run --workspace --locked --no-run >/dev/null 2>&1

# Jiffies of steal, the 8th figure of /proc/stat's `cpu` line.
steal() { awk '/^cpu /{print $9; exit}' /proc/stat; }
hz=$(getconf CLK_TCK)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for i in $(seq "$rounds"); do
  t0=$(steal)
  /usr/bin/time -f "%U %S" -o "$out.time" cargo nextest run --workspace --locked >"$out" 2>&1
  t1=$(steal)
  wall=$(sed -n 's/.*Summary \[ *\([0-9.]*\)s\].*/\1/p' "$out")
  read -r user system <"$out.time"
  rm -f "$out.time"
  awk -v w="$wall" -v u="$user" -v s="$system" -v t=$((t1 - t0)) -v hz="$hz" -v i="$i" \
    'BEGIN { printf "run %d: wall %.1f s, CPU %.1f s (user %.1f, system %.1f), steal %.1f s\n", i, w, u + s, u, s, t / hz }'
done
