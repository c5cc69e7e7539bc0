"""FAILURE DEMONSTRATIONS: these tests fail on purpose, to show the assertion helpers' messages.

The marker keeps them out of the default run (pyproject.toml: -m 'not connectflow_failure_demo');
run them with: pytest -m connectflow_failure_demo
"""

from __future__ import annotations

import pytest

from pytest_connectflow import Simulator, assert_branch_taken, assert_stream_state

pytestmark = pytest.mark.connectflow_failure_demo


def test_demo_wrong_branch(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR", inputs=["2"], lambdas={"lookupCustomer": {"error": True}},
        hours={"Office hours": "open"},
    )

    assert_branch_taken(result, "Look up customer", "Success")  # wrong: the Lambda failed


def test_demo_wrong_stream_state(connectflow: Simulator) -> None:
    result = connectflow.run(
        "Main IVR", inputs=["3", "1"], lambdas={"lookupCustomer": {"tier": "gold"}},
        hours={"Office hours": "open"},
    )

    assert_stream_state(result, "streaming")  # wrong: Stop streaming ran before the transfer
