"""`connectflow cloud-run` against a stubbed Amazon Connect instance: the test cases started,
polled with back-off (a fake clock: nothing sleeps), their execution records set beside the
offline run of the same test case; and the end to end: example_project's scenarios exported,
pushed and run in the "cloud" of stubs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("boto3")  # the aws extra (in the dev extra too)
pytest.register_assert_rewrite("awsdefs")  # a plugin of these tests (pytest_plugins below)

from awsdefs import (  # noqa: E402
    INSTANCE_ID,
    LIVE_DESK_ID,
    MODIFIED,
    Captured,
    FakeClock,
    FakeTestDesk,
    desk_project,
    entry,
    held,
    observation_ids,
    records,
    summary,
)
from botocore.stub import Stubber  # noqa: E402

from pytest_connectflow.aws import cloud_run  # noqa: E402
from pytest_connectflow.aws.arguments import add_cloud_run_arguments  # noqa: E402
from pytest_connectflow.cli import main  # noqa: E402

pytest_plugins = ("awsdefs",)  # its fixtures: aws_env, stubbed, fake_desk, botocore_sleeps

SALES = "caller reaches sales"
CLOSED = "caller hears we are closed"
BASE = {"InstanceId": INSTANCE_ID}
EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"


def run(clock: FakeClock, *argv: str, instance: str = INSTANCE_ID) -> int:
    """`connectflow cloud-run ARGV` with the fake clock: the polls' waits are recorded, not slept."""
    parser = argparse.ArgumentParser()
    add_cloud_run_arguments(parser)
    args = parser.parse_args(["--instance-id", instance, *argv])
    return cloud_run.command(args, sleep=clock.sleep, clock=clock.clock)


def pushed(stub: Stubber, client: Any, *files: str, instance: str = INSTANCE_ID) -> dict[str, dict[str, Any]]:
    """Push the scenario files (all new) and return the CreateTestCase requests by name."""
    captured = Captured()
    captured.watch(client, "CreateTestCase")
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, {"InstanceId": instance})
    count = sum(len([line for line in Path(f).read_text().splitlines() if line.startswith("  - name:")])
                for f in files)
    for n in range(count):
        stub.add_response("create_test_case", {"TestCaseId": f"tc-{n}"})
    assert main(["push-tests", "--instance-id", instance, *files]) == 0
    stub.assert_no_pending_responses()
    return {c["Name"]: c for c in captured.calls["CreateTestCase"]}


def execution(test_case_id: str, instance: str = INSTANCE_ID) -> dict[str, Any]:
    return {"InstanceId": instance, "TestCaseId": test_case_id, "TestCaseExecutionId": f"ex-{test_case_id}"}


def add_summary(stub: Stubber, test_case_id: str, status: str, total: int = 0, failed: int = 0,
                instance: str = INSTANCE_ID) -> None:
    answer: dict[str, Any] = {"Status": status, "StartTime": MODIFIED}
    if status in cloud_run.FINAL_STATUSES:
        answer.update(EndTime=MODIFIED, ObservationSummary={"TotalObservations": total, "ObservationsPassed":
                                                            total - failed, "ObservationsFailed": failed})
    stub.add_response("get_test_case_execution_summary", answer, execution(test_case_id, instance))


def add_start(stub: Stubber, *test_case_ids: str, instance: str = INSTANCE_ID) -> None:
    for test_case_id in test_case_ids:
        stub.add_response("start_test_case_execution", {"TestCaseExecutionId": f"ex-{test_case_id}",
                                                        "TestCaseId": test_case_id, "Status": "INITIATED"},
                          {"InstanceId": instance, "TestCaseId": test_case_id})


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any]) -> dict[str, dict[str, Any]]:
    """The desk project, pushed: the CreateTestCase requests by name."""
    monkeypatch.chdir(desk_project(tmp_path))
    stub, client = stubbed
    return pushed(stub, client, "test_desk.connectflow.yaml")


