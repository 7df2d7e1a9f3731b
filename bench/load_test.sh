#!/usr/bin/env bash
# HTTP load test of the emulator (`cxone-sim serve`) from a second process, with wrk.
#
# Starts the server on a free loopback port, fetches a token, then runs wrk against GET /healthz
# (the ceiling) and against POST .../simulate with the seed's example body, and prints a markdown
# table (throughput, p50/p99 latency, errors) and the server's RSS at start, middle and end.
#
# Usage (from the repository root):
#   bench/load_test.sh [--duration 30s] [--connections 64] [--threads N] [--skip-build] [--bin PATH]
#
# Environment: CARGO_TARGET_DIR (default target), CXONE_SIM_BIN (same as --bin).
set -euo pipefail

# ---- the server's command line (names in one place, in case they change) ----
SERVE_SUBCOMMAND="serve"
ADDR_FLAG="--addr"
EXTRA_SERVE_FLAGS=(--rate-limit-per-second 0)
HOST="127.0.0.1"                       # loopback only
CLIENT_ID="dev-client"
CLIENT_SECRET="dev-secret"
CAMPAIGN_ID="12345678-1234-1234-1234-123456789012"
TOKEN_PATH="/api/v2/oauth/token"
HEALTH_PATH="/healthz"
SIMULATE_PATH="/api/v2/outbound/campaigns/$CAMPAIGN_ID/simulate"
STARTUP_TIMEOUT_SECONDS=60

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

DURATION="30s"
CONNECTIONS=64
WRK_THREADS=""
SKIP_BUILD=0
BIN="${CXONE_SIM_BIN:-}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --duration) DURATION="$2"; shift ;;
        --connections) CONNECTIONS="$2"; shift ;;
        --threads) WRK_THREADS="$2"; shift ;;
        --skip-build) SKIP_BUILD=1 ;;
        --bin) BIN="$2"; SKIP_BUILD=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOAD_DIR="$ROOT/bench/load"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="${BIN:-$TARGET_DIR/release/cxone-sim}"

# Duration in seconds (wrk accepts 30, 30s, 2m, 1h).
duration_seconds() {
    local d="$1"
    case "$d" in
        *h) echo $(( ${d%h} * 3600 )) ;;
        *m) echo $(( ${d%m} * 60 )) ;;
        *s) echo "${d%s}" ;;
        *) echo "$d" ;;
    esac
}
DURATION_S="$(duration_seconds "$DURATION")"
if ! [[ "$DURATION_S" =~ ^[0-9]+$ && "$DURATION_S" -gt 0 && "$CONNECTIONS" =~ ^[0-9]+$ && "$CONNECTIONS" -gt 0 ]]; then
    echo "--duration must be a positive whole number of seconds/minutes/hours (30s, 2m) and --connections a positive integer" >&2
    exit 2
fi
if [[ -z "$WRK_THREADS" ]]; then
    WRK_THREADS="$(nproc)"
fi
if (( WRK_THREADS > CONNECTIONS )); then
    WRK_THREADS="$CONNECTIONS"
fi

for tool in curl python3; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done
if ! command -v wrk >/dev/null; then
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        echo ">> wrk is missing: installing the Debian package (apt-get install -y wrk)" >&2
        apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
    else
        echo "wrk is required (Debian: apt-get install wrk)" >&2
        exit 1
    fi
fi

if [[ $SKIP_BUILD -eq 0 ]]; then
    echo ">> building: cargo build --release -p cli (target dir $TARGET_DIR)" >&2
    CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release -p cli >&2
fi
if [[ ! -x "$BIN" ]]; then
    echo "server binary not found: $BIN" >&2
    exit 1
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
BASE="http://$HOST:$PORT"

echo ">> starting: $BIN $SERVE_SUBCOMMAND $ADDR_FLAG $HOST:$PORT ${EXTRA_SERVE_FLAGS[*]}" >&2
"$BIN" "$SERVE_SUBCOMMAND" "$ADDR_FLAG" "$HOST:$PORT" "${EXTRA_SERVE_FLAGS[@]}" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

deadline=$(( SECONDS + STARTUP_TIMEOUT_SECONDS ))
until curl -fsS -o /dev/null "$BASE$HEALTH_PATH" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "the server exited during start-up; its log:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    if (( SECONDS > deadline )); then
        echo "the server did not answer $HEALTH_PATH within ${STARTUP_TIMEOUT_SECONDS}s" >&2
        exit 1
    fi
    sleep 0.1
