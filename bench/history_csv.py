"""Writes a large CSV call-history export for `cxone-sim history import --from csv` (memory benchmark).

Usage: python3 bench/history_csv.py OUT.csv [MEGABYTES]   (default 1024)
Rows: 15-minute intervals in UTC, 40 skills, day after day until the file reaches the size.
"""
import sys
from datetime import datetime, timedelta, timezone

out, megabytes = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1024
limit = megabytes * 1024 * 1024
start = datetime(2020, 1, 1, tzinfo=timezone.utc)
with open(out, "w", buffering=1 << 20) as f:
    f.write("interval_start,skill,attempts,answered,talk_seconds,abandons\n")
    size, step = 0, 0
    while size < limit:
        t = (start + timedelta(minutes=15 * step)).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines = "".join(
            f"{t},{4100 + s},{100 + (step + s) % 50},{30 + (step * 7 + s) % 20},{120 + (step + s) % 60}.5,{(step + s) % 3}\n"
            for s in range(40)
        )
        f.write(lines)
        size += len(lines)
        step += 1
