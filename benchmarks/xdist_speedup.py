"""10,000 scenarios with `-n 2` (pytest-xdist) against one process. Target: close to 2x (>= 1.6x).

The same measure over 10,000 trivial pytest tests is printed beside it as the ceiling: xdist's own
cost per test (sending each report from worker to controller) is paid by scenarios too, so with
millisecond scenarios the speedup cannot beat what xdist reaches on empty tests.

Run: python benchmarks/xdist_speedup.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import pytest_seconds, report, write_flow

COUNT = 10_000
FILES = 20
TARGET = 1.6


def project(root: Path) -> None:
    write_flow(root / "flows", 9, "Ten")
    per_file = COUNT // FILES
    for f in range(FILES):
        lines = ["flows: flows", "scenarios:"]
        for i in range(per_file):
            lines += [f"  - name: scenario {i}", "    flow: Ten", "    attributes: {name: Ana}",
                      "    expect: {ended: disconnected}"]
        (root / f"test_many_{f}.connectflow.yaml").write_text("\n".join(lines) + "\n")


def trivial_project(root: Path) -> None:
    root.mkdir()
    (root / "test_trivial.py").write_text(
        f"import pytest\n\n\n@pytest.mark.parametrize('i', range({COUNT}))\ndef test_x(i):\n    assert i >= 0\n"
    )


def main() -> None:
    base = Path(tempfile.mkdtemp())
    root, trivial = base / "scenarios", base / "trivial"
    project(root)
    trivial_project(trivial)
    for label, folder in ((f"{COUNT} scenarios", root), (f"{COUNT} trivial pytest tests (ceiling)", trivial)):
        one = pytest_seconds(folder, repeat=2)
        two = pytest_seconds(folder, "-p", "xdist", "-n", "2", repeat=2)
        speedup = one / two
        report(f"{label}, -n 2 vs one process", f"{one:.1f} s / {two:.1f} s = {speedup:.2f}x",
               f">= {TARGET}x", speedup / TARGET, speedup >= TARGET)


if __name__ == "__main__":
    main()
