"""The `connectflow` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowdefs import main_ivr

from pytest_connectflow.blocks import default_registry
from pytest_connectflow.cli import blocks_page, main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_block_support_table_in_docs_is_generated_from_the_registry() -> None:
    page = (DOCS / "blocks.md").read_text("utf-8")
    assert page == blocks_page(default_registry()), "run: connectflow blocks --output docs/blocks.md"


def test_block_table_lists_every_registered_block() -> None:
    page = blocks_page(default_registry())
    for spec in default_registry():
        assert f"| `{spec.action_type}` | {spec.console_name} |" in page


def test_validate_json_reports_flows_errors_and_unsupported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.json").write_text(json.dumps(main_ivr()))
    odd = main_ivr()
    odd["Actions"][0]["Type"] = "MadeUpAction"  # type: ignore[index]
    odd["Metadata"] = {"name": "Odd"}
    (tmp_path / "odd.json").write_text(json.dumps(odd))
    (tmp_path / "bad.json").write_text("{")
    code = main(["validate", str(tmp_path), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    by_file = {Path(f["file"]).name: f for f in out}
    assert by_file["ok.json"]["flows"] == [{"name": "Main IVR", "type": None, "actions": 9}]
    assert by_file["ok.json"]["errors"] == [] and by_file["ok.json"]["unsupported"] == []
    assert by_file["odd.json"]["unsupported"] == ["MadeUpAction"]
    assert by_file["bad.json"]["errors"][0]["location"].endswith("bad.json:1")


def test_validate_exits_zero_when_everything_is_supported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ok.json").write_text(json.dumps(main_ivr()))
    assert main(["validate", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip().endswith("ok.json: ok")


def test_run_prints_the_same_failure_text_as_pytest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.json").write_text(json.dumps(main_ivr()))
    scenario = tmp_path / "test_x.connectflow.yaml"
    scenario.write_text(
        "flows: main.json\nscenarios:\n  - name: ok\n    flow: Main IVR\n    channel: TASK\n"
        "    mocks: {lambdas: {lookupCustomer: {}}}\n    expect: {ended: disconnected}\n"
        "  - name: wrong\n    flow: Main IVR\n    channel: TASK\n"
        "    mocks: {lambdas: {lookupCustomer: {}}}\n    expect: {ended: flow_ended}\n"
    )
    assert main(["run", str(scenario)]) == 1
    out = capsys.readouterr().out
    assert f"PASSED {scenario}::ok" in out
    assert f"{scenario}:12: expect.ended\n    |     expect: {{ended: flow_ended}}\n  expected: flow_ended\n" in out
    assert out.rstrip().endswith("1 passed, 1 failed")


def test_every_shared_flow_validates_with_no_errors_and_no_unsupported_types(
    shared_flows: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["validate", str(shared_flows / "corpus"), str(shared_flows / "legacy"), "--format", "json"])
    files = json.loads(capsys.readouterr().out)
    assert len(files) == 86
    assert [f["file"] for f in files if f["errors"] or f["unsupported"]] == []
    assert code == 0


def _broken_flow() -> dict[str, object]:
    flow = main_ivr()
    actions = flow["Actions"]
    actions[0]["Parameters"]["MediaStreamingState"] = "On"  # type: ignore[index]
    actions[1]["Parameters"]["LambdaFunctionARN"] = ""  # type: ignore[index]
    actions[3]["Transitions"]["Conditions"][0]["Condition"]["Operands"] = ["12"]  # type: ignore[index]
    actions[4]["Transitions"]["Conditions"][0]["Condition"]["Operator"] = "Matches"  # type: ignore[index]
    actions[5]["Transitions"]["NextAction"] = "Nowhere"  # type: ignore[index]
    return flow


def test_validate_reports_structure_and_parameter_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "broken.json").write_text(json.dumps(_broken_flow(), indent=1))
    assert main(["validate", str(tmp_path), "--format", "json"]) == 1
    [report] = json.loads(capsys.readouterr().out)
    messages = [e["message"] for e in report["errors"]]
    assert messages == [
        "action 'Start streaming' (UpdateContactMediaStreamingBehavior): parameter MediaStreamingState must be "
        "one of Enabled, Disabled, not 'On'",
        "action 'Menu' (GetParticipantInput): menu condition Equals '12': only Equals with one key 0-9, * or #",
        "action 'Retry' (Loop): condition operator 'Matches' is not an operator of the Flow language",
        "action 'Set sales queue' (UpdateContactTargetQueue): a transition goes to 'Nowhere', which names no action",
    ]
    assert all(e["location"].startswith(str(tmp_path / "broken.json") + ":") for e in report["errors"])
    assert report["warnings"] == [
        "action 'Lookup' (InvokeLambdaFunction): parameter LambdaFunctionARN is empty: the block takes its Error "
        "branch when it runs"
    ]


def _hop_flow(target: str) -> dict[str, object]:
    return {
        "Version": "2019-10-30", "StartAction": "Go", "Metadata": {"name": "Hop"},
        "Actions": [
            {"Identifier": "Go", "Type": "TransferToFlow", "Parameters": {"ContactFlowId": target},
             "Transitions": {"NextAction": "Bye", "Errors": [{"NextAction": "Bye", "ErrorType": "NoMatchingError"}]}},
            {"Identifier": "Bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
        ],
    }


def test_validate_warns_about_flows_neither_loaded_nor_external(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arn = "arn:aws:connect:us-east-1:1:instance/i/contact-flow/elsewhere"
    (tmp_path / "hop.json").write_text(json.dumps(_hop_flow(arn)))
    assert main(["validate", str(tmp_path), "--format", "json"]) == 0  # a warning, not an error
    [report] = json.loads(capsys.readouterr().out)
    assert report["warnings"] == [
        f"action 'Go' (TransferToFlow): ContactFlowId names {arn}, which is not loaded nor declared external "
        "(--external, or external_flows in [tool.connectflow])"
    ]
    main(["validate", str(tmp_path), "--format", "json", "--external", "elsewhere"])
    assert json.loads(capsys.readouterr().out)[0]["warnings"] == []


def test_validate_reads_external_flows_from_pyproject(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hop.json").write_text(json.dumps(_hop_flow("arn:aws:connect:::instance/i/contact-flow/x1")))
    (tmp_path / "pyproject.toml").write_text('[tool.connectflow]\nexternal_flows = ["x1"]\n')
    monkeypatch.chdir(tmp_path)
    main(["validate", ".", "--format", "json"])
    assert json.loads(capsys.readouterr().out)[0]["warnings"] == []


# Every action type the Flow language reference documents (Contact actions, Flow control actions,
# Interactions, Participant actions), and those only the corpus and the Admin Guide show.
DOCUMENTED_ACTION_TYPES = """
CompleteOutboundCall CreateCase CreateTask CreateWisdomSession DequeueContactAndTransferToQueue
EndFlowModuleExecution GetCase InvokeFlowModule TagContact TransferContactToAgent TransferContactToQueue
UnTagContact UpdateCase UpdateContactAttributes UpdateContactCallbackNumber UpdateContactData
UpdateContactEventHooks UpdateContactMediaStreamingBehavior UpdateContactRecordingBehavior ResumeContact
UpdateContactRoutingBehavior UpdateContactTargetQueue UpdateContactTextToSpeechVoice
UpdatePreviousContactParticipantState CheckHoursOfOperation CheckMetricData CheckOutboundCallStatus
CheckVoiceId Compare DistributeByPercentage EndFlowExecution GetMetricData Loop StartVoiceIdStream
TransferToFlow UpdateFlowAttributes UpdateFlowLoggingBehavior UpdateRoutingCriteria Wait
AssociateContactToCustomerProfile CreateCallbackContact CreateCustomerProfile InvokeLambdaFunction
GetCustomerProfile GetCustomerProfileObject GetCalculatedAttributesForCustomerProfile UpdateCustomerProfile
ConnectParticipantWithLexBot DisconnectParticipant GetParticipantInput MessageParticipant
MessageParticipantIteratively ShowView CheckSegmentMembershipForCustomerProfile CreateContact
CreatePersistentContactAssociation RenderMessageTemplate StartOutboundChatContact StartOutboundEmailContact
TransferParticipantToThirdParty UpdateContactMediaProcessing UpdateContactRecordingAndAnalyticsBehavior
UpdateContactRoutingCriteria
""".split()


def test_every_documented_action_type_has_a_block_and_a_row_in_the_support_table() -> None:
    registry = default_registry()
    assert [t for t in DOCUMENTED_ACTION_TYPES if t not in registry] == []
    page = (DOCS / "blocks.md").read_text("utf-8")
    assert [t for t in DOCUMENTED_ACTION_TYPES if f"| `{t}` |" not in page] == []


def test_coverage_renders_a_saved_report(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    flows = pytester.mkdir("flows")
    (flows / "main.json").write_text(json.dumps(main_ivr()))
    pytester.makeini("[pytest]\nconnectflow_flows = flows\n")
    pytester.makefile(".connectflow.yaml", test_cov="scenarios:\n  - name: chat\n    flow: Main IVR\n"
                                                    "    channel: CHAT\n    mocks: {lambdas: {lookupCustomer: {}}}\n")
    report = pytester.path / "cov.json"
    pytester.runpytest(f"--connectflow-cov-report=json:{report}").assert_outcomes(passed=1)
    html = pytester.path / "html"
    assert main(["coverage", str(report), "--flows", str(flows), "--html", str(html), "--fail-under", "50"]) == 1
    out = capsys.readouterr().out
    assert "Main IVR" in out and "FAIL: branch coverage" in out
    assert '<pre class="mermaid">' in next(p for p in html.iterdir() if p.name != "index.html").read_text()
    assert main(["coverage", str(report), "--fail-under", "1"]) == 0
    (pytester.path / "other.json").write_text('{"format": "something"}')
    assert main(["coverage", str(pytester.path / "other.json")]) == 2
    assert "not a connectflow coverage report" in capsys.readouterr().err