def add_lookups(stub: Stubber, desk: dict[str, dict[str, Any]], **changes: Any) -> None:
    """ListTestCases (two pages) and DescribeTestCase of the two desk test cases, as pushed."""
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-sales", SALES)], "NextToken": "p2"},
                      BASE)
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-closed", CLOSED)]},
                      {**BASE, "NextToken": "p2"})
    stub.add_response("describe_test_case", held("tc-sales", desk[SALES], **changes),
                      {**BASE, "TestCaseId": "tc-sales"})
    stub.add_response("describe_test_case", held("tc-closed", desk[CLOSED]), {**BASE, "TestCaseId": "tc-closed"})


def all_passed(request: dict[str, Any]) -> dict[str, str]:
    return dict.fromkeys(observation_ids(request), "PASSED")


# cloud and offline side by side ---------------------------------------------------------------------


def test_cloud_and_offline_agree(desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any],
                                 capsys: pytest.CaptureFixture[str]) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    add_lookups(stub, desk)
    add_start(stub, "tc-sales", "tc-closed")
    sales_ids, closed_ids = observation_ids(desk[SALES]), observation_ids(desk[CLOSED])
    add_summary(stub, "tc-sales", "PASSED", len(sales_ids))
    add_summary(stub, "tc-closed", "IN_PROGRESS")
    add_summary(stub, "tc-closed", "PASSED", len(closed_ids))
    # The records come in two pages (NextToken by hand: the API has no paginator).
    sales_records = records(all_passed(desk[SALES]))
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": sales_records[:2], "NextToken": "r2"},
                      execution("tc-sales"))
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": sales_records[2:]},
                      {**execution("tc-sales"), "NextToken": "r2"})
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[CLOSED]))},
                      execution("tc-closed"))
    clock = FakeClock()
    assert run(clock, "test_desk.connectflow.yaml") == 0
    stub.assert_no_pending_responses()
    assert clock.slept == [cloud_run.FIRST_DELAY]  # one wait, for the closed office to finish
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == (f"test case '{SALES}' (tc-sales), execution ex-tc-sales: PASSED in the cloud "
                        f"({len(sales_ids)} of {len(sales_ids)} observations passed); offline: passed")
    width = max(len(i) for i in sales_ids)
    assert lines[1] == f"  {'observation':<{width}}  cloud        offline"
    assert lines[2:2 + len(sales_ids)] == [f"  {i:<{width}}  PASSED       PASSED" for i in sales_ids]
    assert "<- differs" not in out
    assert lines[-1] == (f"2 test case(s) run in instance {INSTANCE_ID}: 2 passed, 0 failed in the cloud; 0 differ "
                         "from the offline run")


def test_a_cloud_result_that_differs_is_marked_and_fails_the_run(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    add_lookups(stub, desk)
    add_start(stub, "tc-sales", "tc-closed")
    sales_ids = observation_ids(desk[SALES])
    menu = next(i for i in sales_ids if i.startswith("Press 1"))
    add_summary(stub, "tc-sales", "FAILED", len(sales_ids), failed=1)
    add_summary(stub, "tc-closed", "PASSED", len(observation_ids(desk[CLOSED])))
    statuses = {**all_passed(desk[SALES]), menu: "FAILED"}
    del statuses[sales_ids[-1]]  # the last observation: no record (never reached after the failure)
    # Several records for one observation: the latest says, unless one failed.
    first = {"ObservationId": sales_ids[0], "Status": "IN_PROGRESS", "Timestamp": MODIFIED.replace(minute=29),
             "Record": "{}"}
    cloud_records = [*records(statuses, {menu: '{"Reason": "Expected prompt not heard",\n "Similarity": 0.41}'}),
                     first, {"ObservationId": "Surprise", "Status": "PASSED", "Record": "{}"}]
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": cloud_records}, execution("tc-sales"))
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[CLOSED]))},
                      execution("tc-closed"))
    assert run(FakeClock(), "test_desk.connectflow.yaml") == 1
    out = capsys.readouterr().out
    width = max(len(i) for i in [*sales_ids, "Surprise"])
    table = out.split("\n\n")[0].splitlines()
    assert table[0].startswith(f"test case '{SALES}' (tc-sales), execution ex-tc-sales: FAILED in the cloud "
                               f"({len(sales_ids) - 1} of {len(sales_ids)} observations passed); offline: passed")
    assert f"  {sales_ids[0]:<{width}}  PASSED       PASSED" in table
    assert f"  {menu:<{width}}  FAILED       PASSED       <- differs" in table
    assert f"  {'':<{width}}  cloud: {{\"Reason\": \"Expected prompt not heard\", \"Similarity\": 0.41}}" in table
    assert f"  {sales_ids[-1]:<{width}}  NOT REACHED  PASSED       <- differs" in table
    assert f"  {'Surprise':<{width}}  PASSED       -            <- differs" in table
    assert out.splitlines()[-1] == (f"2 test case(s) run in instance {INSTANCE_ID}: 1 passed, 1 failed in the cloud; "
                                    "1 differ from the offline run")


