"""Bad input gives a failing item with file:line and what is wrong; the rest of the run goes on."""

from __future__ import annotations

import pytest

GOOD = """
scenarios:
  - name: fine
    flow: Main IVR
    channel: CHAT
    mocks:
      lambdas:
        lookupCustomer: {tier: gold}
    expect:
      media_streaming: not_started
"""


def _run(project: pytest.Pytester, **files: str) -> pytest.RunResult:
    project.makefile(".connectflow.yaml", test_good=GOOD, **files)
    result = project.runpytest("-p", "no:cacheprovider")
    assert "INTERNALERROR" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()
    assert "pytest_connectflow/" not in result.stdout.str()
    return result


def test_malformed_yaml_fails_one_item_with_the_line(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_broken="scenarios:\n  - name: x\n    flow: [unclosed\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "test_broken.connectflow.yaml:3: invalid YAML*",
        "*FAILED test_broken.connectflow.yaml::[[]file[]]*",
    ])


def test_unknown_key_names_key_line_and_suggestion(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_typo="scenarios:\n  - name: typo\n    flow: Main IVR\n    expct: {}\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["test_typo.connectflow.yaml:4: unknown key 'expct'*(did you mean 'expect'?)*"])


def test_unknown_top_level_key_fails_the_file(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_top="flowz: x\nscenarios:\n  - name: a\n    flow: Main IVR\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["test_top.connectflow.yaml:1: unknown key 'flowz'*(did you mean 'flows'?)*"])


def test_wrong_type_fails_that_scenario_only(ivr_project: pytest.Pytester) -> None:
    body = (
        "scenarios:\n  - name: bad\n    flow: Main IVR\n    inputs: {a: 1}\n"
        "  - name: ok\n    flow: Main IVR\n    channel: TASK\n    mocks: {lambdas: {lookupCustomer: {}}}\n"
    )
    result = _run(ivr_project, test_types=body)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["test_types.connectflow.yaml:4: scenarios[[]0[]].inputs: expected array*"])


def test_unknown_flow_lists_the_loaded_flows(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_flow="scenarios:\n  - name: nope\n    flow: Main IRV\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "test_flow.connectflow.yaml:2: scenario 'nope' failed",
        "no loaded flow is named 'Main IRV' (did you mean 'Main IVR'?); loaded flows:",
        "  - Endless",
        "  - Main IVR",
    ])


def test_unknown_block_in_expectations(ivr_project: pytest.Pytester) -> None:
    body = GOOD.replace("media_streaming: not_started", "branches: {Stop streamin: Error}")
    result = _run(ivr_project, test_block=body.replace("name: fine", "name: block"))
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "test_block.connectflow.yaml:9: expect.branches: no block of the loaded flows is named"
        " 'Stop streamin' (did you mean 'Stop streaming'?)",
        "    |       branches: {Stop streamin: Error}",
    ])


def test_unmocked_lambda_names_block_and_function(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_mock="scenarios:\n  - name: no mock\n    flow: Main IVR\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*block 'Lookup' (InvokeLambdaFunction) of flow 'Main IVR'*invokes Lambda function 'lookupCustomer'*"
        "which has no mock*",
    ])


def test_endless_loop_stops_at_the_budget_naming_the_blocks(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_loop="scenarios:\n  - name: loop\n    flow: Endless\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*went past its step budget of 1000 blocks; these blocks repeat: "
        "Endless/Ping (500 times), Endless/Pong (500 times)*",
    ])


def test_step_budget_is_configurable(ivr_project: pytest.Pytester) -> None:
    ivr_project.makefile(".connectflow.yaml", test_loop="scenarios:\n  - name: loop\n    flow: Endless\n")
    result = ivr_project.runpytest("--connectflow-max-steps", "10")
    result.stdout.fnmatch_lines(["*step budget of 10 blocks*Endless/Ping (5 times)*"])


def test_empty_file_and_non_mapping(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_empty="", test_list="- a\n- b\n")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*test_empty.connectflow.yaml:1: a scenario file must be a mapping*is empty*"])


def test_alias_bomb_is_refused(ivr_project: pytest.Pytester) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 8):
        bomb += f"{'abcdefgh'[i]}: &{'abcdefgh'[i]} [" + ", ".join([f"*{'abcdefgh'[i - 1]}"] * 10) + "]\n"
    bomb += "scenarios: []\n"
    result = _run(ivr_project, test_bomb=bomb)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*expands to more than 200000 nodes*refused*"])


def test_missing_flows_path_fails_the_file(ivr_project: pytest.Pytester) -> None:
    result = _run(ivr_project, test_path="flows: nowhere\nscenarios:\n  - name: a\n    flow: Main IVR\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["test_path.connectflow.yaml:1: flows: */nowhere does not exist*"])


def test_broken_flow_file_is_named_and_others_still_run(ivr_project: pytest.Pytester) -> None:
    (ivr_project.path / "flows" / "broken.json").write_text('{"Version": "2019-10-30",\n "Actions": [\n}')
    result = _run(ivr_project, test_missing="scenarios:\n  - name: broken\n    flow: broken\n")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["flow files that failed to load:", "*broken.json:3: invalid JSON*"])


def test_no_flows_configured(pytester: pytest.Pytester) -> None:
    pytester.makefile(".connectflow.yaml", test_none="scenarios:\n  - name: a\n    flow: X\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*no flows to run: set `flows:` in the scenario file or the ini option*"])
