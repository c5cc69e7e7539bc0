"""Scenarios share nothing mutable: the example project, its failure demonstrations and probes that set
mocks, clocks, attributes and instance settings give the same outcome for every test in a plain
serial run, in shuffled orders and under `-n 2`."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import pytest_connectflow

# pytester's in-process runs drop the modules first imported during a run; the public API, imported
# lazily (PEP 562), would then keep classes of a dropped module. Import it all before any run.
PUBLIC_API = [getattr(pytest_connectflow, name) for name in pytest_connectflow.__all__]

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"

# A plain shuffle, seeded by an option: the same seed gives every xdist worker the same order.
SHUFFLE = '''
import random

import pytest


def pytest_addoption(parser):
    parser.addoption("--shuffle-seed", type=int, default=None)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    seed = config.getoption("shuffle_seed")
    if seed is not None:
        random.Random(seed).shuffle(items)
'''

# Each probe passes only if nothing another test set is left over.
PROBES = '''
import pytest

from pytest_connectflow import MissingMockError, SimulatedContact

ANA = {"lookupCustomer": {"tier": "gold", "firstName": "Ana"}}
OPEN = {"Office hours": "open"}


def test_sets_a_lambda_mock(connectflow):
    result = connectflow.run("Main IVR", inputs=["1"], lambdas=ANA, hours=OPEN)
    assert result.attributes["tier"] == "gold"
    result.contact.attributes["tier"] = "changed after the run"


def test_without_a_lambda_mock_nothing_answers(connectflow):
    with pytest.raises(MissingMockError, match="lookupCustomer"):
        connectflow.run("Main IVR", inputs=["1"], hours=OPEN)


def test_sets_a_clock(connectflow):
    result = connectflow.run("Main IVR", inputs=["1"], lambdas=ANA, clock="2026-11-26T10:00:00-05:00")
    assert result.branch("Check office hours") == "False"


def test_without_a_clock_or_hours_mock_nothing_decides(connectflow):
    with pytest.raises(MissingMockError, match="Office hours"):
        connectflow.run("Main IVR", inputs=["1"], lambdas=ANA)


def test_attributes_given_are_not_kept(connectflow):
    attributes = {"lang": "en"}
    first = connectflow.run("Main IVR", contact=SimulatedContact(attributes=attributes), inputs=["1"],
                            lambdas=ANA, hours=OPEN)
    attributes["lang"] = "fr"
    second = connectflow.run("Main IVR", inputs=["1"], lambdas=ANA, hours=OPEN)
    assert first.attributes["lang"] == "en" and "lang" not in second.attributes


def test_a_new_simulator_starts_with_streaming_enabled(connectflow):
    result = connectflow.run("Main IVR", inputs=["3", "2"], lambdas=ANA, hours=OPEN)
    assert result.branch("Start transcription") == "Success"
'''

PROBE_SCENARIOS = '''
scenarios:
  - name: instance without live media streaming
    flow: Main IVR
    instance: {live_media_streaming: false}
    inputs: ["3", "2"]
    mocks: {lambdas: {lookupCustomer: {tier: gold}}, hours: {Office hours: open}}
    expect: {branches: {Start transcription: Error}}
  - name: streaming is back for the next scenario
    flow: Main IVR
    inputs: ["3", "2"]
    mocks: {lambdas: {lookupCustomer: {tier: gold}}, hours: {Office hours: open}}
    expect: {branches: {Start transcription: Success}}
  - name: a list of results answers once per scenario
    flow: Main IVR
    inputs: ["1"]
    mocks: {lambdas: {lookupCustomer: [{tier: silver}]}, hours: {Office hours: open}}
    expect: {attributes: {tier: silver}}
  - name: a clock on Thanksgiving
    flow: Main IVR
    clock: 2026-11-26T10:00:00-05:00
    mocks: {lambdas: {lookupCustomer: {tier: gold}}}
    expect: {branches: {Check office hours: "False"}}
  - name: a clock on a weekday morning
    flow: Main IVR
    clock: 2026-11-24T09:30:00-05:00
    inputs: ["1"]
    mocks: {lambdas: {lookupCustomer: {tier: gold}}}
    expect: {branches: {Check office hours: "True"}}
'''


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    shutil.copytree(EXAMPLE, pytester.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    (pytester.path / "conftest.py").write_text(SHUFFLE)
    (pytester.path / "tests" / "test_leak_probes.py").write_text(PROBES)
    (pytester.path / "tests" / "test_leak_probes.connectflow.yaml").write_text(PROBE_SCENARIOS)
    return pytester


def _outcomes(project: pytest.Pytester, *args: str, subprocess: bool = False) -> dict[str, str]:
    """Every test's outcome by id, read from the JUnit XML report."""
    report = project.path / f"report{len(list(project.path.glob('report*.xml')))}.xml"
    # Everything, the failure demonstrations too: failing tests must fail the same way in every order.
    options = ("-p", "no:cacheprovider", "-o", "addopts=", f"--junitxml={report}", "tests", "failure_demos", *args)
    if subprocess:
        project.runpytest_subprocess(*options)
    else:
        project.runpytest(*options)
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        kind = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        outcomes[f"{case.get('classname')}::{case.get('name')}"] = kind
    return outcomes


def test_random_orders_and_two_workers_give_the_serial_outcomes(project: pytest.Pytester) -> None:
    serial = _outcomes(project)
    assert len(serial) > 40
    assert list(serial.values()).count("failure") >= 4  # the demonstrations fail, on purpose
    assert "failure" not in {v for k, v in serial.items() if "leak_probes" in k}, serial
    for seed in (1, 2, 3):
        assert _outcomes(project, "--shuffle-seed", str(seed)) == serial, f"shuffle seed {seed}"
    assert _outcomes(project, "-n", "2", "--shuffle-seed", "4", subprocess=True) == serial
