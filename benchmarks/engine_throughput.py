"""Engine throughput on a linear flow of cheap blocks, and whether the cost per block stays flat
as flows grow from 10 to 1,000 blocks. Target: at least 300,000 blocks per second.

Each run also pays a fixed cost for setting up (the contact, the mocks, the trace) that does not
depend on the flow; it is measured on a flow of one Disconnect block and printed on its own line.
The cost per block at each size is the run's time less that fixed cost, divided by the blocks:
flat means the 1,000-block figure is no more than 1.25 times the 10-block one (rate ratio >= 0.8).

Run: python benchmarks/engine_throughput.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import best_of, inform, report, write_flow

from pytest_connectflow import SimulatedContact, Simulator, load_library

TARGET = 300_000
SIZES = (10, 100, 1000)


def run_seconds() -> dict[int, float]:
    """Seconds per run of each flow size (0: the flow of one Disconnect, the fixed cost)."""
    folder = Path(tempfile.mkdtemp())
    for size in (0, *SIZES):
        write_flow(folder, size, f"L{size}")
    simulator = Simulator(load_library(folder), max_steps=10**6)
    contact = SimulatedContact(attributes={"name": "Ana"})
    out = {}
    for size in (0, *SIZES):
        runs = max(1, 50_000 // max(size, 10))

        def work(size: int = size, runs: int = runs) -> None:
            for _ in range(runs):
                simulator.run(f"L{size}", contact=contact)

        out[size] = best_of(5, work) / runs
    return out


def main() -> None:
    seconds = run_seconds()
    fixed = seconds[0]
    inform("engine fixed cost per run (contact, mocks, trace; a one-block flow)", f"{fixed * 1e6:.1f} µs")
    for size in SIZES[:-1]:
        rate = (size + 1) / seconds[size]
        inform(f"engine blocks/s, whole runs of a {size}-block flow (fixed cost included)", f"{rate:,.0f}")
    rate = (SIZES[-1] + 1) / seconds[SIZES[-1]]
    report(f"engine blocks/s, {SIZES[-1]}-block flow", f"{rate:,.0f}", f">= {TARGET:,}", rate / TARGET,
           rate >= TARGET)
    per_block = {size: (seconds[size] - fixed) / size for size in SIZES}
    flatness = per_block[SIZES[0]] / per_block[SIZES[-1]]
    costs = " / ".join(f"{per_block[size] * 1e6:.2f}" for size in SIZES)
    report("engine cost per block at 10 / 100 / 1000 blocks (µs), rate ratio 1000 vs 10",
           f"{costs} µs, {flatness:.2f}", ">= 0.80", flatness / 0.8, flatness >= 0.8)


if __name__ == "__main__":
    main()
