#!/usr/bin/env bash
# Side by side: the Rust dialer engine and its SimPy peer on the reference scenario
# (VICIdial RATIO 1.2, p 0.3, 100 agents; see bench/README.md). Prints a markdown table and the machine.
#
# Usage (from the repository root):
#   bench/compare_engines.sh            full run
#   bench/compare_engines.sh --quick    short windows, for a smoke test
#   bench/compare_engines.sh --skip-rust | --skip-simpy
#
# Environment: CARGO_TARGET_DIR (default target), PYTHON (default python3), SEED (default 42),
# RUST_REPLICATIONS (default 20, the product's default).
set -euo pipefail

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; }

QUICK=0
SKIP_RUST=0
SKIP_SIMPY=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --skip-rust) SKIP_RUST=1 ;;
        --skip-simpy) SKIP_SIMPY=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
SEED="${SEED:-42}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
RUST_BIN="$TARGET_DIR/release/examples/throughput"
EXAMPLE_SRC="crates/dialer/examples/throughput.rs"

# Windows (minutes) and sizes. SimPy runs the same 100-agent window as Rust: dials/s is the
# comparable figure, and SimPy handles a simulated day of 100 agents in seconds.
if [[ $QUICK -eq 1 ]]; then
    RUST_MINUTES=60;   RUST_MEM_MINUTES=60;   RUST_MEM_AGENTS=1000
    SIMPY_MINUTES=60;  SIMPY_MEM_MINUTES=30;  SIMPY_MEM_AGENTS=1000
else
    RUST_MINUTES=1440; RUST_MEM_MINUTES=1440; RUST_MEM_AGENTS=1000
    SIMPY_MINUTES=1440; SIMPY_MEM_MINUTES=1440; SIMPY_MEM_AGENTS=1000
fi
AGENTS=100
# Independent replications per Rust run (run in parallel over --threads); dials and dials/s count
# all of them. The SimPy peer runs one.
RUST_REPLICATIONS="${RUST_REPLICATIONS:-20}"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Peak RSS from GNU time when present (the same measure for both engines).
TIME_BIN=""
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    TIME_BIN=/usr/bin/time
elif [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo ">> /usr/bin/time is missing: installing the Debian package 'time' (apt-get install -y time)" >&2
    apt-get update -qq >&2 && apt-get install -y -qq time >&2
    TIME_BIN=/usr/bin/time
else
    echo ">> /usr/bin/time is missing and cannot be installed here: peak RSS comes from each engine's own report" >&2
fi

ROWS="$WORK/rows.jsonl"
: >"$ROWS"

# run LABEL THREADS MINUTES AGENTS -- COMMAND...
# runs COMMAND, keeps its last JSON line on stdout and its peak RSS.
run() {
    local label="$1" threads="$2" minutes="$3" agents="$4"; shift 5
    local out="$WORK/out.json" tim="$WORK/time.txt"
    echo ">> $label (threads $threads): $*" >&2
    if [[ -n "$TIME_BIN" ]]; then
        "$TIME_BIN" -v -o "$tim" "$@" >"$out"
    else
        : >"$tim"
        "$@" >"$out"
    fi
    "$PYTHON" - "$label" "$threads" "$minutes" "$agents" "$out" "$tim" >>"$ROWS" <<'PY'
import json, re, sys
label, threads, minutes, agents, out, tim = sys.argv[1:7]
lines = [l for l in open(out).read().splitlines() if l.strip().startswith("{")]
if not lines:
    sys.exit(f"{label}: no JSON line on stdout")
d = json.loads(lines[-1])
m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(tim).read())
if m:
    d["peak_rss_mb"] = int(m.group(1)) / 1024.0
d["label"], d["threads"] = label, int(threads)
d.setdefault("minutes", float(minutes))
d.setdefault("agents", int(agents))
d.setdefault("replications", 1)
print(json.dumps(d))
PY
}

