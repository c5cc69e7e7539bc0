"""`connectflow pull` against a stubbed Amazon Connect instance: botocore's Stubber on a real
boto3 client (request shapes checked against the service model), and a small HTTP server on
127.0.0.1 where the retries and the endpoint settings need real requests. No network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

boto3 = pytest.importorskip("boto3")  # the aws extra (in the dev extra too)
pytest.register_assert_rewrite("awsdefs")  # a plugin of these tests (pytest_plugins below)
pytest_plugins = ("awsdefs",)  # its botocore_sleeps fixture

from awsdefs import JsonHandler, serving  # noqa: E402
from botocore.stub import Stubber  # noqa: E402

from pytest_connectflow.aws import client as aws_client  # noqa: E402
from pytest_connectflow.aws import pull as pull_module  # noqa: E402
from pytest_connectflow.aws.arguments import Connection  # noqa: E402
from pytest_connectflow.aws.pull import Fetched, file_names, instance_resources, slug  # noqa: E402
from pytest_connectflow.cli import main  # noqa: E402

REGION = "us-east-1"
ACCOUNT = "111122223333"
INSTANCE_ID = "a1b2c3d4-0000-4000-8000-000000000001"
INSTANCE_ARN = f"arn:aws:connect:{REGION}:{ACCOUNT}:instance/{INSTANCE_ID}"
MODIFIED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
LOOKUP_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:lookupCustomer"
BOT_ALIAS_ARN = f"arn:aws:lex:{REGION}:{ACCOUNT}:bot-alias/BOT0000001/ALIAS00001"


def action(ident: str, type_: str, params: dict[str, Any], next_action: str | None = None,
           conditions: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> dict[str, Any]:
    transitions: dict[str, Any] = {}
    if next_action is not None:
        transitions["NextAction"] = next_action
    if conditions:
        transitions["Conditions"] = [
            {"NextAction": target, "Condition": {"Operator": "Equals", "Operands": [value]}}
            for value, target in conditions.items()
        ]
    if errors:
        transitions["Errors"] = [{"NextAction": target, "ErrorType": kind} for kind, target in errors.items()]
    return {"Identifier": ident, "Type": type_, "Parameters": params, "Transitions": transitions}


def content(start: str, *actions: dict[str, Any], metadata: dict[str, Any] | None = None) -> str:
    """Flow-language JSON as Amazon Connect returns it in Content: one compact string."""
    doc: dict[str, Any] = {"Version": "2019-10-30", "StartAction": start, "Actions": list(actions)}
    if metadata:
        doc["Metadata"] = metadata
    return json.dumps(doc, separators=(",", ":"))


def flow(flow_id: str, name: str, type_: str, body: str, *, state: str = "ACTIVE") -> dict[str, Any]:
    return {
        "Arn": f"{INSTANCE_ARN}/contact-flow/{flow_id}", "Id": flow_id, "Name": name, "Type": type_,
        "State": state, "Status": "PUBLISHED", "Content": body, "Tags": {}, "LastModifiedTime": MODIFIED,
        "LastModifiedRegion": REGION,
    }


def module(module_id: str, name: str, body: str) -> dict[str, Any]:
    return {"Arn": f"{INSTANCE_ARN}/flow-module/{module_id}", "Id": module_id, "Name": name, "Content": body,
            "State": "ACTIVE", "Status": "PUBLISHED", "Tags": {}}


def queue(queue_id: str, name: str, hours_id: str) -> dict[str, Any]:
    return {"Name": name, "QueueArn": f"{INSTANCE_ARN}/queue/{queue_id}", "QueueId": queue_id,
            "HoursOfOperationId": hours_id, "Status": "ENABLED", "Tags": {}}


def weekdays(start: int, end: int) -> list[dict[str, Any]]:
    # Listed Friday first, as an API may: the file is written Monday first.
    return [{"Day": day, "StartTime": {"Hours": start, "Minutes": 0}, "EndTime": {"Hours": end, "Minutes": 0}}
            for day in ("FRIDAY", "THURSDAY", "WEDNESDAY", "TUESDAY", "MONDAY")]


def hours(hours_id: str, name: str, zone: str, config: list[dict[str, Any]]) -> dict[str, Any]:
    return {"HoursOfOperationId": hours_id, "HoursOfOperationArn": f"{INSTANCE_ARN}/operating-hours/{hours_id}",
            "Name": name, "TimeZone": zone, "Config": config, "Tags": {}}


MAIN_IVR = content(
    "Greet",
    action("Greet", "InvokeFlowModule", {"FlowModuleId": f"{INSTANCE_ARN}/flow-module/m-greeting"}, "Lookup",
           errors={"NoMatchingError": "Closed"}),
    action("Lookup", "InvokeFlowModule", {"FlowModuleId": f"{INSTANCE_ARN}/flow-module/m-lookup"}, "Set queue",
           errors={"NoMatchingError": "Closed"}),
    action("Set queue", "UpdateContactTargetQueue", {"QueueId": f"{INSTANCE_ARN}/queue/q-sales"}, "Check hours",
           errors={"NoMatchingError": "Closed"}),
    action("Check hours", "CheckHoursOfOperation", {}, None, conditions={"True": "To queue", "False": "Closed"},
           errors={"NoMatchingError": "Closed"}),
    action("To queue", "TransferContactToQueue", {}, None, errors={"QueueAtCapacity": "Closed",
                                                                   "NoMatchingError": "Closed"}),
    action("Closed", "MessageParticipant", {"Text": "We are closed."}, "Bye", errors={"NoMatchingError": "Bye"}),
    action("Bye", "DisconnectParticipant", {}),
)
CHAT_BOT = content(
    "Ask bot",
    action("Ask bot", "ConnectParticipantWithLexBot",
           {"Text": "How can I help?", "LexV2Bot": {"AliasArn": BOT_ALIAS_ARN}}, None,
           errors={"NoMatchingCondition": "End chat", "NoMatchingError": "End chat"}),
    action("End chat", "DisconnectParticipant", {}),
    metadata={"ActionMetadata": {"Ask bot": {"lexV2BotName": "OrderBot", "lexV2BotAliasName": "live"}}},
)
WHISPER = content(
    "Whisper", action("Whisper", "MessageParticipant", {"Text": "Sales call"}, "End whisper"),
    action("End whisper", "EndFlowExecution", {}),
)
GREETING = content(
    "Welcome", action("Welcome", "MessageParticipant", {"Text": "Welcome to Example Corp."}, "Greeting done"),
    action("Greeting done", "EndFlowModuleExecution", {}),
)
LOOKUP = content(
    "Look up customer",
    action("Look up customer", "InvokeLambdaFunction",
           {"LambdaFunctionARN": LOOKUP_ARN, "InvocationTimeLimitSeconds": "3"}, "Lookup done",
           errors={"NoMatchingError": "Lookup done"}),
    action("Lookup done", "EndFlowModuleExecution", {}),
)


@dataclass
class FakeInstance:
    """What the stubbed instance holds; `stub` queues the responses in the order a pull calls."""

    flows: list[dict[str, Any]] = field(default_factory=list)
    modules: list[dict[str, Any]] = field(default_factory=list)
    queues: list[dict[str, Any]] = field(default_factory=list)
    hours: list[dict[str, Any]] = field(default_factory=list)
    prompts: list[dict[str, Any]] = field(default_factory=list)
    lambdas: list[str] = field(default_factory=list)
    bots: list[str] = field(default_factory=list)
    unpublished: set[str] = field(default_factory=set)  # flow Ids DescribeContactFlow refuses

    def calls(self, *, types: list[str] | None = None, state: str = "ACTIVE", names: tuple[str, ...] = (),
              flow_page: int = 0) -> list[tuple[str, dict[str, Any], dict[str, Any] | tuple[str, int]]]:
        """(method, expected params, response or (error code, HTTP status)) in call order."""
        import fnmatch

        base = {"InstanceId": INSTANCE_ID}
        calls: list[tuple[str, dict[str, Any], dict[str, Any] | tuple[str, int]]] = []
        listed = [f for f in self.flows if not types or f["Type"] in types]
        summaries = [{"Id": f["Id"], "Arn": f["Arn"], "Name": f["Name"], "ContactFlowType": f["Type"],
                      "ContactFlowState": f["State"], "ContactFlowStatus": f["Status"]} for f in listed]
        pages = [summaries[i:i + flow_page] for i in range(0, len(summaries), flow_page)] if flow_page else [summaries]
        list_params = {**base, **({"ContactFlowTypes": types} if types else {})}
        for number, page in enumerate(pages):
            response: dict[str, Any] = {"ContactFlowSummaryList": page}
            if number + 1 < len(pages):
                response["NextToken"] = f"token-{number + 1}"
            params = {**list_params, **({"NextToken": f"token-{number}"} if number else {})}
            calls.append(("list_contact_flows", params, response))
        for f in listed:
            if f["State"] != state or (names and not any(fnmatch.fnmatchcase(f["Name"], g) for g in names)):
                continue
            answer: dict[str, Any] | tuple[str, int] = (
                ("ContactFlowNotPublishedException", 404) if f["Id"] in self.unpublished else {"ContactFlow": f}
            )
            calls.append(("describe_contact_flow", {**base, "ContactFlowId": f["Id"]}, answer))
        mods = [m for m in self.modules if m["State"] == state]
        calls.append(("list_contact_flow_modules", {**base, "ContactFlowModuleState": state},
                      {"ContactFlowModulesSummaryList": [{"Id": m["Id"], "Arn": m["Arn"], "Name": m["Name"],
                                                          "State": m["State"]} for m in mods]}))
        for m in mods:
            if names and not any(fnmatch.fnmatchcase(m["Name"], g) for g in names):
                continue
            calls.append(("describe_contact_flow_module", {**base, "ContactFlowModuleId": m["Id"]},
                          {"ContactFlowModule": m}))
        calls.append(("list_queues", {**base, "QueueTypes": ["STANDARD"]}, {"QueueSummaryList": [
            {"Id": q["QueueId"], "Arn": q["QueueArn"], "Name": q["Name"], "QueueType": "STANDARD"} for q in self.queues
        ]}))
        for q in self.queues:
            calls.append(("describe_queue", {**base, "QueueId": q["QueueId"]}, {"Queue": q}))
        calls.append(("list_hours_of_operations", base, {"HoursOfOperationSummaryList": [
            {"Id": h["HoursOfOperationId"], "Arn": h["HoursOfOperationArn"], "Name": h["Name"]} for h in self.hours
        ]}))
        for h in self.hours:
            calls.append(("describe_hours_of_operation", {**base, "HoursOfOperationId": h["HoursOfOperationId"]},
                          {"HoursOfOperation": h}))
        calls.append(("list_prompts", base, {"PromptSummaryList": self.prompts}))
        calls.append(("list_lambda_functions", base, {"LambdaFunctions": self.lambdas}))
        calls.append(("list_bots", {**base, "LexVersion": "V2"},
                      {"LexBots": [{"LexV2Bot": {"AliasArn": arn}} for arn in self.bots]}))
        return calls

    def stub(self, stubber: Stubber, *, fail: tuple[str, int, str, int] | None = None, **options: Any) -> None:
        """Queue the responses; `fail` = (method, nth call of it, error code, HTTP status) answers
        that call with an error, and the pull stops there."""
        seen: dict[str, int] = {}
        for method, params, answer in self.calls(**options):
            seen[method] = seen.get(method, 0) + 1
            if fail and fail[0] == method and fail[1] == seen[method]:
                stubber.add_client_error(method, fail[2], f"{fail[2]} (stubbed)", fail[3], expected_params=params)
                return
            if isinstance(answer, tuple):
                stubber.add_client_error(method, answer[0], "The flow has not been published.", answer[1],
                                         expected_params=params)
            else:
                stubber.add_response(method, answer, params)


def example_instance() -> FakeInstance:
    """3 flows, 2 modules, 2 queues sharing hours, prompts, a Lambda function and a Lex bot."""
    return FakeInstance(
        flows=[
            flow("f-main-0001", "Main IVR", "CONTACT_FLOW", MAIN_IVR),
            flow("f-chat-0002", "Chat bot", "CONTACT_FLOW", CHAT_BOT),
            flow("f-whisper-3", "Sales whisper", "AGENT_WHISPER", WHISPER),
        ],
        modules=[module("m-greeting", "Greeting", GREETING), module("m-lookup", "Lookup customer", LOOKUP)],
        queues=[queue("q-sales", "Sales", "h-office"), queue("q-support", "Support", "h-office")],
        hours=[hours("h-office", "Office hours", "America/New_York", weekdays(9, 17))],
        prompts=[{"Id": "p-music", "Arn": f"{INSTANCE_ARN}/prompt/p-music", "Name": "Hold music"}],
        lambdas=[LOOKUP_ARN],
        bots=[BOT_ALIAS_ARN],
    )


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dummy credentials and Region, no config files, no endpoint or retry settings from outside."""
    empty = tmp_path_factory.mktemp("aws-config")
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def stubber(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """A real Connect client made by our factory, stubbed, handed to every `connectflow pull`."""
    client = aws_client.connect_client(Connection(INSTANCE_ID, region=REGION))
    stub = Stubber(client)
    monkeypatch.setattr(aws_client, "connect_client", lambda connection: client)
    with stub:
        yield stub


def pull(to: Path, *extra: str) -> int:
    return main(["pull", "--instance-id", INSTANCE_ID, "--to", str(to), *extra])


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# the "done" check -----------------------------------------------------------------------------


def test_pulled_instance_validates_and_scenarios_run_against_it_by_name(
    stubber: Stubber, pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]
) -> None:
    example_instance().stub(stubber)
    connect = pytester.path / "connect"
    assert pull(connect) == 0
    stubber.assert_no_pending_responses()
    out = capsys.readouterr().out
    assert (f"pulled instance {INSTANCE_ID} into {connect}: 3 flows, 2 modules, 2 queues, 1 hours of operation, "
            "1 prompt, 1 Lambda function, 1 Lex bot") in out
    assert sorted(tree(connect)) == [
        "connect-instance.yaml", "flows/chat-bot.json", "flows/main-ivr.json", "flows/sales-whisper.json",
        "modules/greeting.json", "modules/lookup-customer.json",
    ]

    assert main(["validate", str(connect)]) == 0
    validated = capsys.readouterr().out
    assert validated.count(": ok") == 5, validated

    pytester.makeini("[pytest]\nconnectflow_flows = connect\nconnectflow_instance = connect/connect-instance.yaml\n")
    pytester.makefile(".connectflow.yaml", test_pulled=textwrap.dedent("""\
        scenarios:
          - name: in office hours the caller reaches sales
            flow: Main IVR
            clock: "2026-11-23T10:00:00-05:00"
            mocks: {lambdas: {lookupCustomer: {tier: gold}}}
            expect:
              path: [Greet, Welcome, Greeting done, Lookup, Look up customer, Lookup done, Set queue,
                     Check hours, To queue]
              branches: {Check hours: "True"}
              ended: transferred_to_queue
              queue: Sales
          - name: on Sunday the office is closed
            flow: f-main-0001
            clock: "2026-11-22T10:00:00-05:00"
            mocks: {lambdas: {lookupCustomer: {}}}
            expect:
              branches: {Check hours: "False"}
              ended: disconnected
          - name: the chat bot is the one ListBots named
            flow: Chat bot
            channel: CHAT
            inputs: ["I want to order"]
            mocks: {lex: {OrderBot: {intent: OrderPizza}}}
            expect: {ended: disconnected}
        """))
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)