def test_a_failure_in_both_runs_is_not_a_difference_but_still_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = "scenarios:\n  - name: wrong queue\n    flow: Help desk\n    inputs: ['1']\n    mocks:\n      lambdas:\n" \
            "        lookupCustomer: {tier: gold}\n        scoreCaller: [{score: '1'}]\n" \
            "      hours: {Office hours: open}\n    expect: {queue: Support}\n"
    monkeypatch.chdir(desk_project(tmp_path, scenarios=wrong))
    stub, client = stubbed
    request = pushed(stub, client, "test_desk.connectflow.yaml")["wrong queue"]
    capsys.readouterr()
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-1", "wrong queue")]}, BASE)
    stub.add_response("describe_test_case", held("tc-1", request), {**BASE, "TestCaseId": "tc-1"})
    add_start(stub, "tc-1")
    ids = observation_ids(request)
    add_summary(stub, "tc-1", "FAILED", len(ids), failed=1)
    stub.add_response("list_test_case_execution_records",
                      {"ExecutionRecords": records({**all_passed(request), ids[-1]: "FAILED"})}, execution("tc-1"))
    assert run(FakeClock(), "test_desk.connectflow.yaml") == 1
    out = capsys.readouterr().out
    width = max(len(i) for i in ids)
    assert f"  {ids[-1]:<{width}}  FAILED       FAILED" in out.splitlines()
    assert "offline: Assert 'assert queue 1': $.Queue.Name Equals 'Support' failed: the value is 'Sales'" in out
    assert "<- differs" not in out
    assert out.splitlines()[-1].endswith("0 passed, 1 failed in the cloud; 0 differ from the offline run")


def test_how_records_become_an_observations_result() -> None:
    later = MODIFIED.replace(minute=45)
    found = cloud_run.cloud_observations([
        {"ObservationId": "a", "Status": "PASSED", "Timestamp": later, "Record": "{}"},
        {"ObservationId": "a", "Status": "IN_PROGRESS", "Timestamp": MODIFIED, "Record": "{}"},
        {"ObservationId": "b", "Status": "FAILED", "Timestamp": MODIFIED, "Record": '{"why":  "no match"}'},
        {"ObservationId": "b", "Status": "PASSED", "Timestamp": later, "Record": "{}"},
        {"ObservationId": "c", "Status": "IN_PROGRESS", "Record": "x" * 400},
    ])
    assert {k: v.status for k, v in found.items()} == {"a": "PASSED", "b": "FAILED", "c": "IN_PROGRESS"}
    assert found["b"].detail == '{"why": "no match"}' and found["a"].detail == ""
    assert len(found["c"].detail) == cloud_run.DETAIL_LENGTH
    # Still waiting when the execution ended is what the offline run calls FAILED.
    assert not cloud_run.Row("c", "IN_PROGRESS", "FAILED").differs
    assert cloud_run.Row("c", "STOPPED", "FAILED").differs
    assert not cloud_run.Row("d", "NOT_REACHED", "NOT_REACHED").differs


# polling ---------------------------------------------------------------------------------------------


def test_polling_backs_off_exponentially_up_to_a_ceiling(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    add_lookups(stub, desk)
    add_start(stub, "tc-sales", "tc-closed")
    add_summary(stub, "tc-sales", "INITIATED")
    add_summary(stub, "tc-closed", "PASSED", 3)
    for _ in range(6):
        add_summary(stub, "tc-sales", "IN_PROGRESS")
    add_summary(stub, "tc-sales", "PASSED", len(observation_ids(desk[SALES])))
    for name, test_case_id in ((SALES, "tc-sales"), (CLOSED, "tc-closed")):
        stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[name]))},
                          execution(test_case_id))
    clock = FakeClock()
    assert run(clock, "test_desk.connectflow.yaml") == 0
    stub.assert_no_pending_responses()
    assert clock.slept == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]