if [[ $SKIP_RUST -eq 0 ]]; then
    if [[ ! -f "$EXAMPLE_SRC" ]]; then
        echo ">> $EXAMPLE_SRC does not exist yet: Rust rows skipped" >&2
    else
        # The window flag is --minutes or --window, depending on the example's version.
        WINDOW_FLAG="--minutes"
        if ! grep -q '"--minutes"' "$EXAMPLE_SRC" && grep -q '"--window"' "$EXAMPLE_SRC"; then
            WINDOW_FLAG="--window"
        fi
        REPLICATION_ARGS=()
        if grep -q '"--replications"' "$EXAMPLE_SRC"; then
            REPLICATION_ARGS=(--replications "$RUST_REPLICATIONS")
        fi
        echo ">> building: cargo build --release -p dialer --example throughput (target dir $TARGET_DIR)" >&2
        CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release -p dialer --example throughput >&2
        for t in 1 2; do
            run rust "$t" "$RUST_MINUTES" "$AGENTS" -- "$RUST_BIN" "$WINDOW_FLAG" "$RUST_MINUTES" --agents "$AGENTS" --threads "$t" "${REPLICATION_ARGS[@]}"
        done
        run "rust (memory)" 1 "$RUST_MEM_MINUTES" "$RUST_MEM_AGENTS" -- "$RUST_BIN" "$WINDOW_FLAG" "$RUST_MEM_MINUTES" --agents "$RUST_MEM_AGENTS" --threads 1 "${REPLICATION_ARGS[@]}"
    fi
fi

SIMPY_VERSION="$("$PYTHON" -c 'import simpy; print(simpy.__version__)' 2>/dev/null || echo "not installed")"
if [[ $SKIP_SIMPY -eq 0 ]]; then
    if [[ "$SIMPY_VERSION" == "not installed" ]]; then
        echo ">> simpy is not installed: $PYTHON -m pip install -r bench/requirements.txt" >&2
        exit 1
    fi
    run simpy 1 "$SIMPY_MINUTES" "$AGENTS" -- "$PYTHON" bench/simpy_ratio.py --minutes "$SIMPY_MINUTES" --agents "$AGENTS" --seed "$SEED"
    run "simpy (memory)" 1 "$SIMPY_MEM_MINUTES" "$SIMPY_MEM_AGENTS" -- "$PYTHON" bench/simpy_ratio.py --minutes "$SIMPY_MEM_MINUTES" --agents "$SIMPY_MEM_AGENTS" --seed "$SEED"
fi

"$PYTHON" - "$ROWS" <<'PY'
import json, sys

def fmt(v, spec):
    if v is None:
        return "–"
    if spec in ("d", "g"):
        v = float(v)
        return str(int(v)) if v.is_integer() else format(v, "g")
    return format(float(v), spec)

print("| engine | threads | replications | minutes | agents | dials | seconds | dials/s | peak RSS MB | abandon rate | occupancy |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    d = json.loads(line)
    print("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
        d["label"], d["threads"], fmt(d.get("replications"), "d"), fmt(d.get("minutes"), "g"), fmt(d.get("agents"), "d"),
        fmt(d.get("dials"), "d"), fmt(d.get("seconds"), ".3f"), fmt(d.get("dials_per_second"), ",.0f"),
        fmt(d.get("peak_rss_mb"), ".1f"), fmt(d.get("abandon_rate"), ".3g"), fmt(d.get("occupancy"), ".4f")))
PY

echo
echo "Machine (load average: $(cut -d' ' -f1-3 /proc/loadavg)):"
echo "- nproc: $(nproc)"
echo "- CPU: $(lscpu | grep 'Model name' | sed 's/.*: *//' | head -1)"
echo "- rustc: $(rustc --version 2>/dev/null || echo 'not found')"
echo "- python: $("$PYTHON" --version 2>&1)"
echo "- simpy: $SIMPY_VERSION"