done
echo ">> server up at $BASE (pid $SERVER_PID)" >&2

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0; }

TOKEN="$(curl -fsS -X POST "$BASE$TOKEN_PATH" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    --data "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
export TOKEN CAMPAIGN_ID BENCH_LOAD_DIR="$LOAD_DIR"

# One request first, so a contract problem shows as a clear message rather than a table of errors.
status="$(curl -sS -o "$WORK/first.json" -w '%{http_code}' -X POST "$BASE$SIMULATE_PATH" \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    --data-binary @- <<'JSON'
{"predictiveDialerSettings":{"answerRate":0.38,"agentEfficiency":0.82,"interval":3,"maxCalls":50,"dialerType":"PREDICTIVE"},"simulationWindowMinutes":120,"historicalData":[{"time_bucket":"09:00-10:00","calls_attempted":500,"calls_answered":190,"avg_talk_time_seconds":145},{"time_bucket":"10:00-11:00","calls_attempted":620,"calls_answered":245,"avg_talk_time_seconds":138},{"time_bucket":"11:00-12:00","calls_attempted":480,"calls_answered":175,"avg_talk_time_seconds":152}]}
JSON
)"
if [[ "$status" != "200" ]]; then
    echo "a first simulate request answered HTTP $status:" >&2
    head -c 2000 "$WORK/first.json" >&2; echo >&2
    if [[ "$status" != "400" ]]; then
        exit 1
    fi
    echo ">> continuing: a 400 still runs the simulation; those answers count as non-2xx" >&2
fi

RSS_START="$(rss_kb)"

# wrk_run NAME SCRIPT   runs wrk and keeps its WRK_JSON summary line.
wrk_run() {
    local name="$1" script="$2"
    echo ">> wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency -s $script $BASE ($name)" >&2
    wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency --timeout 30s \
        -s "$script" "$BASE" >"$WORK/$name.txt"
    sed -n 's/^WRK_JSON //p' "$WORK/$name.txt" >"$WORK/$name.json"
    if [[ ! -s "$WORK/$name.json" ]]; then
        echo "wrk printed no summary for $name:" >&2
        cat "$WORK/$name.txt" >&2
        exit 1
    fi
    grep -v '^WRK_JSON ' "$WORK/$name.txt" >&2 || true
}

wrk_run healthz "$LOAD_DIR/healthz.lua"
RSS_AFTER_HEALTHZ="$(rss_kb)"

# Sample the server's RSS halfway through the simulate run.
( sleep "$(( DURATION_S / 2 ))"; rss_kb >"$WORK/rss_mid" ) &
SAMPLER_PID=$!
wrk_run simulate "$LOAD_DIR/simulate.lua"
wait "$SAMPLER_PID" 2>/dev/null || true
RSS_MID="$(cat "$WORK/rss_mid" 2>/dev/null || echo 0)"
RSS_END="$(rss_kb)"

if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "the server died during the test; its log:" >&2
    tail -n 50 "$WORK/server.log" >&2
    exit 1
fi

python3 - "$WORK" "$CONNECTIONS" "$DURATION" "$WRK_THREADS" \
    "$RSS_START" "$RSS_AFTER_HEALTHZ" "$RSS_MID" "$RSS_END" <<'PY'
import json, sys
work, conns, duration, threads = sys.argv[1:5]
rss = [int(x or 0) / 1024.0 for x in sys.argv[5:9]]
print(f"| endpoint | connections | duration | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | socket errors |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, label in (("healthz", "GET /healthz"), ("simulate", "POST …/simulate")):
    d = json.load(open(f"{work}/{name}.json"))
    sock = d["connect_errors"] + d["read_errors"] + d["write_errors"] + d["timeouts"]
    print(f"| {label} | {conns} | {duration} | {d['requests']} | {d['requests_per_second']:,.1f} | "
          f"{d['p50_ms']:.2f} | {d['p99_ms']:.2f} | {d['max_ms']:.2f} | {d['non_2xx']} | {sock} |")
print()
print("| server RSS | start | after /healthz | simulate, middle | end | growth |")
print("|---|---:|---:|---:|---:|---:|")
growth = rss[3] - rss[0]
print(f"| MB | {rss[0]:.1f} | {rss[1]:.1f} | {rss[2]:.1f} | {rss[3]:.1f} | {growth:+.1f} |")
print()
print(f"wrk threads {threads}; machine: {__import__('os').cpu_count()} CPUs")
PY
