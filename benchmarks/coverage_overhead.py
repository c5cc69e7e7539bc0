"""What recording coverage (--connectflow-cov) costs per run. A run without the option records
nothing (the fixture is the plain Simulator and scenarios skip the recorder); with it, each run's
trace is counted once. Measured apart, on a run of 100 cheap blocks: the run, and the recording
of its trace. Target: recording costs at most 10% of the run.

Run: python benchmarks/coverage_overhead.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import best_of, report, write_flow

from pytest_connectflow import SimulatedContact, Simulator, load_library
from pytest_connectflow.coverage import CoverageRecorder

TARGET = 0.10
RUNS = 500


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    write_flow(folder, 100, "L100")
    library = load_library(folder)
    simulator = Simulator(library)
    contact = SimulatedContact(attributes={"name": "Ana"})
    trace = simulator.run("L100", contact=contact).trace
    recorder = CoverageRecorder()

    def runs() -> None:
        for _ in range(RUNS):
            simulator.run("L100", contact=contact)

    def records() -> None:
        for _ in range(RUNS):
            recorder.record(library, [folder], trace)

    run_seconds = best_of(5, runs)
    record_seconds = best_of(5, records)
    share = record_seconds / run_seconds
    report("coverage recording cost per run of 100 blocks", f"{share:.1%} of the run "
           f"({record_seconds / RUNS * 1e6:.0f} µs)", f"<= {TARGET:.0%}", share / TARGET, share <= TARGET)


if __name__ == "__main__":
    main()
