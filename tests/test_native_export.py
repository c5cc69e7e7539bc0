"""Exporting scenarios as Amazon Connect test cases: the request shape, what cannot be expressed,
`connectflow export-native`, and the round trip scenario → export → import → run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nativedefs import DESK_INSTANCE, desk_describe

from pytest_connectflow.cli import main
from pytest_connectflow.engine.instance import merge_instance_dicts
from pytest_connectflow.native import read_test_case_text, run_test_case
from pytest_connectflow.native.export import ExportedTestCase, export_scenario
from pytest_connectflow.scenario.loader import load_scenario_file
from pytest_connectflow.scenario.runner import run_scenario
from pytest_connectflow.session import ConnectflowSession

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"
EXAMPLE_SCENARIO_FILES = sorted((EXAMPLE / "tests").glob("*.connectflow.yaml"))


def export_file(path: Path, session: ConnectflowSession, root: Path) -> list[tuple[bool, ExportedTestCase, Any]]:
    """(the scenario passed, the export, the native outcome of the exported test case) per scenario."""
    loaded = load_scenario_file(path, path.name)
    assert loaded.error is None, loaded.error
    rows = []
    for scenario in loaded.scenarios:
        library = session.scenario_library(loaded.flows, loaded.instance, scenario.instance)
        layers = (session.instance(), loaded.instance)
        original = run_scenario(scenario, library, instance_layers=layers, handler_roots=(str(root),))
        exported = export_scenario(scenario, library, instance_layers=layers, handler_roots=(str(root),))
        assert exported.request is not None, exported.error
        case = read_test_case_text(json.dumps(exported.request), file=path.with_suffix(".testcase.json"))
        # The test case runs in the instance, with none of the scenario's own settings.
        native = run_test_case(case, library, instance=merge_instance_dicts(session.instance()))
        rows.append((original.passed, exported, native))
    return rows


@pytest.mark.parametrize("path", EXAMPLE_SCENARIO_FILES, ids=lambda p: p.name)
def test_every_example_project_scenario_round_trips_with_the_same_outcome(path: Path) -> None:
    session = ConnectflowSession(default_flows=((EXAMPLE / "flows").resolve(),),
                                 instance_file=EXAMPLE / "connect-instance.yaml")
    rows = export_file(path, session, EXAMPLE)
    assert rows
    for passed, exported, native in rows:
        assert native.passed == passed, f"{exported.label}\n{native.render()}"
        assert native.results and all(r.status == "PASSED" for r in native.results)


def test_the_example_project_has_scenarios_to_round_trip() -> None:
    names = [p.name for p in EXAMPLE_SCENARIO_FILES]
    assert "test_main_ivr.connectflow.yaml" in names and "test_real_lambda.connectflow.yaml" in names


def test_the_failure_demos_fail_on_what_the_testing_language_cannot_express() -> None:
    """The demos expect branches and media stream states: their test cases pass, and the notes say
    why they cannot fail there."""
    session = ConnectflowSession(default_flows=((EXAMPLE / "flows").resolve(),),
                                 instance_file=EXAMPLE / "connect-instance.yaml")
    rows = export_file(EXAMPLE / "failure_demos" / "test_failure_demo.connectflow.yaml", session, EXAMPLE)
    for passed, exported, native in rows:
        assert not passed and native.passed
        assert any(n.startswith("expect.media_streaming: the media stream state cannot be expressed")
                   for n in exported.unexpressed)


# A project of our own ----------------------------------------------------------------------------

@pytest.fixture
def desk_dir(tmp_path: Path) -> Path:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "desk.json").write_text(json.dumps(desk_describe()))
    (tmp_path / "connect-instance.yaml").write_text(DESK_INSTANCE)
    (tmp_path / "pytest.ini").write_text("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = "
                                         "connect-instance.yaml\n")
    return tmp_path


SALES = """
  - name: {name}
    flow: Help desk
    attributes: {{campaign: spring}}
    inputs: ["1"]
    mocks:
      lambdas:
        lookupCustomer: {{tier: gold}}
        scoreCaller: [{{score: "42"}}]
      hours: {{Office hours: open}}
    expect:
