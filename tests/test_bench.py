"""The load benchmark's harness keeps working: `python -m bench --quick` runs every scenario
against real servers and reports them. No timing is asserted here (docs/performance.md has
the figures); what is asserted is what a broken harness or server would change: every
scenario reports, and every op reached every client."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, timeout

# `python -m bench --quick` where pytest is not installed (the benchmarks need no test extras)
_WITHOUT_PYTEST = """
import runpy, sys
sys.modules["pytest"] = None
sys.argv = ["bench", "--quick"]
runpy.run_module("bench", run_name="__main__")
"""


def test_quick_benchmark_runs_every_scenario() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_PYTEST],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout(180),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    rows = done.stdout.splitlines()
    for scenario in ("S0", "S1 one room, 5", "S1 one room, 20", "S3", "S5", "S6", "S7"):
        assert any(r.startswith(scenario) for r in rows), f"{scenario} missing:\n{done.stdout}"
    # every op reached every client once and in order: exact counts, not a rounded share
    counted = [r.split("out of order")[1].split() for r in rows if "out of order" in r]
    assert len(counted) == 4, done.stdout  # S1 5 and 20, S6, S7
    assert all(c == ["0.00", "0", "(0", "dup,", "0", "ooo)"] for c in counted), done.stdout
    storms = [r.split()[-2:] for r in rows if r.startswith("S4") and " lost " in f" {r} "]
    assert storms and all(s == ["0.00", "0"] for s in storms), done.stdout
