"""What the installed plugin costs a pytest run that has no scenario files: the same run with and
without `-p no:connectflow`. Target: at most 50 ms slower.

Run: python benchmarks/plugin_startup.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from _common import pytest_seconds, report

TARGET_MS = 50.0


def main() -> None:
    root = Path(tempfile.mkdtemp())
    (root / "test_plain.py").write_text("def test_plain():\n    assert True\n")
    with_plugin = pytest_seconds(root, repeat=7)
    without = pytest_seconds(root, "-p", "no:connectflow", repeat=7)
    extra_ms = (with_plugin - without) * 1000
    report("pytest run without scenario files, plugin cost", f"{extra_ms:.0f} ms", f"<= {TARGET_MS:.0f} ms",
           TARGET_MS / max(extra_ms, 1.0), extra_ms <= TARGET_MS)


if __name__ == "__main__":
    main()
