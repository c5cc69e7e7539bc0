"""Limits, each a clear error or warning: the step budget, Connect's 256,000-character Content and
250 blocks per flow, and a Lambda handler that runs past the block's InvocationTimeLimitSeconds."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowdefs import action

from pytest_connectflow import Simulator
from pytest_connectflow.cli import main
from pytest_connectflow.errors import StepBudgetExceeded
from pytest_connectflow.flow.flow_language import MAX_ACTIONS, MAX_CONTENT_CHARACTERS
from pytest_connectflow.flow.loaders import load_file


def _chain(count: int, text: str = "hi") -> dict[str, Any]:
    actions = [action(f"a{i}", "MessageParticipant", {"Text": text}, f"a{i + 1}") for i in range(count - 1)]
    actions.append(action(f"a{count - 1}", "DisconnectParticipant", {}))
    return {"Version": "2019-10-30", "StartAction": "a0", "Metadata": {"name": "Chain"}, "Actions": actions}


def _write(tmp_path: Path, doc: Any, name: str = "flow.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, separators=(",", ":")))
    return path


# --- step budget -----------------------------------------------------------------------------

def test_the_step_budget_stops_a_long_run_naming_the_repeating_blocks(tmp_path: Path) -> None:
    loop = {"Version": "2019-10-30", "StartAction": "Ping", "Metadata": {"name": "Loop"},
            "Actions": [action("Ping", "MessageParticipant", {"Text": "ping"}, "Ping")]}
    simulator = Simulator.from_paths(_write(tmp_path, loop), max_steps=25)
    with pytest.raises(StepBudgetExceeded) as raised:
        simulator.run("Loop")
    assert raised.value.message == (
        "the run went past its step budget of 25 blocks; these blocks repeat: Loop/Ping (25 times) "
        "(a loop with no exit?)"
    )


def test_a_run_of_exactly_the_budget_is_fine(tmp_path: Path) -> None:
    simulator = Simulator.from_paths(_write(tmp_path, _chain(25)), max_steps=25)
    assert simulator.run("Chain").ended == "disconnected"
    with pytest.raises(StepBudgetExceeded):
        simulator.run("Chain", max_steps=24)


def test_the_step_budget_fails_a_scenario_item_only(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_loop=(
        "scenarios:\n  - name: loop\n    flow: Endless\n"
        "  - name: fine\n    flow: Main IVR\n    channel: CHAT\n    mocks: {lambdas: {lookupCustomer: {}}}\n"
    ))
    result = ivr_project.runpytest("-p", "no:cacheprovider", "--connectflow-max-steps", "6")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "test_loop.connectflow.yaml:2: scenario 'loop' failed",
        "*step budget of 6 blocks; these blocks repeat: Endless/Ping (3 times), Endless/Pong (3 times)*",
    ])


# --- Connect's size limits: warnings, as the flow still runs here --------------------------------

def _content_warnings(path: Path) -> list[str]:
    (flow,) = load_file(path).flows
    return [w for w in flow.warnings if "Amazon Connect" in w]


def test_content_over_256000_characters_is_a_warning(tmp_path: Path) -> None:
    doc = _chain(2, "x" * MAX_CONTENT_CHARACTERS)
    path = _write(tmp_path, doc)
    size = len(path.read_text())
    assert _content_warnings(path) == [
        f"the flow's Content is {size:,} characters, over the 256,000 Amazon Connect accepts: "
        "Connect would refuse to save it"
    ]
    assert Simulator.from_paths(path).run("Chain").ended == "disconnected"  # it still runs


def test_content_of_exactly_256000_characters_is_fine(tmp_path: Path) -> None:
    doc = _chain(2, "")
    padding = MAX_CONTENT_CHARACTERS - len(json.dumps(doc, separators=(",", ":")))
    doc["Actions"][0]["Parameters"]["Text"] = "x" * padding
    path = _write(tmp_path, doc)
    assert len(path.read_text()) == MAX_CONTENT_CHARACTERS
    assert _content_warnings(path) == []


def test_the_content_string_of_a_describe_response_is_what_counts(tmp_path: Path) -> None:
    content = json.dumps(_chain(2, "é" * (MAX_CONTENT_CHARACTERS // 2)), ensure_ascii=False)
    # Escaped as \u00e9 in the file, the wrapper is far longer; the Content string is what Connect gets.
    wrapper = {"ContactFlow": {"Name": "Chain", "Type": "CONTACT_FLOW", "Content": content}}
    assert _content_warnings(_write(tmp_path, wrapper)) == []


def test_more_than_250_actions_is_a_warning(tmp_path: Path) -> None:
    assert _content_warnings(_write(tmp_path, _chain(MAX_ACTIONS), "ok.json")) == []
    warnings = _content_warnings(_write(tmp_path, _chain(MAX_ACTIONS + 1), "big.json"))
    assert warnings == [
        "the flow has 251 actions, over the 250 blocks Amazon Connect accepts in one flow: "
        "Connect would refuse to save it"
    ]


def test_validate_lists_the_limit_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, _chain(MAX_ACTIONS + 1))
    assert main(["validate", str(path)]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert f"{path}: ok" in out
    assert "  warning: the flow has 251 actions, over the 250 blocks Amazon Connect accepts" in out


# --- Lambda time limit -----------------------------------------------------------------------

@pytest.fixture
def release() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()  # the abandoned handler thread may finish now


def _lambda_flow(limit: str) -> dict[str, Any]:
    return {
        "Version": "2019-10-30", "StartAction": "Call", "Metadata": {"name": "Slow"},
        "Actions": [
            action("Call", "InvokeLambdaFunction",
                   {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:1:function:slow",
                    "InvocationTimeLimitSeconds": limit}, "Bye", errors={"NoMatchingError": "Sorry"}),
            action("Sorry", "MessageParticipant", {"Text": "sorry"}, "Bye"),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


def test_a_handler_past_its_time_limit_takes_error_without_hanging(tmp_path: Path, release: threading.Event) -> None:
    simulator = Simulator.from_paths(_write(tmp_path, _lambda_flow("1")))
    result = simulator.run("Slow", lambdas={"slow": lambda event: release.wait()})  # never returns by itself
    assert result.path == ["Call", "Sorry", "Bye"]
    assert result.branch("Call") == "NoMatchingError"
    assert result.lambda_calls[0].error == "the handler ran past the block's InvocationTimeLimitSeconds (1 s)"


def test_a_timeout_mock_takes_error_at_once(tmp_path: Path) -> None:
    simulator = Simulator.from_paths(_write(tmp_path, _lambda_flow("8")))
    result = simulator.run("Slow", lambdas={"slow": {"timeout": True}})
    assert result.branch("Call") == "NoMatchingError"
    assert result.lambda_calls[0].error == "the function ran past the block's InvocationTimeLimitSeconds (8 s)"


def test_a_hanging_handler_named_in_a_scenario_fails_nothing_else(ivr_project: pytest.Pytester) -> None:
    flow = _lambda_flow("1")
    (ivr_project.path / "flows" / "slow.json").write_text(json.dumps(flow))
    ivr_project.makepyfile(handlers="import threading\n\ndef hang(event):\n    threading.Event().wait()\n")
    ivr_project.makefile(".connectflow.yaml", test_slow=(
        "scenarios:\n  - name: slow\n    flow: Slow\n    mocks: {lambdas: {slow: {handler: 'handlers:hang'}}}\n"
        "    expect: {path: [Call, Sorry, Bye]}\n"
        "  - name: after\n    flow: Slow\n    mocks: {lambdas: {slow: {a: b}}}\n    expect: {path: [Call, Bye]}\n"
    ))
    result = ivr_project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