def test_a_timeout_stops_waiting_and_fails(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    add_lookups(stub, desk)
    add_start(stub, "tc-sales", "tc-closed")
    add_summary(stub, "tc-sales", "IN_PROGRESS")
    add_summary(stub, "tc-closed", "PASSED", 3)
    for _ in range(4):  # at 2, 6, 14 and 20 seconds: the last wait is cut to end at the deadline
        add_summary(stub, "tc-sales", "IN_PROGRESS")
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[CLOSED]))},
                      execution("tc-closed"))
    clock = FakeClock()
    assert run(clock, "--timeout", "20", "test_desk.connectflow.yaml") == 1
    stub.assert_no_pending_responses()  # no records are read for the execution still running
    assert clock.slept == [2.0, 4.0, 8.0, 6.0]
    out = capsys.readouterr().out
    assert (f"test case '{SALES}' (tc-sales), execution ex-tc-sales: timed out, still IN_PROGRESS in the cloud; "
            "offline: passed") in out
    assert (f"note: the execution may still be running: aws connect get-test-case-execution-summary --instance-id "
            f"{INSTANCE_ID} --test-case-id tc-sales --test-case-execution-id ex-tc-sales") in out
    assert out.splitlines()[-1] == (f"2 test case(s) run in instance {INSTANCE_ID}: 1 passed, 0 failed, 1 timed out "
                                    "in the cloud; 0 differ from the offline run")


# which test cases --------------------------------------------------------------------------------------


def test_name_globs_run_the_instances_test_cases_on_the_project_flows(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    # A test case written in the console names the flow by its Id on the instance, which the
    # project's files do not have: its name on the instance finds it offline.
    console = {**desk[SALES], "Name": "console: sales", "EntryPoint": entry(LIVE_DESK_ID)}
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [
        summary("tc-sales", SALES), summary("tc-console", "console: sales"), summary("tc-closed", CLOSED)]}, BASE)
    stub.add_response("describe_test_case", held("tc-sales", desk[SALES]), {**BASE, "TestCaseId": "tc-sales"})
    stub.add_response("describe_test_case", held("tc-console", console), {**BASE, "TestCaseId": "tc-console"})
    add_start(stub, "tc-sales", "tc-console")
    add_summary(stub, "tc-sales", "PASSED", 1)
    add_summary(stub, "tc-console", "PASSED", 1)
    for test_case_id in ("tc-sales", "tc-console"):
        stub.add_response("list_test_case_execution_records",
                          {"ExecutionRecords": records(all_passed(desk[SALES]))}, execution(test_case_id))
    # Only the console's test case needs the flow's name (after its records, for its offline run).
    stub.add_response("list_contact_flows", {"ContactFlowSummaryList": [
        {"Id": LIVE_DESK_ID, "Name": "Help desk", "ContactFlowState": "ACTIVE"}]}, BASE)
    assert run(FakeClock(), "--name", "caller reaches *", "--name", "console:*") == 0
    stub.assert_no_pending_responses()
    out = capsys.readouterr().out
    assert "test case 'caller reaches sales' (tc-sales), execution ex-tc-sales: PASSED" in out
    assert "test case 'console: sales' (tc-console), execution ex-tc-console: PASSED" in out
    assert "offline: passed" in out and "cannot run" not in out


def test_names_matching_nothing_and_test_cases_not_pushed_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(desk_project(tmp_path))
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-9", "unrelated")]}, BASE)
    assert run(FakeClock(), "--name", "nothing*") == 1
    assert f"connectflow cloud-run: no test case of instance {INSTANCE_ID} matches 'nothing*'" in \
        capsys.readouterr().err
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-9", "unrelated")]}, BASE)
    assert run(FakeClock(), "--prefix", "ci/", "test_desk.connectflow.yaml") == 1
    err = capsys.readouterr().err
    assert (f"test_desk.connectflow.yaml::{SALES}: instance {INSTANCE_ID} has no test case named 'ci/{SALES}'; push "
            "it first (connectflow push-tests)") in err
    assert main(["cloud-run", "--instance-id", INSTANCE_ID]) == 2
    assert "name the test cases: scenario files (those push-tests pushed), --name GLOB, or both" in \
        capsys.readouterr().err


