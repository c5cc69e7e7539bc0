"""Engine throughput on a linear flow of cheap blocks, and whether the cost per block stays flat
as flows grow from 10 to 1,000 blocks. Target: at least 300,000 blocks per second.

Run: python benchmarks/engine_throughput.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import best_of, report, write_flow

from pytest_connectflow import SimulatedContact, Simulator, load_library

TARGET = 300_000


def rates() -> dict[int, float]:
    folder = Path(tempfile.mkdtemp())
    for size in (10, 100, 1000):
        write_flow(folder, size, f"L{size}")
    simulator = Simulator(load_library(folder), max_steps=10**6)
    contact = SimulatedContact(attributes={"name": "Ana"})
    out = {}
    for size in (10, 100, 1000):
        runs = max(1, 50_000 // size)

        def work(size: int = size, runs: int = runs) -> None:
            for _ in range(runs):
                simulator.run(f"L{size}", contact=contact)

        seconds = best_of(5, work)
        out[size] = runs * (size + 1) / seconds
    return out


def main() -> None:
    measured = rates()
    for size, rate in measured.items():
        report(f"engine blocks/s, {size}-block flow", f"{rate:,.0f}", f">= {TARGET:,}", rate / TARGET, rate >= TARGET)
    flatness = measured[1000] / measured[10]
    report("engine cost per block, 1000 vs 10 blocks (rate ratio)", f"{flatness:.2f}", ">= 0.80", flatness / 0.8,
           flatness >= 0.8)


if __name__ == "__main__":
    main()
