"""Loading all 86 flows in ../shared/flows (corpus and legacy). Target: under 100 ms.

Run: python benchmarks/load_shared_flows.py
"""

from __future__ import annotations

from _common import SHARED_FLOWS, best_of, report

from pytest_connectflow import load_library

TARGET_MS = 100.0


def main() -> None:
    paths = [SHARED_FLOWS / "corpus", SHARED_FLOWS / "legacy"]
    count = len(load_library(paths).flows)
    seconds = best_of(5, lambda: load_library(paths))
    ms = seconds * 1000
    report(f"load {count} shared flows", f"{ms:.1f} ms", f"< {TARGET_MS:.0f} ms", TARGET_MS / ms, ms < TARGET_MS)


if __name__ == "__main__":
    main()
