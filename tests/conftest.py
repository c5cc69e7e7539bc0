"""Shared fixtures: a small IVR project for pytester, and the shared flow corpus."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import hypothesis_profiles  # noqa: F401  (registers and loads the ci / nightly profile)
import pytest
from flowdefs import SHARED_FLOWS, endless_loop, main_ivr

import pytest_connectflow

# The plugin imports most of the package only when a run needs it. pytester's in-process runs
# drop the modules first imported during a run, so a later run would import them again and a
# RunResult from one copy would fail isinstance checks in another: import them all up front.
for _module in pkgutil.walk_packages(pytest_connectflow.__path__, "pytest_connectflow."):
    if not _module.name.startswith("pytest_connectflow.aws"):  # boto3 stays optional
        importlib.import_module(_module.name)


@pytest.fixture
def ivr_project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A pytester project with flows/main.json (Main IVR), flows/endless.json and an ini file."""
    flows = pytester.mkdir("flows")
    (flows / "main.json").write_text(json.dumps(main_ivr(), indent=2))
    (flows / "endless.json").write_text(json.dumps(endless_loop(), indent=2))
    (flows / "queues.yaml").write_text("not a flow: this file is skipped\n")
    pytester.makeini("[pytest]\nconnectflow_flows = flows\n")
    return pytester


@pytest.fixture
def shared_flows() -> Path:
    if not SHARED_FLOWS.is_dir():
        pytest.fail(f"the shared flows are missing at {SHARED_FLOWS}")
    return SHARED_FLOWS
