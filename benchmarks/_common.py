"""Helpers shared by the benchmark scripts: flows of N cheap blocks, timing, the result line."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED_FLOWS = ROOT.parent / "shared" / "flows"


def linear_flow(blocks: int, name: str = "Linear") -> dict[str, Any]:
    """A flow of `blocks` cheap blocks in a line (Play prompt, Set contact attributes, Check
    contact attributes, in turn), then a Disconnect."""
    actions: list[dict[str, Any]] = []
    for i in range(blocks):
        following = f"b{i + 1}" if i + 1 < blocks else "end"
        kind = i % 3
        if kind == 0:
            actions.append({"Identifier": f"b{i}", "Type": "MessageParticipant",
                            "Parameters": {"Text": "Hello $.Attributes.name"},
                            "Transitions": {"NextAction": following,
                                            "Errors": [{"NextAction": following, "ErrorType": "NoMatchingError"}]}})
        elif kind == 1:
            actions.append({"Identifier": f"b{i}", "Type": "UpdateContactAttributes",
                            "Parameters": {"Attributes": {"step": str(i)}},
                            "Transitions": {"NextAction": following,
                                            "Errors": [{"NextAction": following, "ErrorType": "NoMatchingError"}]}})
        else:
            actions.append({"Identifier": f"b{i}", "Type": "Compare",
                            "Parameters": {"ComparisonValue": "$.Attributes.step"},
                            "Transitions": {"NextAction": following,
                                            "Conditions": [{"NextAction": following, "Condition": {
                                                "Operator": "NumberGreaterThan", "Operands": ["-1"]}}],
                                            "Errors": [{"NextAction": following,
                                                        "ErrorType": "NoMatchingCondition"}]}})
    actions.append({"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}})
    start = "b0" if blocks else "end"
    return {"Version": "2019-10-30", "StartAction": start, "Metadata": {"name": name}, "Actions": actions}


def write_flow(folder: Path, blocks: int, name: str = "Linear") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.lower()}.json"
    path.write_text(json.dumps(linear_flow(blocks, name)), "utf-8")
    return path


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The fastest of `repeat` timings of `work`, in seconds (the least disturbed run)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def pytest_seconds(root: Path, *extra: str, repeat: int = 3) -> float:
    """The fastest of `repeat` whole `pytest` runs in `root`, after one untimed run.

    As on a developer's machine, Python writes and reuses bytecode: some sandboxes set
    PYTHONDONTWRITEBYTECODE, which recompiles pytest and every plugin on each run, a cost no user
    pays. The untimed first run writes it.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def work() -> None:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *extra],
                       cwd=root, check=True, stdout=subprocess.DEVNULL, env=env)

    work()
    return best_of(repeat, work)


def machine() -> str:
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{python}, {os.cpu_count()} cores, {platform.machine()}"


def report(figure: str, value: str, target: str, ratio: float, met: bool) -> str:
    """One result line, also parsed by benchmarks/run: figure | value | target | ratio | met."""
    line = f"{figure} | {value} | {target} | {ratio:.2f} | {'yes' if met else 'NO'}"
    print(line)
    return line


def inform(figure: str, value: str) -> str:
    """A line that explains a figure and has no target of its own."""
    line = f"{figure} | {value} | - | - | -"
    print(line)
    return line
