#!/usr/bin/env python3
"""Kill -9 against the audit log: how many lines are torn, and how many completed runs are lost.

Runs `cxone-sim run` RUNS times, WORKERS at a time, all appending to one audit log. Half the runs
use a payload whose thousands of violations make a line of megabytes (so a kill often lands in the
middle of its write), half the seed example. A random half of the runs get SIGKILL after a random
delay, drawn up to the measured length of such a run (so some kills land while the line is being
written). Then every line of the log is parsed:

- torn: lines that are not a JSON object (a fragment, or a fragment glued to the next line);
- lost: runs that exited on their own (not killed) and printed a run id that no parsed line holds.

Usage: bench/audit_kill9.py BINARY [RUNS] [WORKERS] [SEED]
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor


def big_payload(path):
    buckets = [
        {"time_bucket": "09:00-10:00", "calls_attempted": 1, "calls_answered": 2,
         "avg_talk_time_seconds": -1}
        for _ in range(20000)
    ]
    with open(path, "w") as f:
        json.dump({"campaign_id": "kill9", "answer_rate": 0.38, "agent_efficiency": 0.82,
                   "max_simulation_window_minutes": 120, "compliance_threshold_variance": 0.1,
                   "historical_matrix": buckets}, f)


def args_of(binary, log, payload, i):
    args = [binary, "run", "--json", "--audit-log", log, "--seed", str(i)]
    if i % 2 == 0:
        args.append(payload)
    return args


def duration(binary, log, payload, i, work):
    started = time.monotonic()
    subprocess.run(args_of(binary, log, payload, i), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, cwd=work)
    return time.monotonic() - started


def one_run(binary, log, payload, i, rng_seed, work, lengths):
    rng = random.Random(rng_seed * 100003 + i)
    child = subprocess.Popen(args_of(binary, log, payload, i), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, cwd=work)
    killed = False
    if rng.random() < 0.5:
        time.sleep(rng.uniform(0.0, 1.1 * lengths[i % 2]))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed = True
    out, _ = child.communicate()
    if killed and child.returncode == -signal.SIGKILL:
        return None
    try:
        return json.loads(out)["run_id"]
    except (ValueError, KeyError):
        return None


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    with tempfile.TemporaryDirectory() as work:
        log = os.path.join(work, "audit.log")
        payload = os.path.join(work, "big.json")
        big_payload(payload)
        calibration = os.path.join(work, "calibration.log")
        lengths = [duration(binary, calibration, payload, i, work) for i in (0, 1)]
        with ThreadPoolExecutor(workers) as pool:
            ids = list(pool.map(lambda i: one_run(binary, log, payload, i, seed, work, lengths),
                                range(runs)))
        completed = {r for r in ids if r}
        logged, torn, lines, biggest = set(), 0, 0, 0
        with open(log, "rb") as f:
            data = f.read()
        for raw in data.split(b"\n"):
            if not raw:
                continue
            lines += 1
            biggest = max(biggest, len(raw))
            try:
                entry = json.loads(raw)
                logged.add(entry["run_id"])
            except (ValueError, KeyError, TypeError):
                torn += 1
        lost = len(completed - logged)
        print(json.dumps({"runs": runs, "completed": len(completed), "lines": lines,
                          "torn": torn, "lost": lost, "ends_with_newline": data.endswith(b"\n"),
                          "largest_line_bytes": biggest, "log_bytes": len(data),
                          "run_seconds_big_small": [round(x, 2) for x in lengths]}))


if __name__ == "__main__":
    main()