def test_a_saved_test_case_is_not_started(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-sales", SALES, "SAVED")]}, BASE)
    stub.add_response("describe_test_case", held("tc-sales", desk[SALES], Status="SAVED"),
                      {**BASE, "TestCaseId": "tc-sales"})
    assert run(FakeClock(), "--name", SALES) == 1
    stub.assert_no_pending_responses()
    assert (f"connectflow cloud-run: {SALES}: the test case is only SAVED; Amazon Connect runs published test cases: "
            "push it with --status PUBLISHED (the default)") in capsys.readouterr().err


def test_a_stale_push_is_noted(desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any],
                               capsys: pytest.CaptureFixture[str]) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    old = json.loads(desk[SALES]["Content"])
    old["Observations"] = [{**old["Observations"][0], "Transitions": {"NextObservations": []}}]
    add_lookups(stub, desk, Content=json.dumps(old))
    add_start(stub, "tc-sales", "tc-closed")
    add_summary(stub, "tc-sales", "PASSED", 1)
    add_summary(stub, "tc-closed", "PASSED", 3)
    first = old["Observations"][0]["Identifier"]
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records({first: "PASSED"})},
                      execution("tc-sales"))
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[CLOSED]))},
                      execution("tc-closed"))
    assert run(FakeClock(), "test_desk.connectflow.yaml") == 0
    assert (f"note: the instance's test case differs from what test_desk.connectflow.yaml::{SALES} exports now: push "
            "it again (connectflow push-tests); both runs used the instance's") in capsys.readouterr().out


# AWS refusing -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "action"), [("start_test_case_execution", "StartTestCaseExecution"),
                                                ("get_test_case_execution_summary", "GetTestCaseExecutionSummary"),
                                                ("list_test_case_execution_records", "ListTestCaseExecutionRecords")])
def test_access_denied_names_the_iam_action(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str],
    method: str, action: str,
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    add_lookups(stub, desk)
    steps: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("start_test_case_execution", {"TestCaseExecutionId": "ex-tc-sales"}, {**BASE, "TestCaseId": "tc-sales"}),
        ("start_test_case_execution", {"TestCaseExecutionId": "ex-tc-closed"}, {**BASE, "TestCaseId": "tc-closed"}),
        ("get_test_case_execution_summary", {"Status": "PASSED"}, execution("tc-sales")),
        ("get_test_case_execution_summary", {"Status": "PASSED"}, execution("tc-closed")),
        ("list_test_case_execution_records", {"ExecutionRecords": []}, execution("tc-sales")),
    ]
    for name, answer, params in steps:
        if name == method:
            stub.add_client_error(name, "AccessDeniedException", "denied", 403, expected_params=params)
            break
        stub.add_response(name, answer, params)
    assert run(FakeClock(), "test_desk.connectflow.yaml") == 2
    err = capsys.readouterr().err
    assert f"connectflow cloud-run: error: access denied: the identity in use may not call connect:{action} on " in err
    assert f"Allow the IAM action connect:{action}" in err


