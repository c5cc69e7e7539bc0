"""10,000 scenarios with `-n 2` (pytest-xdist) against one process. Target: close to 2x (>= 1.6x).

Run: python benchmarks/xdist_speedup.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from _common import best_of, report, write_flow

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


def seconds(root: Path, *extra: str) -> float:
    def work() -> None:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra], cwd=root,
                       check=True, stdout=subprocess.DEVNULL)

    return best_of(2, work)


def main() -> None:
    root = Path(tempfile.mkdtemp())
    project(root)
    one = seconds(root)
    two = seconds(root, "-p", "xdist", "-n", "2")
    speedup = one / two
    report(f"{COUNT} scenarios, -n 2 vs one process", f"{one:.1f} s / {two:.1f} s = {speedup:.2f}x",
           f">= {TARGET}x", speedup / TARGET, speedup >= TARGET)


if __name__ == "__main__":
    main()