def test_files_are_describe_responses_written_deterministically(stubber: Stubber, tmp_path: Path) -> None:
    example_instance().stub(stubber)
    assert pull(tmp_path) == 0
    text = (tmp_path / "flows" / "main-ivr.json").read_text("utf-8")
    doc = json.loads(text)
    assert text == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    wrapper = doc["ContactFlow"]
    assert wrapper["Content"] == MAIN_IVR  # the exact string Connect returned, not re-serialised
    assert wrapper["Type"] == "CONTACT_FLOW" and wrapper["Id"] == "f-main-0001"
    assert wrapper["LastModifiedTime"] == "2026-11-02T09:30:00+00:00"
    assert "ResponseMetadata" not in doc
    assert set(json.loads((tmp_path / "modules" / "greeting.json").read_text("utf-8"))) == {"ContactFlowModule"}


def test_instance_resources_file_follows_the_instance_schema(stubber: Stubber, tmp_path: Path) -> None:
    example_instance().stub(stubber)
    assert pull(tmp_path) == 0
    text = (tmp_path / "connect-instance.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert data == {
        "arn": INSTANCE_ARN,
        "queues": {
            "Sales": {"arn": f"{INSTANCE_ARN}/queue/q-sales", "id": "q-sales", "hours": "Office hours"},
            "Support": {"arn": f"{INSTANCE_ARN}/queue/q-support", "id": "q-support", "hours": "Office hours"},
        },
        "hours": {"Office hours": {
            "arn": f"{INSTANCE_ARN}/operating-hours/h-office", "id": "h-office", "time_zone": "America/New_York",
            "config": list(reversed(weekdays(9, 17))),  # Monday first
        }},
        "prompts": {"Hold music": {"arn": f"{INSTANCE_ARN}/prompt/p-music", "id": "p-music"}},
        "lambdas": {"lookupCustomer": {"arn": LOOKUP_ARN}},
        "lex_bots": {"OrderBot": {"arn": f"arn:aws:lex:{REGION}:{ACCOUNT}:bot/BOT0000001",
                                  "alias_arn": BOT_ALIAS_ARN}},
    }
    from pytest_connectflow.session import load_instance_file

    assert load_instance_file(tmp_path / "connect-instance.yaml") == data  # the schema check passes