def test_a_start_amazon_connect_refuses_for_one_test_case_leaves_the_others(
    desk: dict[str, dict[str, Any]], stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    capsys.readouterr()
    add_lookups(stub, desk)
    stub.add_client_error("start_test_case_execution", "ServiceQuotaExceededException", "Too many executions queued",
                          402, expected_params={**BASE, "TestCaseId": "tc-sales"})
    add_start(stub, "tc-closed")
    add_summary(stub, "tc-closed", "PASSED", 3)
    stub.add_response("list_test_case_execution_records", {"ExecutionRecords": records(all_passed(desk[CLOSED]))},
                      execution("tc-closed"))
    assert run(FakeClock(), "test_desk.connectflow.yaml") == 1
    out, err = capsys.readouterr()
    assert (f"connectflow cloud-run: {SALES}: connect:StartTestCaseExecution on test case '{SALES}' (tc-sales) of "
            f"instance {INSTANCE_ID} failed (AWS said: ServiceQuotaExceededException: Too many executions "
            "queued)") in err
    assert out.splitlines()[-1].endswith("1 passed, 0 failed in the cloud; 0 differ from the offline run; 1 could not "
                                         "be run")


@pytest.mark.parametrize("fake_desk", [{"GetTestCaseExecutionSummary": 2, "StartTestCaseExecution": 1}],
                         indirect=True)
def test_throttled_calls_are_retried_by_botocore_apart_from_the_polling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, aws_env: None, fake_desk: FakeTestDesk,
    botocore_sleeps: list[float], capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(desk_project(tmp_path))
    monkeypatch.setenv("AWS_ENDPOINT_URL_CONNECT", fake_desk.url)
    assert main(["push-tests", "--instance-id", INSTANCE_ID, "test_desk.connectflow.yaml"]) == 0
    clock = FakeClock()
    assert run(clock, "test_desk.connectflow.yaml") == 0, capsys.readouterr()
    assert clock.slept == []  # both were final at the first poll: no back-off of ours
    assert len(botocore_sleeps) == 3  # botocore's own back-off, one per throttled request
    started = fake_desk.requests.index("StartTestCaseExecution")
    assert fake_desk.requests[started:] == (
        ["StartTestCaseExecution"] * 3 + ["GetTestCaseExecutionSummary"] * 4 + ["ListTestCaseExecutionRecords"] * 2)
    assert "2 passed, 0 failed in the cloud; 0 differ from the offline run" in capsys.readouterr().out


# the end to end ----------------------------------------------------------------------------------------


@pytest.fixture
def example_handlers() -> Iterator[None]:
    """The example's real Lambda handler (lambdas/lookup_customer.py) is imported by its scenarios:
    forget it afterwards, so that other tests import it from their own copy of the project."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        module = sys.modules[name]
        places = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or ())]
        if any(str(place).startswith(str(EXAMPLE)) for place in places):
            del sys.modules[name]


def test_example_project_exported_pushed_and_run_in_the_cloud(
    monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str],
    example_handlers: None,
) -> None:
    """Every scenario of example_project: exported, pushed as new test cases, started, polled and
    read back; the stubbed cloud passes every observation, as the offline run does."""
    monkeypatch.chdir(EXAMPLE)
    main_ivr = json.loads((EXAMPLE / "flows" / "main-ivr.json").read_text())["ContactFlow"]
    instance = main_ivr["Arn"].split(":instance/")[1].split("/")[0]  # the instance the describe files come from
    base = {"InstanceId": instance}
    files = sorted(str(p.relative_to(EXAMPLE)) for p in (EXAMPLE / "tests").glob("*.connectflow.yaml"))
    stub, client = stubbed
    requests = pushed(stub, client, *files, instance=instance)
    assert len(requests) >= 20
    # The describe files name this instance: every test case starts in its flow's own Id.
    entries = [r["EntryPoint"] for r in requests.values()]
    flow_ids = {(e.get("VoiceCallEntryPointParameters") or e["ChatEntryPointParameters"])["FlowId"] for e in entries}
    assert main_ivr["Id"] in flow_ids and all(len(i) == 36 for i in flow_ids)
    capsys.readouterr()

    names = list(requests)
    ids = {name: f"tc-{n}" for n, name in enumerate(names)}
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary(ids[n], n) for n in names]}, base)
    for name in names:
        stub.add_response("describe_test_case", held(ids[name], requests[name]), {**base, "TestCaseId": ids[name]})
    add_start(stub, *ids.values(), instance=instance)
    for name in names:
        add_summary(stub, ids[name], "PASSED", len(observation_ids(requests[name])), instance=instance)
    for name in names:
        stub.add_response("list_test_case_execution_records",
                          {"ExecutionRecords": records(all_passed(requests[name]))}, execution(ids[name], instance))
    code = run(FakeClock(), *files, instance=instance)
    out = capsys.readouterr().out
    assert code == 0, out
    stub.assert_no_pending_responses()
    assert out.count("; offline: passed") == len(names)
    assert "<- differs" not in out and "FAILED" not in out
    assert out.splitlines()[-1] == (f"{len(names)} test case(s) run in instance {instance}: {len(names)} passed, "
                                    "0 failed in the cloud; 0 differ from the offline run")
