"""Scenarios per second on example_project: the engine alone, and through pytest.

Run: python benchmarks/example_project_throughput.py   (prints figures; asserts nothing)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.scenario.runner import run_scenario
from pytest_connectflow.session import ConnectflowSession, load_instance_file

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "example_project"


def engine_rate(rounds: int = 200) -> tuple[int, float]:
    session = ConnectflowSession(default_flows=(PROJECT / "flows",))
    instance = load_instance_file(PROJECT / "connect-instance.yaml")
    files = [load_scenario_file(p) for p in sorted((PROJECT / "tests").glob("test_*.connectflow.yaml"))]
    scenarios = [(f, s) for f in files for s in f.scenarios]
    start = time.perf_counter()
    for _ in range(rounds):
        for file, scenario in scenarios:
            outcome = run_scenario(scenario, session.library(file.flows), instance_layers=(instance, file.instance),
                                   registry=session.registry,
                                   handler_roots=(str(PROJECT),))  # lambdas/ sits at the rootdir
            assert outcome.passed, outcome.render()
    elapsed = time.perf_counter() - start
    return len(scenarios) * rounds, elapsed


def pytest_wall_time() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=PROJECT, check=True,
                   stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - start


if __name__ == "__main__":
    runs, seconds = engine_rate()
    print(f"engine: {runs} scenario runs in {seconds:.3f} s = {runs / seconds:,.0f} scenarios/s")
    wall = pytest_wall_time()
    print(f"pytest on example_project (whole process, start-up included): {wall:.2f} s")
