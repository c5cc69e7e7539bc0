"""A YAML scenario item against a trivial parametrized pytest test: 2,000 scenarios over a
10-block flow vs 2,000 `def test_x(i): assert i >= 0`. Target: at most 1.3x.

Run: python benchmarks/scenario_overhead.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import pytest_seconds, report, write_flow

COUNT = 2000
TARGET = 1.3


def scenario_project(root: Path) -> None:
    write_flow(root / "flows", 9, "Ten")  # 9 cheap blocks and a Disconnect
    lines = ["flows: flows", "scenarios:"]
    for i in range(COUNT):
        lines += [f"  - name: scenario {i}", "    flow: Ten", "    attributes: {name: Ana}",
                  "    expect: {ended: disconnected}"]
    (root / "test_many.connectflow.yaml").write_text("\n".join(lines) + "\n")


def trivial_project(root: Path) -> None:
    (root / "test_trivial.py").write_text(
        f"import pytest\n\n\n@pytest.mark.parametrize('i', range({COUNT}))\ndef test_x(i):\n    assert i >= 0\n"
    )


def main() -> None:
    base = Path(tempfile.mkdtemp())
    scenarios, trivial = base / "scenarios", base / "trivial"
    scenarios.mkdir()
    trivial.mkdir()
    scenario_project(scenarios)
    trivial_project(trivial)
    s, t = pytest_seconds(scenarios), pytest_seconds(trivial)
    ratio = s / t
    report(f"{COUNT} YAML scenarios vs {COUNT} trivial tests (whole pytest run)",
           f"{s:.2f} s vs {t:.2f} s", f"<= {TARGET}x", TARGET / ratio, ratio <= TARGET)


if __name__ == "__main__":
    main()