# pagination, filters, names -----------------------------------------------------------------


def test_flow_lists_are_followed_across_pages(stubber: Stubber, tmp_path: Path) -> None:
    instance = example_instance()
    instance.stub(stubber, flow_page=2)  # 2 pages of ListContactFlows, the second asked with NextToken
    assert pull(tmp_path) == 0
    stubber.assert_no_pending_responses()
    assert (tmp_path / "flows" / "sales-whisper.json").is_file()  # listed on the second page


def test_type_state_and_name_filters(stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    instance = example_instance()
    instance.flows.append(flow("f-old-000004", "Main IVR (old)", "CONTACT_FLOW", MAIN_IVR, state="ARCHIVED"))
    # ListContactFlows asked for the types; ARCHIVED flows and names the glob misses are not described.
    instance.stub(stubber, types=["CONTACT_FLOW"], names=("Main*", "Greet*"))
    assert pull(tmp_path, "--type", "CONTACT_FLOW", "--name", "Main*", "--name", "Greet*") == 0
    assert sorted(p for p in tree(tmp_path) if p != "connect-instance.yaml") == [
        "flows/main-ivr.json", "modules/greeting.json"]
    capsys.readouterr()
    instance.stub(stubber, types=["CONTACT_FLOW"], state="ARCHIVED")
    archived = tmp_path / "archived"
    assert pull(archived, "--type", "CONTACT_FLOW", "--state", "ARCHIVED") == 0
    assert [p for p in tree(archived) if p.startswith("flows/")] == ["flows/main-ivr-old.json"]


def test_flows_sharing_a_slug_get_an_id_suffix_all_of_them() -> None:
    items = [{"Name": "Main IVR", "Id": "aaaaaaaa-1"}, {"Name": "main  ivr!", "Id": "bbbbbbbb-2"},
             {"Name": "Queue", "Id": "cccccccc-3"}]
    assert list(file_names("flows", items)) == [
        "flows/main-ivr-aaaaaaaa.json", "flows/main-ivr-bbbbbbbb.json", "flows/queue.json"]
    assert slug("Über Öffnungszeiten / Hauptmenü") == "über-öffnungszeiten-hauptmenü"
    assert slug("受付フロー") == "受付フロー"
    assert slug("***") == "flow"


def test_resource_names_shared_by_two_resources_get_their_id() -> None:
    fetched = Fetched(
        INSTANCE_ID,
        queues=(queue("q-1", "Sales", "h-x"), queue("q-2", "Sales", "h-x")),
        lambdas=(LOOKUP_ARN, f"{LOOKUP_ARN}:prod"),
        lex_aliases=(BOT_ALIAS_ARN,),
    )
    resources = instance_resources(fetched)
    assert sorted(resources["queues"]) == ["Sales (q-1)", "Sales (q-2)"]
    assert resources["queues"]["Sales (q-1)"]["hours"] == "h-x"  # hours not on the instance: its Id
    assert sorted(resources["lambdas"]) == [f"lookupCustomer ({LOOKUP_ARN})", f"lookupCustomer ({LOOKUP_ARN}:prod)"]
    # No flow names the bot in its metadata: the bot Id names it, as the simulator's fallback does.
    assert resources["lex_bots"] == {"BOT0000001": {"arn": f"arn:aws:lex:{REGION}:{ACCOUNT}:bot/BOT0000001",
                                                    "alias_arn": BOT_ALIAS_ARN}}
    assert resources["arn"] == INSTANCE_ARN


def test_never_published_flow_is_skipped_with_a_note(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = example_instance()
    instance.unpublished.add("f-whisper-3")
    instance.stub(stubber)
    assert pull(tmp_path) == 0
    assert "note: skipped flow 'Sales whisper' (f-whisper-3): never published" in capsys.readouterr().out
    assert not (tmp_path / "flows" / "sales-whisper.json").exists()


# failures -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "nth", "action"), [
    ("list_contact_flows", 1, "connect:ListContactFlows"),
    ("describe_contact_flow", 2, "connect:DescribeContactFlow"),
    ("describe_contact_flow_module", 1, "connect:DescribeContactFlowModule"),
    ("list_queues", 1, "connect:ListQueues"),
    ("describe_hours_of_operation", 1, "connect:DescribeHoursOfOperation"),
    ("list_bots", 1, "connect:ListBots"),
])
def test_access_denied_names_the_iam_action_and_writes_nothing(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, nth: int, action: str
) -> None:
    example_instance().stub(stubber, fail=(method, nth, "AccessDeniedException", 403))
    assert pull(tmp_path / "out") == 2
    captured = capsys.readouterr()
    assert f"access denied: the identity in use may not call {action} on " in captured.err
    assert f"Allow the IAM action {action}; docs/aws.md lists the IAM policy" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "out").exists()


