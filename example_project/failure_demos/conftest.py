"""Every test in this folder is a failure demonstration: mark it so that it runs only with
`-m connectflow_failure_demo` (pyproject.toml deselects the marker by default)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.connectflow_failure_demo)
