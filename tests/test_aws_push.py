"""`connectflow push-tests` against a stubbed Amazon Connect instance: botocore's Stubber on a real
boto3 client (every request checked against the service model, the expected parameters against
ours), and a fake test case API on 127.0.0.1 where botocore's retries need real requests."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("boto3")  # the aws extra (in the dev extra too)
pytest.register_assert_rewrite("awsdefs")  # a plugin of these tests (pytest_plugins below)

from awsdefs import (  # noqa: E402
    INSTANCE_ID,
    LIVE_DESK_ID,
    OTHER_INSTANCE_ARN,
    SCENARIOS,
    Captured,
    FakeTestDesk,
    desk_project,
    entry,
    held,
    summary,
)
from botocore.stub import ANY, Stubber  # noqa: E402
from nativedefs import DESK_ID  # noqa: E402

from pytest_connectflow.aws import push as push_module  # noqa: E402
from pytest_connectflow.cli import main  # noqa: E402

pytest_plugins = ("awsdefs",)  # its fixtures: aws_env, stubbed, fake_desk, botocore_sleeps

SALES = "caller reaches sales"
CLOSED = "caller hears we are closed"
BASE = {"InstanceId": INSTANCE_ID}


def push(*extra: str, files: tuple[str, ...] = ("test_desk.connectflow.yaml",)) -> int:
    return main(["push-tests", "--instance-id", INSTANCE_ID, *extra, *files])


def create_params(name: str, *, flow_id: str = DESK_ID, status: str = "PUBLISHED",
                  attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """What CreateTestCase must be sent; Content and Description are compared apart."""
    return {**BASE, "Name": name, "Content": ANY, "Description": ANY, "EntryPoint": entry(flow_id),
            "InitializationData": json.dumps({"Attributes": attributes or {}}), "Status": status}


SALES_PARAMS = create_params(SALES, attributes={"campaign": "spring"})
CLOSED_PARAMS = create_params(CLOSED)


def created(test_case_id: str) -> dict[str, Any]:
    return {"TestCaseId": test_case_id, "TestCaseArn": f"arn:aws:connect:::test-case/{test_case_id}"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(desk_project(tmp_path))
    return tmp_path


def exported_request(project: Path, name: str) -> dict[str, Any]:
    """What `connectflow export-native` writes for the scenario (the same export as a push)."""
    assert main(["export-native", "test_desk.connectflow.yaml", "--to", "exported"]) == 0
    found = [json.loads(p.read_text()) for p in (project / "exported").glob("*.testcase.json")]
    request: dict[str, Any] = next(r for r in found if r["Name"] == name)
    return request


def push_both_new(stub: Stubber, client: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """Push the two scenarios to an instance holding no test case; the two CreateTestCase
    requests sent (sales, then closed office)."""
    captured = Captured()
    captured.watch(client, "CreateTestCase")
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_response("create_test_case", created("tc-sales"), SALES_PARAMS)
    stub.add_response("create_test_case", created("tc-closed"), CLOSED_PARAMS)
    assert push() == 0
    sales, closed = captured.calls["CreateTestCase"]
    return sales, closed


# create, update, unchanged ---------------------------------------------------------------------


def test_new_scenarios_are_created_as_the_export_writes_them(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, client = stubbed
    sent, _ = push_both_new(stub, client)
    stub.assert_no_pending_responses()
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"created    {SALES} (tc-sales)",
        f"created    {CLOSED} (tc-closed)",
        f"2 test case(s) on instance {INSTANCE_ID} (PUBLISHED): 2 created, 0 updated, 0 unchanged",
    ]
    # What could not be expressed is listed, as export-native lists it.
    assert f"test_desk.connectflow.yaml::{SALES}: not expressed: expect.path: the blocks run cannot be expressed" in err
    # The test case sent is the one export-native writes (the flow's Id already names this instance's flow).
    written = exported_request(project, SALES)
    assert json.loads(sent["Content"]) == json.loads(written["Content"])
    assert sent["Description"] == written["Description"]


def test_existing_test_cases_are_found_by_name_across_pages_and_updated_only_when_they_differ(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, client = stubbed
    sales, closed = push_both_new(stub, client)  # first, to learn what the instance would hold
    capsys.readouterr()

    # The instance holds the sales test case as pushed (its Content re-spaced, as Amazon Connect
    # may store it), and an older closed-office test case; the names are on the second page.
    stored_sales = {**sales, "Content": json.dumps(json.loads(sales["Content"]), separators=(",", ":"))}
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-other", "someone else's")],
                                          "NextToken": "page-2"}, BASE)
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-sales", SALES),
                                                                  summary("tc-closed", CLOSED)]},
                      {**BASE, "NextToken": "page-2"})
    stub.add_response("describe_test_case", held("tc-sales", stored_sales), {**BASE, "TestCaseId": "tc-sales"})
    stub.add_response("describe_test_case", held("tc-closed", closed, Content='{"Version": "2019-10-30", '
                                                 '"Observations": []}'), {**BASE, "TestCaseId": "tc-closed"})
    update = {**CLOSED_PARAMS, "TestCaseId": "tc-closed", "Content": closed["Content"],
              "Description": closed["Description"]}
    stub.add_response("update_test_case", {}, update)
    assert push() == 0
    stub.assert_no_pending_responses()
    assert capsys.readouterr().out.splitlines() == [
        f"unchanged  {SALES} (tc-sales)",
        f"updated    {CLOSED} (tc-closed)",
        f"2 test case(s) on instance {INSTANCE_ID} (PUBLISHED): 0 created, 1 updated, 1 unchanged",
    ]


def test_status_saved_and_a_prefix_name_the_test_cases(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, client = stubbed
    sales, closed = push_both_new(stub, client)

    # The same test cases, published: pushing them SAVED under a prefix makes new test cases
    # ("ci/..." names); pushing them SAVED under their own names updates them (the status changes).
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-sales", SALES)]}, BASE)
    stub.add_response("create_test_case", created("tc-ci-sales"),
                      {**SALES_PARAMS, "Name": f"ci/{SALES}", "Status": "SAVED"})
    stub.add_response("create_test_case", created("tc-ci-closed"),
                      {**CLOSED_PARAMS, "Name": f"ci/{CLOSED}", "Status": "SAVED"})
    capsys.readouterr()
    assert push("--status", "SAVED", "--prefix", "ci/") == 0
    assert capsys.readouterr().out.splitlines()[:2] == [f"created    ci/{SALES} (tc-ci-sales)",
                                                        f"created    ci/{CLOSED} (tc-ci-closed)"]
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-sales", SALES),
                                                                  summary("tc-closed", CLOSED)]}, BASE)
    stub.add_response("describe_test_case", held("tc-sales", sales), {**BASE, "TestCaseId": "tc-sales"})
    stub.add_response("update_test_case", {}, {**SALES_PARAMS, "TestCaseId": "tc-sales", "Status": "SAVED"})
    stub.add_response("describe_test_case", held("tc-closed", closed), {**BASE, "TestCaseId": "tc-closed"})
    stub.add_response("update_test_case", {}, {**CLOSED_PARAMS, "TestCaseId": "tc-closed", "Status": "SAVED"})
    assert push("--status", "SAVED") == 0
    stub.assert_no_pending_responses()
    assert "0 created, 2 updated, 0 unchanged" in capsys.readouterr().out


# the flow on the instance -----------------------------------------------------------------------


def flow_summary(flow_id: str, name: str, *, state: str = "ACTIVE") -> dict[str, Any]:
    return {"Id": flow_id, "Arn": f"arn:aws:connect:us-east-1:111122223333:instance/{INSTANCE_ID}/contact-flow/"
                                  f"{flow_id}", "Name": name, "ContactFlowType": "CONTACT_FLOW",
            "ContactFlowState": state}


@pytest.mark.parametrize("flow", ["bare", "other"])
def test_a_flow_without_this_instances_id_is_looked_up_by_name_once_across_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any],
    capsys: pytest.CaptureFixture[str], flow: str,
) -> None:
    monkeypatch.chdir(desk_project(tmp_path, flow=flow))
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_response("list_contact_flows", {"ContactFlowSummaryList": [flow_summary("f-1", "Main IVR")],
                                             "NextToken": "t2"}, BASE)
    stub.add_response("list_contact_flows", {"ContactFlowSummaryList": [
        flow_summary("f-old", "Help desk", state="ARCHIVED"), flow_summary(LIVE_DESK_ID, "Help desk")]},
        {**BASE, "NextToken": "t2"})
    # One listing serves both test cases.
    stub.add_response("create_test_case", created("tc-sales"), {**SALES_PARAMS, "EntryPoint": entry(LIVE_DESK_ID)})
    stub.add_response("create_test_case", created("tc-closed"), {**CLOSED_PARAMS, "EntryPoint": entry(LIVE_DESK_ID)})
    assert push() == 0
    stub.assert_no_pending_responses()
    err = capsys.readouterr().err
    why = "has no Id in its file" if flow == "bare" else \
        f"is another instance's flow in its file ({OTHER_INSTANCE_ARN}/contact-flow/{DESK_ID})"
    assert (f"test_desk.connectflow.yaml::{SALES}: note: the flow 'Help desk' {why}: the test case starts in "
            f"instance {INSTANCE_ID}'s flow of that name ({LIVE_DESK_ID})") in err
    # The export's advice to put the Id in by hand does not apply: the push did.
    assert "put the flow's Id there" not in err


def test_a_flow_the_instance_does_not_have_fails_those_test_cases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(desk_project(tmp_path, flow="bare"))
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_response("list_contact_flows", {"ContactFlowSummaryList": [flow_summary("f-1", "Main IVR")]}, BASE)
    assert push() == 1
    stub.assert_no_pending_responses()
    out = capsys.readouterr().out
    assert (f"failed     {SALES}: instance {INSTANCE_ID} has no active flow named 'Help desk' (ListContactFlows); the "
            "test case starts in it: create and publish the flow there first") in out
    assert out.splitlines()[-1] == f"0 test case(s) on instance {INSTANCE_ID} (PUBLISHED): 0 created, 0 updated, " \
                                   "0 unchanged, 2 failed"


# AWS refusing -------------------------------------------------------------------------------------


def test_access_denied_names_the_iam_action_and_stops(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_client_error("create_test_case", "AccessDeniedException", "User is not authorized", 403,
                          expected_params=SALES_PARAMS)
    assert push() == 2
    stub.assert_no_pending_responses()  # the second test case was not attempted
    err = capsys.readouterr().err
    assert (f"connectflow push-tests: error: access denied: the identity in use may not call connect:CreateTestCase "
            f"on test case '{SALES}' of instance {INSTANCE_ID} (AWS said: AccessDeniedException: User is not "
            "authorized). Allow the IAM action connect:CreateTestCase") in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("method", "action"), [("list_test_cases", "ListTestCases"),
                                                ("describe_test_case", "DescribeTestCase"),
                                                ("update_test_case", "UpdateTestCase")])
def test_each_call_refused_names_its_own_action(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str], method: str, action: str
) -> None:
    stub, _ = stubbed
    listed = {"TestCaseSummaryList": [summary("tc-sales", SALES)]}
    answers: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
        ("list_test_cases", listed, BASE),
        ("describe_test_case", held("tc-sales", {**SALES_PARAMS, "Content": "{}", "Description": ""}),
         {**BASE, "TestCaseId": "tc-sales"}),
        ("update_test_case", {}, {**SALES_PARAMS, "TestCaseId": "tc-sales"}),
    ]
    for name, answer, params in answers:
        if name == method:
            stub.add_client_error(name, "AccessDeniedException", "denied", 403, expected_params=params)
            break
        stub.add_response(name, answer, params)
    assert push() == 2
    assert f"may not call connect:{action}" in capsys.readouterr().err


def test_a_test_case_amazon_connect_rejects_fails_alone(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_client_error("create_test_case", "InvalidTestCaseException", "Observation 'x' is not valid", 400,
                          expected_params=SALES_PARAMS)
    stub.add_response("create_test_case", created("tc-closed"), CLOSED_PARAMS)
    assert push() == 1
    stub.assert_no_pending_responses()
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"failed     {SALES}: connect:CreateTestCase on test case '{SALES}' of instance {INSTANCE_ID} failed (AWS "
        "said: InvalidTestCaseException: Observation 'x' is not valid)",
        f"created    {CLOSED} (tc-closed)",
        f"1 test case(s) on instance {INSTANCE_ID} (PUBLISHED): 1 created, 0 updated, 0 unchanged, 1 failed",
    ]


def test_two_test_cases_of_one_name_on_the_instance_is_an_error_for_that_name(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": [summary("tc-1", SALES), summary("tc-2", SALES)]},
                      BASE)
    stub.add_response("create_test_case", created("tc-closed"), CLOSED_PARAMS)
    assert push() == 1
    assert (f"failed     {SALES}: instance {INSTANCE_ID} has 2 test cases named '{SALES}' (tc-1, tc-2): rename or "
            "delete all but one") in capsys.readouterr().out


def test_throttling_past_the_retries_says_so(
    project: Path, stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    # The Stubber answers after botocore's retries would have run: this is the last attempt's answer.
    stub, _ = stubbed
    stub.add_client_error("list_test_cases", "ThrottlingException", "Rate exceeded", 429, expected_params=BASE)
    assert push() == 2
    err = capsys.readouterr().err
    assert f"throttled by Amazon Connect: connect:ListTestCases on instance {INSTANCE_ID} still failed" in err
    assert "AWS_MAX_ATTEMPTS" in err


@pytest.mark.parametrize("fake_desk", [{"ListTestCases": 2, "CreateTestCase": 1}], indirect=True)
def test_throttling_is_retried_by_botocore_then_succeeds(
    project: Path, aws_env: None, fake_desk: FakeTestDesk, botocore_sleeps: list[float],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert push("--endpoint-url", fake_desk.url) == 0, capsys.readouterr().err
    assert fake_desk.requests == ["ListTestCases"] * 3 + ["CreateTestCase"] * 3
    assert len(botocore_sleeps) == 3  # a back-off before each retry
    assert sorted(c["Name"] for c in fake_desk.cases.values()) == [CLOSED, SALES]
    assert capsys.readouterr().out.splitlines()[:2] == [f"created    {SALES} (tc-1)", f"created    {CLOSED} (tc-2)"]


# scenarios that are not test cases ----------------------------------------------------------------


def test_scenarios_that_cannot_be_exported_are_listed_and_the_rest_pushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stubbed: tuple[Stubber, Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    task = "  - name: a task\n    flow: Help desk\n    channel: TASK\n"
    monkeypatch.chdir(desk_project(tmp_path, scenarios=SCENARIOS + task))
    (tmp_path / "test_copy.connectflow.yaml").write_text(SCENARIOS.split("  - name: caller hears")[0])
    (tmp_path / "test_broken.connectflow.yaml").write_text("scenarios: [unclosed\n")
    stub, _ = stubbed
    stub.add_response("list_test_cases", {"TestCaseSummaryList": []}, BASE)
    stub.add_response("create_test_case", created("tc-sales"), SALES_PARAMS)
    stub.add_response("create_test_case", created("tc-closed"), CLOSED_PARAMS)
    code = push(files=("test_desk.connectflow.yaml", "test_copy.connectflow.yaml", "test_broken.connectflow.yaml"))
    assert code == 1
    stub.assert_no_pending_responses()
    out, err = capsys.readouterr()
    assert ("test_desk.connectflow.yaml::a task: not a test case: the scenario runs on TASK; a test case starts a "
            "voice call (VOICE_CALL) or a chat (CHAT)") in err
    assert "connectflow push-tests: test_broken.connectflow.yaml:" in err
    # Two scenarios of one name would be one test case: the second is refused.
    assert (f"failed     {SALES}: test_desk.connectflow.yaml::{SALES} has the same test case name (names are unique "
            "on an instance): rename one, or push them with --prefix") in out
    assert out.splitlines()[-1].endswith("2 created, 0 updated, 0 unchanged, 1 failed; 2 scenario(s) or file(s) not "
                                         "exported")


def test_nothing_to_push_makes_no_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       stubbed: tuple[Stubber, Any], capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(desk_project(tmp_path, scenarios="scenarios:\n  - name: a task\n    flow: Help desk\n"
                                                       "    channel: TASK\n"))
    assert push() == 1
    assert "connectflow push-tests: no scenario to push" in capsys.readouterr().err


# the extra and botocore ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["push-tests", "cloud-run"])
def test_without_boto3_the_commands_name_the_extra(
    project: Path, aws_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # what `import boto3` meets without the extra
    assert main([command, "--instance-id", INSTANCE_ID, "test_desk.connectflow.yaml"]) == 2
    assert f"connectflow {command}: needs boto3, which comes with the aws extra: " \
           "pip install 'pytest-connectflow[aws]'" in capsys.readouterr().err


def test_a_botocore_without_the_test_case_api_is_named(
    project: Path, stubbed: tuple[Stubber, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(push_module, "TEST_CASE_OPERATIONS", (*push_module.TEST_CASE_OPERATIONS, "RunTheFuture"))
    assert push() == 2
    assert ("the installed botocore does not know Amazon Connect's test case API (RunTheFuture); upgrade it: pip "
            "install -U boto3 botocore") in capsys.readouterr().err
