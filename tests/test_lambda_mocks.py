"""Lambda mocks as users address them: names, alias ARNs, placeholders, timeouts, handler paths."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from flowdefs import main_ivr

from pytest_connectflow import MockError, Simulator, load_library

ALIAS_ARN = "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer:live"


def _simulator(tmp_path: Path, arn: str) -> Simulator:
    flow = json.loads(json.dumps(main_ivr()).replace(
        "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer", arn))
    (tmp_path / "main.json").write_text(json.dumps(flow))
    return Simulator(load_library(tmp_path))


@pytest.mark.parametrize("key", [ALIAS_ARN, "lookupCustomer"])
def test_alias_arn_is_answered_by_its_arn_or_function_name(tmp_path: Path, key: str) -> None:
    result = _simulator(tmp_path, ALIAS_ARN).run("Main IVR", inputs=[1], lambdas={key: {"tier": "gold"}})
    assert result.attributes["tier"] == "gold"
    assert result.lambda_calls[0].function == key


def test_placeholder_arn_is_answered_by_the_placeholder(tmp_path: Path) -> None:
    result = _simulator(tmp_path, "${LookupFunctionArn}").run(
        "Main IVR", inputs=[1], lambdas={"${LookupFunctionArn}": {"tier": "silver"}})
    assert result.attributes["tier"] == "silver"


def test_timeout_control_key_takes_the_error_branch(tmp_path: Path) -> None:
    result = _simulator(tmp_path, ALIAS_ARN).run("Main IVR", inputs=[None, None],
                                                 lambdas={"lookupCustomer": {"timeout": True}})
    assert result.branch("Lookup") == "NoMatchingError"
    assert "ran past the block's InvocationTimeLimitSeconds (3 s)" in result.steps[1].note


def test_a_handler_slower_than_the_limit_takes_error_without_hanging(tmp_path: Path) -> None:
    def slow(event: dict[str, Any]) -> dict[str, str]:
        time.sleep(30)
        return {"tier": "never"}

    flow = main_ivr()
    flow["Actions"][1]["Parameters"]["InvocationTimeLimitSeconds"] = "1"  # type: ignore[index]
    (tmp_path / "main.json").write_text(json.dumps(flow))
    started = time.monotonic()
    result = Simulator(load_library(tmp_path)).run("Main IVR", inputs=[None, None], lambdas={"lookupCustomer": slow})
    assert time.monotonic() - started < 5
    assert result.branch("Lookup") == "NoMatchingError"
    assert "ran past the block's InvocationTimeLimitSeconds (1 s)" in result.steps[1].note


def test_handler_import_path_runs_the_users_code(ivr_project: pytest.Pytester) -> None:
    package = ivr_project.mkpydir("handlers")
    (package / "lookup.py").write_text(
        "def handler(event, context):\n"
        "    phone = event['Details']['Parameters']['phone']\n"
        "    return {'tier': 'vip' if phone.endswith('0100') else 'basic'}\n"
    )
    ivr_project.makefile(".connectflow.yaml", test_handler="""
scenarios:
  - name: real handler
    flow: Main IVR
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {handler: "handlers.lookup:handler"}
    expect:
      attributes: {tier: vip}
  - name: bad handler path
    flow: Main IVR
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {handler: "handlers.nowhere:handler"}
""")
    result = ivr_project.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Lambda mock 'lookupCustomer': cannot import 'handlers.nowhere'*"])


def test_handler_path_needs_module_and_function(tmp_path: Path) -> None:
    with pytest.raises(MockError, match=r"handler must be 'package\.module:function'"):
        _simulator(tmp_path, ALIAS_ARN).run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {"handler": "x"}})


def test_event_media_streams_audio_is_null_until_streaming_starts(tmp_path: Path) -> None:
    flow = main_ivr()
    flow["StartAction"] = "Lookup"
    (tmp_path / "main.json").write_text(json.dumps(flow))
    result = Simulator(load_library(tmp_path)).run("Main IVR", inputs=[1], lambdas={"lookupCustomer": {}})
    assert result.lambda_calls[0].event["Details"]["ContactData"]["MediaStreams"] == {"Customer": {"Audio": None}}


def test_parameters_can_pass_on_the_previous_result(tmp_path: Path) -> None:
    flow = main_ivr()
    flow["Actions"][1]["Parameters"]["LambdaInvocationAttributes"] = {"previous": "$.External.tier"}  # type: ignore[index]
    retry = flow["Actions"][4]  # the menu's retry Loop goes back to the Lambda
    retry["Transitions"]["Conditions"][0]["NextAction"] = "Lookup"  # type: ignore[index]
    (tmp_path / "main.json").write_text(json.dumps(flow))
    result = Simulator(load_library(tmp_path)).run(
        "Main IVR", inputs=[None, None], lambdas={"lookupCustomer": [{"tier": "first"}, {"tier": "second"}]})
    assert [c.parameters["previous"] for c in result.lambda_calls] == ["", "first"]


def test_handlers_import_from_the_project_root_in_pytest_and_in_connectflow_run(
    ivr_project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # One rule everywhere: the scenario file's folder, then the project's root (the ini's folder).
    from pytest_connectflow.cli import main

    package = ivr_project.mkpydir("rootlevel_handlers")
    (package / "tiers.py").write_text("def handler(event, context):\n    return {'tier': 'from-root'}\n")
    scenarios = ivr_project.mkdir("scenarios")
    (scenarios / "test_root.connectflow.yaml").write_text("""
scenarios:
  - name: handler at the project root
    flow: Main IVR
    inputs: [1]
    mocks:
      lambdas:
        lookupCustomer: {handler: "rootlevel_handlers.tiers:handler"}
    expect:
      attributes: {tier: from-root}
""")
    ivr_project.runpytest("scenarios").assert_outcomes(passed=1)

    monkeypatch.chdir(scenarios)  # the ini is found upwards, as pytest finds it
    assert main(["run", "test_root.connectflow.yaml"]) == 0
    assert "1 passed" in capsys.readouterr().out
