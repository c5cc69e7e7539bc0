"""What a failing scenario or Python test prints: the line, expected vs actual, the path."""

from __future__ import annotations

import pytest

WRONG = """scenarios:
  - name: wrong expectations
    flow: Main IVR
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      branches: {Menu: Timeout}
      media_streaming: streaming
      ended: disconnected
"""


def test_yaml_failure_shows_lines_expected_actual_and_path(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_wrong=WRONG)
    result = ivr_project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "test_wrong.connectflow.yaml:2: scenario 'wrong expectations' failed",
        "",
        "test_wrong.connectflow.yaml:9: expect.branches[[]Menu[]] (last run)",
        "    |       branches: {Menu: Timeout}",
        "  expected: InputTimeLimitExceeded (Timeout)",
        "  actual:   1",
        "  possible branches: 1, InputTimeLimitExceeded (Timeout), NoMatchingCondition (Default), "
        "NoMatchingError (Error)",
        "",
        "test_wrong.connectflow.yaml:10: expect.media_streaming",
        "    |       media_streaming: streaming",
        "  expected: streaming",
        "  actual:   stopped",
        "  media stream: stopped (From=False, To=False)",
        "    - start in Main IVR (CONTACT_FLOW) at Start streaming, step 1: streaming From, To",
        "    - stop in Main IVR (CONTACT_FLOW) at Stop streaming, step 6: streaming nothing",
        "",
        "test_wrong.connectflow.yaml:11: expect.ended",
        "    |       ended: disconnected",
        "  expected: disconnected",
        "  actual:   transferred_to_queue",
        "",
        "Path taken (Main IVR; ended: transferred_to_queue):",
        "step  flow      block * action type * branch",
        "1     Main IVR  Start streaming [[]Start media streaming[]] * UpdateContactMediaStreamingBehavior  Success*",
        "2     Main IVR  Lookup [[]lookupCustomer[]] * InvokeLambdaFunction * Success*",
        "3     Main IVR  Save tier * UpdateContactAttributes * Success*tier='gold'*",
        "4     Main IVR  Menu [[]Press 1 for sales[]] * GetParticipantInput * 1  (customer pressed 1)",
        "5     Main IVR  Set sales queue [[]q-sales[]] * UpdateContactTargetQueue * Success*",
        "6     Main IVR  Stop streaming [[]Stop media streaming[]] * UpdateContactMediaStreamingBehavior  Success*",
        "7     Main IVR  To sales * TransferContactToQueue * Success  (queued in q-sales)",
    ])
    assert "Traceback" not in result.stdout.str()


def test_unexpected_error_ending_explains_why(ivr_project: pytest.Pytester) -> None:
    flow = (ivr_project.path / "flows" / "main.json")
    flow.write_text(flow.read_text().replace('"NextAction": "Lookup"', '"NextAction": ""', 1))
    ivr_project.makefile(".connectflow.yaml", test_end="scenarios:\n  - name: dangling\n    flow: Main IVR\n")
    result = ivr_project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "test_end.connectflow.yaml:2: the run ended in error",
        "  expected: a run that ends without error",
        "  actual:   error: block 'Start streaming' (UpdateContactMediaStreamingBehavior) of flow 'Main IVR'*"
        "took Success, whose NextAction is empty (an unconnected branch)",
    ])


def test_expected_error_ending_passes(ivr_project: pytest.Pytester) -> None:
    flow = (ivr_project.path / "flows" / "main.json")
    flow.write_text(flow.read_text().replace('"NextAction": "Lookup"', '"NextAction": ""', 1))
    ivr_project.makefile(
        ".connectflow.yaml",
        test_end="scenarios:\n  - name: dangling\n    flow: Main IVR\n    expect:\n      ended: error\n"
        "      media_streaming: stopped\n",
    )
    ivr_project.runpytest().assert_outcomes(passed=1)


PY_TEST = """
from pytest_connectflow import assert_branch_taken, assert_stream_state

def test_menu(connectflow, simulated_contact):
    result = connectflow.run("Main IVR", contact=simulated_contact(channel="VOICE"), inputs=["1"],
                             lambdas={"lookupCustomer": {"tier": "gold"}})
    assert_branch_taken(result, "Menu", "Timeout")

def test_stream(connectflow):
    result = connectflow.run("Main IVR", inputs=["1"], lambdas={"lookupCustomer": {"tier": "gold"}})
    assert_stream_state(result, "streaming")

def test_missing_mock(connectflow):
    connectflow.run("Main IVR", inputs=["1"])
"""


def test_python_helpers_fail_with_the_same_explanation(ivr_project: pytest.Pytester) -> None:
    ivr_project.makepyfile(test_api=PY_TEST)
    result = ivr_project.runpytest()
    result.assert_outcomes(failed=3)
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "E*ConnectflowAssertionError: branches[[]Menu[]] (last run)",
        "E*expected: InputTimeLimitExceeded (Timeout)",
        "E*actual:   1",
        "E*possible branches: 1, InputTimeLimitExceeded (Timeout), NoMatchingCondition (Default), "
        "NoMatchingError (Error)",
        "E*Path taken (Main IVR; ended: transferred_to_queue):",
        "E*step  flow      block * action type * branch",
    ])
    result.stdout.fnmatch_lines([
        "E*expected: streaming",
        "E*actual:   stopped",
    ])
    result.stdout.fnmatch_lines([
        ">       connectflow.run(\"Main IVR\", inputs=[[]\"1\"[]])",
        "E*MissingMockError: *invokes Lambda function 'lookupCustomer'*which has no mock*",
        "test_api.py:13: MissingMockError",
    ])
    assert "pytest_connectflow/engine" not in out and "pytest_connectflow/mocks" not in out