def test_unknown_instance_is_reported_as_not_found(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example_instance().stub(stubber, fail=("list_contact_flows", 1, "ResourceNotFoundException", 404))
    assert pull(tmp_path) == 2
    err = capsys.readouterr().err
    assert f"not found: instance {INSTANCE_ID} (connect:ListContactFlows" in err
    assert "check --instance-id and the Region" in err


def test_failure_after_some_flows_were_fetched_leaves_the_folder_as_it_was(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = example_instance()
    instance.stub(stubber)
    assert pull(tmp_path) == 0
    before = tree(tmp_path)
    # The instance changed since; the second DescribeContactFlow fails (after the first was fetched).
    instance.flows[0]["Content"] = MAIN_IVR.replace("We are closed.", "Sorry, we are closed.")
    instance.flows.append(flow("f-new-000005", "New flow", "CONTACT_FLOW", WHISPER))
    instance.stub(stubber, fail=("describe_contact_flow", 2, "InternalServiceException", 500))
    assert pull(tmp_path) == 2
    assert "connect:DescribeContactFlow on flow 'Chat bot' (f-chat-0002)" in capsys.readouterr().err
    assert tree(tmp_path) == before  # no file changed, none added, no temporary file left


def test_failure_while_writing_leaves_no_file_changed(
    stubber: Stubber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = example_instance()
    instance.stub(stubber)
    assert pull(tmp_path) == 0
    before = tree(tmp_path)
    real_stage = pull_module._stage
    staged: list[Path] = []

    def stage_then_fail(target: Path, text: str) -> Path:
        if len(staged) == 2:  # the disk fills up at the third file
            raise OSError(28, "No space left on device", str(target))
        staged.append(real_stage(target, text))
        return staged[-1]

    monkeypatch.setattr(pull_module, "_stage", stage_then_fail)
    for f in instance.flows:
        f["Content"] = f["Content"].replace("2019-10-30", "2019-10-30 ")  # every flow changed
    instance.stub(stubber)
    assert pull(tmp_path) == 2
    assert "No space left on device; nothing was written" in capsys.readouterr().err
    assert len(staged) == 2 and not any(p.exists() for p in staged)
    assert tree(tmp_path) == before


def test_flow_whose_content_does_not_parse_is_written_and_reported(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = example_instance()
    instance.flows[1]["Content"] = '{"Version": "2019-10-30", "Actions": [}'
    instance.stub(stubber)
    assert pull(tmp_path) == 1
    err = capsys.readouterr().err
    broken = tmp_path / "flows" / "chat-bot.json"
    assert f"error: {broken}: /ContactFlow/Content is not valid JSON" in err
    assert "written anyway; `connectflow validate` names it" in err
    assert json.loads(broken.read_text("utf-8"))["ContactFlow"]["Content"] == instance.flows[1]["Content"]
    assert (tmp_path / "flows" / "main-ivr.json").is_file()
    assert main(["validate", str(tmp_path)]) == 1
    assert f"{broken}: /ContactFlow/Content is not valid JSON" in capsys.readouterr().out


def test_throttling_past_the_retries_says_so(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The Stubber answers before botocore's retry handler runs, so this is the answer after the
    # last attempt; the retries themselves are exercised over HTTP below.
    example_instance().stub(stubber, fail=("list_prompts", 1, "ThrottlingException", 400))
    assert pull(tmp_path) == 2
    err = capsys.readouterr().err
    assert "throttled by Amazon Connect: connect:ListPrompts" in err and "AWS_MAX_ATTEMPTS" in err


def test_existing_instance_file_that_is_not_yaml_stops_the_pull_before_any_call(
    aws_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "connect-instance.yaml").write_text("queues: [unclosed\n")
    assert pull(tmp_path) == 2
    assert f"{tmp_path / 'connect-instance.yaml'}:2: not valid YAML" in capsys.readouterr().err


# --check and later pulls ----------------------------------------------------------------------


def test_check_reports_added_changed_and_removed_files_without_writing(
    stubber: Stubber, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = example_instance()
    instance.stub(stubber)
    assert pull(tmp_path) == 0
    capsys.readouterr()

    instance.stub(stubber)
    assert pull(tmp_path, "--check") == 0
    assert f"{tmp_path} is up to date with instance {INSTANCE_ID}" in capsys.readouterr().out

    before = tree(tmp_path)
    instance.flows[0]["Content"] = MAIN_IVR.replace("We are closed.", "Sorry, we are closed.")
    instance.flows.append(flow("f-new-000005", "After hours", "CONTACT_FLOW", WHISPER))
    del instance.modules[1]
    instance.stub(stubber)
    assert pull(tmp_path, "--check") == 1
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == [
        "  added    flows/after-hours.json",
        "  changed  flows/main-ivr.json",
        "  removed  modules/lookup-customer.json",
        "3 files differ; run without --check to write them",
    ]
    assert tree(tmp_path) == before

    instance.stub(stubber)
    assert pull(tmp_path) == 0
    assert not (tmp_path / "modules" / "lookup-customer.json").exists()
    assert "Sorry, we are closed." in (tmp_path / "flows" / "main-ivr.json").read_text("utf-8")
    instance.stub(stubber)
    assert pull(tmp_path, "--check") == 0


def test_pull_removes_only_files_of_this_instance_that_the_filters_take(
    stubber: Stubber, tmp_path: Path
) -> None:
    flows = tmp_path / "flows"
    flows.mkdir()
    other = {"ContactFlow": {"Arn": "arn:aws:connect:us-east-1:111122223333:instance/other/contact-flow/x",
                             "Name": "Other", "Content": WHISPER}}
    (flows / "other-instance.json").write_text(json.dumps(other))
    gone = {"ContactFlow": {**flow("f-gone-00006", "Gone", "CONTACT_FLOW", WHISPER), "LastModifiedTime": "x"}}
    (flows / "gone.json").write_text(json.dumps(gone))
    queue_flow = {"ContactFlow": {**flow("f-queue-0007", "Queue music", "CUSTOMER_QUEUE", WHISPER),
                                  "LastModifiedTime": "x"}}
    (flows / "queue-music.json").write_text(json.dumps(queue_flow))
    (flows / "handwritten.json").write_text(WHISPER)
    example_instance().stub(stubber, types=["CONTACT_FLOW"])
    assert pull(tmp_path, "--type", "CONTACT_FLOW") == 0
    left = sorted(p.name for p in flows.iterdir())
    # gone.json was this instance's CONTACT_FLOW; the queue flow is outside --type; the others
    # are not describe files of this instance.
    assert left == ["chat-bot.json", "handwritten.json", "main-ivr.json", "other-instance.json", "queue-music.json"]


def test_pull_keeps_what_the_user_added_to_the_instance_file(stubber: Stubber, tmp_path: Path) -> None:
    (tmp_path / "connect-instance.yaml").write_text(textwrap.dedent("""\
        live_media_streaming: false
        default_flows: {customer_queue: Queue music}
        prompts:
          Hold music: {arn: old, duration: 30}
          Deleted prompt: {arn: gone}
        hours:
          Office hours:
            overrides: [{name: Thanksgiving, from: "2026-11-26", closed: true}]
        queues:
          Old queue: {arn: gone}
        """))
    example_instance().stub(stubber)
    assert pull(tmp_path) == 0
    data = yaml.safe_load((tmp_path / "connect-instance.yaml").read_text("utf-8"))
    assert data["live_media_streaming"] is False
    assert data["default_flows"] == {"customer_queue": "Queue music"}
    assert data["prompts"] == {"Hold music": {"arn": f"{INSTANCE_ARN}/prompt/p-music", "id": "p-music",
                                              "duration": 30}}
    assert data["hours"]["Office hours"]["overrides"] == [{"name": "Thanksgiving", "from": "2026-11-26",
                                                          "closed": True}]
    assert set(data["queues"]) == {"Sales", "Support"}


def test_instance_arn_gives_the_region(stubber: Stubber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Connection] = []
    stubbed = aws_client.connect_client
    monkeypatch.setattr(aws_client, "connect_client", lambda c: seen.append(c) or stubbed(c))
    example_instance().stub(stubber)
    assert main(["pull", "--instance-id", f"arn:aws:connect:eu-west-2:{ACCOUNT}:instance/{INSTANCE_ID}",
                 "--to", str(tmp_path), "--profile", "ops"]) == 0
    assert seen == [Connection(INSTANCE_ID, region="eu-west-2", profile="ops")]


# the client: Region, profile, endpoint, retries, credentials ----------------------------------


def test_client_has_standard_retries_region_and_endpoint(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    client = aws_client.connect_client(Connection(INSTANCE_ID, region="eu-central-1"))
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.endpoint_url == "https://connect.eu-central-1.amazonaws.com"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": aws_client.DEFAULT_MAX_ATTEMPTS}
    explicit = aws_client.connect_client(Connection(INSTANCE_ID, endpoint_url="http://127.0.0.1:4566"))
    assert explicit.meta.endpoint_url == "http://127.0.0.1:4566"
    # boto3 honours the standard endpoint variables itself when no --endpoint-url is given.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:4510")
    assert aws_client.connect_client(Connection(INSTANCE_ID)).meta.endpoint_url == "http://127.0.0.1:4510"
    monkeypatch.setenv("AWS_ENDPOINT_URL_CONNECT", "http://127.0.0.1:4520")
    assert aws_client.connect_client(Connection(INSTANCE_ID)).meta.endpoint_url == "http://127.0.0.1:4520"
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "4")
    assert aws_client.connect_client(Connection(INSTANCE_ID)).meta.config.retries == {
        "mode": "standard", "total_max_attempts": 4}


def test_profile_region_and_missing_profile(
    aws_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile ops]\nregion = ap-southeast-2\nmax_attempts = 6\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    client = aws_client.connect_client(Connection(INSTANCE_ID, profile="ops"))
    assert client.meta.region_name == "ap-southeast-2"
    assert client.meta.config.retries == {"mode": "standard", "total_max_attempts": 6}
    assert pull(tmp_path / "out", "--profile", "nobody") == 2
    err = capsys.readouterr().err
    assert "the profile 'nobody' is not in the AWS config files" in err and "Traceback" not in err


def test_no_region_and_no_credentials_are_clear_errors(
    aws_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    assert pull(tmp_path) == 2
    assert "no AWS Region: give --region" in capsys.readouterr().err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert pull(tmp_path, "--region", REGION, "--endpoint-url", "http://127.0.0.1:9") == 2
    err = capsys.readouterr().err
    assert "no AWS credentials found calling connect:ListContactFlows" in err and "Traceback" not in err


def test_without_boto3_pull_names_the_extra(
    aws_env: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)  # what `import boto3` meets without the extra
    assert pull(tmp_path) == 2
    assert "pip install 'pytest-connectflow[aws]'" in capsys.readouterr().err


def test_core_plugin_and_offline_commands_never_import_boto3(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "flows").mkdir(parents=True)
    (project / "flows" / "whisper.json").write_text(WHISPER)
    (project / "test_w.connectflow.yaml").write_text(
        "flows: flows\nscenarios:\n  - name: whispers\n    flow: whisper\n    channel: VOICE\n"
        "    expect: {ended: disconnected}\n")
    script = textwrap.dedent(f"""\
        import sys
        import pytest
        import pytest_connectflow, pytest_connectflow.plugin, pytest_connectflow.cli
        code = pytest.main(["-q", "-p", "no:cacheprovider", {str(project)!r}])
        assert code == 0, code
        assert pytest_connectflow.cli.main(["validate", {str(project / "flows")!r}]) == 0
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore"))
        print("AWS MODULES:", loaded)
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=project,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AWS MODULES: []" in result.stdout


# real requests over HTTP: retries and the endpoint variables ----------------------------------


class FakeConnect(ThreadingHTTPServer):
    """Amazon Connect's REST API for a one-flow instance, on 127.0.0.1; the first `throttle`
    requests to ListContactFlows answer ThrottlingException (HTTP 429)."""

    def __init__(self, throttle: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.throttle = throttle
        self.requests: list[str] = []


class _Handler(JsonHandler):
    server: FakeConnect

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        self.server.requests.append(url.path)
        answers: dict[str, dict[str, Any]] = {
            "contact-flow-modules-summary": {"ContactFlowModulesSummaryList": []},
            "queues-summary": {"QueueSummaryList": []},
            "hours-of-operations-summary": {"HoursOfOperationSummaryList": []},
            "prompts-summary": {"PromptSummaryList": []},
        }
        whisper = flow("f-whisper-3", "Sales whisper", "AGENT_WHISPER", WHISPER)
        whisper["LastModifiedTime"] = MODIFIED.timestamp()
        if parts[0] == "contact-flows-summary":
            if self.server.throttle > 0:
                self.server.throttle -= 1
                self._send(429, {"Message": "Rate exceeded"}, error="ThrottlingException")
                return
            assert parse_qs(url.query) == {}
            self._send(200, {"ContactFlowSummaryList": [{"Id": "f-whisper-3", "Name": "Sales whisper",
                                                         "ContactFlowType": "AGENT_WHISPER",
                                                         "ContactFlowState": "ACTIVE"}]})
        elif parts[0] == "contact-flows":
            self._send(200, {"ContactFlow": whisper})
        elif parts[0] in answers:
            self._send(200, answers[parts[0]])
        elif parts[-1] == "lambda-functions":
            self._send(200, {"LambdaFunctions": []})
        elif parts[-1] == "bots":
            self._send(200, {"LexBots": []})
        else:
            self._send(404, {"Message": f"no route {url.path}"}, error="ResourceNotFoundException")


@pytest.fixture
def fake_connect(request: pytest.FixtureRequest) -> Iterator[FakeConnect]:
    with serving(FakeConnect(throttle=getattr(request, "param", 0))) as server:
        yield server


@pytest.mark.parametrize("fake_connect", [2], indirect=True)
def test_throttling_is_retried_with_backoff_then_succeeds(
    aws_env: None, fake_connect: FakeConnect, botocore_sleeps: list[float], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The endpoint from the standard variable, as every boto3 tool reads it.
    monkeypatch.setenv("AWS_ENDPOINT_URL_CONNECT", f"http://127.0.0.1:{fake_connect.server_port}")
    assert pull(tmp_path) == 0, capsys.readouterr().err
    listed = [p for p in fake_connect.requests if p.startswith("/contact-flows-summary/")]
    assert len(listed) == 3  # two throttled, then the answer
    assert len(botocore_sleeps) == 2  # a back-off before each retry
    assert (tmp_path / "flows" / "sales-whisper.json").is_file()


@pytest.mark.parametrize("fake_connect", [100], indirect=True)
def test_throttling_gives_up_after_the_attempts_allowed(
    aws_env: None, fake_connect: FakeConnect, botocore_sleeps: list[float], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "3")
    code = pull(tmp_path, "--endpoint-url", f"http://127.0.0.1:{fake_connect.server_port}")
    assert code == 2
    assert len(fake_connect.requests) == 3
    err = capsys.readouterr().err
    assert "throttled by Amazon Connect: connect:ListContactFlows on instance" in err
    assert "still failed after 3 attempts (AWS said: ThrottlingException: Rate exceeded)" in err
    assert not tmp_path.joinpath("flows").exists()
