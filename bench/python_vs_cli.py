"""The seed example's run from Python against ``cxone-sim run``, in the same session, alternated.

Measures, ROUNDS times each, in alternation so that the machine's load affects both alike:
  cli      ``cxone-sim run --backend local --json examples/seed_payload.json`` as a process (start-up included);
  py-proc  ``python -c "...run_simulation(payload)"`` as a process (interpreter and import included);
  py-call  one ``CXoneAnswerSimulator(...).run_simulation(payload)`` call in this process.
Prints the medians as a markdown table and the ratios py/cli. Every run checks its result.

Usage (from the repository root, with cxone_sim installed in the running Python):
    python bench/python_vs_cli.py [--bin target/release/cxone-sim] [--rounds 15]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAYLOAD = ROOT / "examples" / "seed_payload.json"
CHILD = (
    "import json,sys; from cxone_sim import CXoneAnswerSimulator, PredictiveSimulationPayload; "
    "p = PredictiveSimulationPayload.model_validate_json(open(sys.argv[1]).read()); "
    "r = CXoneAnswerSimulator('org', 'id', 'secret').run_simulation(p); "
    "assert r['status'] == 'SUCCESS'; print(json.dumps(r))"
)


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", default=str(ROOT / "target" / "release" / "cxone-sim"))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    from cxone_sim import CXoneAnswerSimulator, PredictiveSimulationPayload

    payload = PredictiveSimulationPayload.model_validate_json(PAYLOAD.read_text())
    work = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CXONE_", "WORKFORCE_"))}
    env["CXONE_AUDIT_LOG"] = str(work / "audit.log")
    os.environ.clear()
    os.environ.update(env)
    simulator = CXoneAnswerSimulator("org", "id", "secret")
    samples = {"cli": [], "py-proc": [], "py-call": []}
    rates = {}
    for _ in range(args.rounds):
        seconds, proc = timed(
            lambda: subprocess.run([args.bin, "run", "--backend", "local", "--json", str(PAYLOAD)], capture_output=True, text=True, env=env, cwd=work)
        )
        assert proc.returncode == 0, proc.stderr
        rates["cli"] = json.loads(proc.stdout)["simulation_result"]["predictiveDialerSettings"]["answerRate"]
        samples["cli"].append(seconds)
        seconds, proc = timed(
            lambda: subprocess.run([sys.executable, "-c", CHILD, str(PAYLOAD)], capture_output=True, text=True, env=env, cwd=work)
        )
        assert proc.returncode == 0, proc.stderr
        rates["py-proc"] = json.loads(proc.stdout)["simulation_result"]["predictiveDialerSettings"]["answerRate"]
        samples["py-proc"].append(seconds)
        seconds, result = timed(lambda: simulator.run_simulation(payload))
        assert result["status"] == "SUCCESS"
        rates["py-call"] = result["simulation_result"]["predictiveDialerSettings"]["answerRate"]
        samples["py-call"].append(seconds)
    # The same request gives the same simulation from every front end.
    assert len(set(rates.values())) == 1, rates

    medians = {k: statistics.median(v) * 1000 for k, v in samples.items()}
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}; "
          f"Python {platform.python_version()}; {args.rounds} rounds, alternated")
    print("| what | median ms | min ms | max ms | / cli |")
    print("|---|---|---|---|---|")
    for name, values in samples.items():
        ms = [v * 1000 for v in values]
        print(f"| {name} | {medians[name]:.1f} | {min(ms):.1f} | {max(ms):.1f} | {medians[name] / medians['cli']:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