"""


def scenario_file(desk_dir: Path, *scenarios: tuple[str, str]) -> Path:
    text = "scenarios:\n" + "".join(SALES.format(name=name) + expect for name, expect in scenarios)
    path = desk_dir / "test_desk.connectflow.yaml"
    path.write_text(text)
    return path


def exported_rows(desk_dir: Path, *scenarios: tuple[str, str]) -> list[tuple[bool, ExportedTestCase, Any]]:
    session = ConnectflowSession(default_flows=((desk_dir / "flows").resolve(),),
                                 instance_file=desk_dir / "connect-instance.yaml")
    return export_file(scenario_file(desk_dir, *scenarios), session, desk_dir)


def test_expressible_expectations_that_fail_make_the_test_case_fail(desk_dir: Path) -> None:
    rows = exported_rows(
        desk_dir,
        ("right", "      queue: Sales\n      attributes: {tier: gold, score: '42'}\n      ended: transferred_to_queue\n"
                  "      messages_include: [Welcome to the help desk., {contains: talk to our assistant}]\n"),
        ("wrong queue", "      queue: Support\n"),
        ("wrong attribute", "      attributes: {tier: silver}\n"),
        ("wrong ending", "      ended: transferred_to_queue\n      queue: Sales\n"),
        ("wrong messages", "      messages: [Welcome to the help desk., Press 9 for the moon.]\n"),
        ("wrong lambda", "      lambda_calls: [{function: lookupCustomer}, {function: somethingElse}]\n"),
    )
    outcomes = {exported.scenario.name: (passed, native.passed) for passed, exported, native in rows}
    assert outcomes == {"right": (True, True), "wrong queue": (False, False), "wrong attribute": (False, False),
                        "wrong ending": (True, True), "wrong messages": (False, False), "wrong lambda": (False, False)}
    by_name = {exported.scenario.name: native for _, exported, native in rows}
    assert "Assert 'assert queue 1': $.Queue.Name Equals 'Support' failed: the value is 'Sales'" in \
        by_name["wrong queue"].render()


def test_the_request_is_what_create_test_case_takes(desk_dir: Path) -> None:
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.validate import ParamValidator

    [(_, exported, _)] = exported_rows(desk_dir, ("sales", "      queue: Sales\n"))
    request = dict(exported.request or {})
    model = botocore_session.get_session().get_service_model("connect").operation_model("CreateTestCase")
    report = ParamValidator().validate({"InstanceId": "0eb3f448-dabd-4a2f-a6b6-502def047091", **request},
                                       model.input_shape)
    assert not report.has_errors(), report.generate_report()
    assert request["EntryPoint"] == {"Type": "VOICE_CALL",
                                     "VoiceCallEntryPointParameters": {"FlowId": desk_describe()["ContactFlow"]["Id"]}}
    assert json.loads(request["InitializationData"]) == {"Attributes": {"campaign": "spring"}}
    body = json.loads(request["Content"])
    start, *rest = body["Observations"]
    assert start["Event"]["Type"] == "TestInitiated"
    # One MockResponse per call, in order: lookupCustomer, the hours, scoreCaller.
    strategies = [a["Parameters"]["Behavior"]["Properties"] for a in start["Actions"]]
    assert [(s["ActionType"], s["Strategy"]["Response"]["ExecutionResult"]) for s in strategies] == [
        ("InvokeLambdaFunction", {"LoadedData": '{"tier":"gold"}'}),
        ("CheckHoursOfOperation", {"Value": "InHours"}),
        ("InvokeLambdaFunction", {"LoadedData": '{"score":"42"}'}),
    ]
    menu = next(o for o in rest if o["Event"]["Properties"].get("Text", "").startswith("Press 1"))
    assert menu["Actions"][0]["Parameters"]["Instruction"] == {"Type": "DtmfInput", "Properties": {"Value": "1"}}
    final = rest[-1]
    assert final["Event"]["Properties"]["ActionType"] == "TransferContactToQueue"
    assert [a["Type"] for a in final["Actions"]] == ["Assert", "TestControl"]
    assert final["Transitions"] == {"NextObservations": []}


def test_export_native_writes_test_cases_and_lists_what_is_not_expressed(
    desk_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    expect = "      path: [Welcome]\n      media_streaming: not_started\n      queue: Sales\n"
    scenario_file(desk_dir, ("sales", expect))
    with (desk_dir / "test_desk.connectflow.yaml").open("a") as handle:
        handle.write("  - name: a task\n    flow: Help desk\n    channel: TASK\n")
    monkeypatch.chdir(desk_dir)
    assert main(["export-native", "test_desk.connectflow.yaml", "--to", "exported"]) == 1
    captured = capsys.readouterr()
    written = desk_dir / "exported" / "test_desk--sales.testcase.json"
    assert f"test_desk.connectflow.yaml::sales -> {Path('exported') / written.name}" in captured.out
    assert "1 test case(s) written to exported, 1 scenario(s) not exported" in captured.out
    assert "test_desk.connectflow.yaml::sales: not expressed: expect.path: the blocks run cannot be expressed" \
        in captured.err
    assert "test_desk.connectflow.yaml::a task: not exported: the scenario runs on TASK; a test case starts a " \
           "voice call (VOICE_CALL) or a chat (CHAT)" in captured.err
    notes = (desk_dir / "exported" / "test_desk--sales.testcase.notes.txt").read_text()
    assert notes.splitlines()[0] == "# test_desk.connectflow.yaml::sales"
    assert "- expect.media_streaming: the media stream state cannot be expressed" in notes
    # ... and what it wrote runs with run-native.
    assert main(["run-native", str(written)]) == 0
    assert "PASSED" in capsys.readouterr().out


def test_the_exported_folder_runs_as_pytest_items(desk_dir: Path, pytester: pytest.Pytester,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    scenario_file(desk_dir, ("sales", "      queue: Sales\n"), ("closed office", "      queue: Sales\n"))
    monkeypatch.chdir(desk_dir)
    assert main(["export-native", "test_desk.connectflow.yaml", "--to", str(pytester.path / "native")]) == 0
    for name in ("flows", "connect-instance.yaml"):
        src = desk_dir / name
        (pytester.path / name).symlink_to(src, target_is_directory=src.is_dir())
    pytester.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = connect-instance.yaml\n")
    monkeypatch.chdir(pytester.path)
    result = pytester.runpytest("native", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines_random(["*test_desk--sales.testcase.json::sales PASSED*",
                                        "*test_desk--closed-office.testcase.json::closed office PASSED*"])
