"""Reading Amazon Connect test cases: the shapes teams keep them in, and clear errors with the
JSON pointer of what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from nativedefs import (
    DESK_ID,
    LOOKUP_ARN,
    SALES_ARN,
    check,
    content,
    create_request,
    desk_project,
    dtmf,
    end_test,
    happy_path,
    initiated,
    log_data,
    message,
    mock_hours,
    mock_lambda,
    observation,
    started,
    write_case,
)

from pytest_connectflow.native import read_test_case_file
from pytest_connectflow.native.model import Assert, EndTest, LogData, Override, SendInstruction


def read_one(tmp_path: Path, document: object, name: str = "case.testcase.json"):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    loaded = read_test_case_file(path, name)
    assert loaded.error is None, loaded.error
    return loaded


# Shapes ------------------------------------------------------------------------------------------

def test_a_create_test_case_request_reads_content_entry_point_and_initialization_data(tmp_path: Path) -> None:
    loaded = read_one(tmp_path, create_request(happy_path(), name="sales", attributes={"lang": "en", "n": 1}))
    [case] = loaded.cases
    assert case.error is None
    assert (case.name, case.shape, case.version) == ("sales", "create-test-case", "2019-10-30")
    assert case.entry_point is not None
    assert (case.entry_point.type, case.entry_point.channel, case.entry_point.flow_id) == ("VOICE_CALL", "VOICE",
                                                                                         DESK_ID)
    assert case.attributes == {"lang": "en", "n": "1"}  # every value Connect sees is a string
    assert [o.identifier for o in case.observations] == ["start", "menu", "queued"]
    start, menu, queued = case.observations
    assert [type(a) for a in start.actions] == [Override, Override, Override]
    assert start.actions[0].resource == LOOKUP_ARN and start.actions[0].loaded_data == {"tier": "gold"}
    assert start.next_observations == ("menu",)
    assert menu.event.matching == "Similarity" and menu.actions == (SendInstruction("press", menu.actions[0].pointer,
                                                                                   "DtmfInput", "1"),)
    assert queued.event.action_type == "TransferContactToQueue"
    assert queued.event.action_parameters == {"QueueId": SALES_ARN}
    assert [type(a) for a in queued.actions] == [Assert, EndTest]


def test_a_describe_test_case_response(tmp_path: Path) -> None:
    described = {"TestCase": {"Arn": "arn:aws:connect:us-east-1:111122223333:instance/i-1/test-case/tc-1",
                              "Id": "tc-1", "Name": "from the console", "Content": json.dumps(happy_path()),
                              "EntryPoint": {"Type": "CHAT", "ChatEntryPointParameters": {"FlowId": DESK_ID}},
                              "Status": "PUBLISHED", "LastModifiedTime": "2026-01-23T10:00:00Z"}}
    [case] = read_one(tmp_path, described).cases
    assert (case.name, case.shape, case.pointer) == ("from the console", "describe-test-case", "/TestCase")
    assert case.entry_point is not None and case.entry_point.channel == "CHAT"
    assert case.attributes == {}


def test_bare_content_is_named_by_its_file_and_takes_the_console_metadata(tmp_path: Path) -> None:
    body = happy_path()
    [case] = read_one(tmp_path, body, "welcome.testcase.json").cases
    assert (case.name, case.shape, case.entry_point) == ("welcome", "content", None)
    # The console keeps the entry point and the data in Metadata.
    body["Metadata"] = {"entryPoint": {"Type": "VOICE_CALL", "ChatEntryPointParameters": None,
                                       "VoiceCallEntryPointParameters": {"FlowId": DESK_ID,
                                                                         "SourcePhoneNumber": None}},
                        "initializationData": json.dumps({"Attributes": {"vip": "yes"}})}
    [case] = read_one(tmp_path, body, "welcome.testcase.json").cases
    assert case.entry_point is not None and case.entry_point.flow_id == DESK_ID
    assert case.attributes == {"vip": "yes"}


def test_a_cloudformation_template_gives_one_test_case_per_resource(tmp_path: Path) -> None:
    flow = {"Type": "AWS::Connect::ContactFlow", "Properties": {"Name": "Help desk", "Type": "CONTACT_FLOW",
                                                                "InstanceArn": "arn:x", "Content": "{}"}}
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "Desk": flow,
        "SalesTest": {"Type": "AWS::Connect::TestCase", "Properties": {
            "Name": "sales", "InstanceArn": "arn:x", "Content": json.dumps(happy_path()),
            "EntryPoint": {"Type": "VOICE_CALL",
                           "VoiceCallEntryPointParameters": {"FlowId": {"Fn::GetAtt": ["Desk", "ContactFlowArn"]}}}}},
        "ClosedTest": {"Type": "AWS::Connect::TestCase", "Properties": {
            "InstanceArn": "arn:x", "Content": {"Fn::ToJsonString": happy_path()},
            "EntryPoint": {"Type": "VOICE_CALL", "VoiceCallEntryPointParameters": {"FlowId": {"Ref": "Desk"}}},
            "InitializationData": {"Fn::Sub": '{"Attributes": {"region": "${AWS::Region}"}}'}}},
    }}
    loaded = read_one(tmp_path, template, "stack.testcase.json")
    sales, closed = loaded.cases
    assert (sales.name, sales.shape, sales.pointer) == ("sales", "cloudformation", "/Resources/SalesTest")
    # A reference to a flow of the same template names that flow.
    assert sales.entry_point is not None and sales.entry_point.flow_id == "Help desk"
    assert closed.name == "ClosedTest" and closed.error is None
    assert closed.entry_point is not None and closed.entry_point.flow_id == "Help desk"
    assert closed.attributes == {"region": "us-east-1"}


def test_a_yaml_cloudformation_template(tmp_path: Path) -> None:
    yaml_text = f"""
Resources:
  Desk:
    Type: AWS::Connect::ContactFlow
    Properties: {{Name: Help desk, InstanceArn: arn:x, Type: CONTACT_FLOW, Content: "{{}}"}}
  SalesTest:
    Type: AWS::Connect::TestCase
    Properties:
      Name: sales in yaml
      InstanceArn: arn:x
      EntryPoint:
        VoiceCallEntryPointParameters:
          FlowId: !GetAtt Desk.ContactFlowArn
      Content: !ToJsonString {json.dumps(happy_path())}
"""
    [case] = read_one(tmp_path, yaml_text, "stack.yaml").cases
    assert case.error is None, case.error
    assert case.name == "sales in yaml" and case.entry_point is not None
    assert case.entry_point.flow_id == "Help desk" and len(case.observations) == 3


def test_a_list_of_test_cases_and_both_versions(tmp_path: Path) -> None:
    second = happy_path()
    second["Version"] = "2025-06-21"
    loaded = read_one(tmp_path, [create_request(happy_path(), name="one"), create_request(second, name="two")])
    assert [(c.name, c.pointer, c.version) for c in loaded.cases] == [("one", "/0", "2019-10-30"),
                                                                       ("two", "/1", "2025-06-21")]


def test_the_documentation_spellings_are_read(tmp_path: Path) -> None:
    """MatchingCriteria beside Properties as a string (the example page), "InvokeLambdaFunction "
    with a space (the events page), Usage EXACTLY/ANY, NextActions (the API reference's prose)."""
    body = content(
        observation("start", initiated(), then=("welcome",)),
        {"Identifier": "welcome", "Usage": {"Type": "EXACTLY"}, "Actions": [],
         "Event": {"Identifier": "x", "Type": "MessageReceived", "Actor": "System",
                   "Properties": {"Text": "Welcome"}, "MatchingCriteria": "Inclusion"},
         "Transitions": {"NextActions": ["lookup"]}},
        {"Identifier": "lookup", "Usage": {"Type": "ANY"}, "Actions": [],
         "Event": {"Type": "FlowActionStarted", "Properties": {"ActionType": "InvokeLambdaFunction ",
                                                               "ActionParameters": {"LambdaFunctionARN": "x"}}}},
    )
    [case] = read_one(tmp_path, body).cases
    assert case.error is None, case.error
    _, welcome, lookup = case.observations
    assert welcome.event.matching == "Inclusion" and welcome.next_observations == ("lookup",)
    assert welcome.usage.type == "Exactly" and lookup.usage.type == "Always"
    assert lookup.event.action_type == "InvokeLambdaFunction"


def test_actions_run_along_next_action(tmp_path: Path) -> None:
    first, second, third = end_test("c"), log_data("a", x="$.Channel"), check("$.Channel", "Exists", ident="b")
    second["Transitions"] = {"NextAction": "b"}
    third["Transitions"] = {"NextAction": "c"}
    [case] = read_one(tmp_path, content(observation("o", initiated(), first, second, third))).cases
    assert [a.identifier for a in case.observations[0].actions] == ["a", "b", "c"]
    assert isinstance(case.observations[0].actions[0], LogData)


# Errors ------------------------------------------------------------------------------------------

def first_error(tmp_path: Path, document: object, name: str = "bad.testcase.json") -> str:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    loaded = read_test_case_file(path, name)
    if loaded.error is not None:
        return str(loaded.error)
    errors = [str(c.error) for c in loaded.cases if c.error is not None]
    assert errors, "expected an error"
    return errors[0]


def test_malformed_json_names_the_line_and_column(tmp_path: Path) -> None:
    assert first_error(tmp_path, '{"Version": "2019-10-30",\n  "Observations": [,]}') == \
        "bad.testcase.json:2:20: not valid JSON: Expecting value"


def test_a_content_string_that_is_not_json_names_its_pointer(tmp_path: Path) -> None:
    request = create_request(happy_path())
    request["Content"] = '{"Version": "2019-10-30", "Observations": ['
    assert first_error(tmp_path, request) == (
        "bad.testcase.json#/Content: Content is not valid JSON: Expecting value (line 1, column 44 of the Content "
        "string)")


@pytest.mark.parametrize(("change", "expected"), [
    (lambda b: b["Observations"][1]["Event"].__setitem__("Type", "MessageRecieved"),
     "#/Content » /Observations/1/Event/Type: unknown event type 'MessageRecieved' (did you mean "
     "'MessageReceived'?); the Testing language has TestInitiated, MessageReceived, FlowActionStarted, "
     "TestCompleted"),
    (lambda b: b["Observations"][0]["Transitions"].__setitem__("NextObservations", ["menue"]),
     "#/Content » /Observations/0/Transitions/NextObservations/0: NextObservations names 'menue', which is no "
     "observation (did you mean 'menu'?)"),
    (lambda b: b["Observations"][2]["Actions"][0]["Parameters"].pop("Operand"),
     "#/Content » /Observations/2/Actions/0/Parameters: Operator Equals needs an Operand (only Exists takes none)"),
    (lambda b: b["Observations"][2]["Actions"][0]["Parameters"].__setitem__("Operator", "Equal"),
     "#/Content » /Observations/2/Actions/0/Parameters/Operator: unknown Operator 'Equal' (did you mean "
     "'Equals'?); Assert takes Equals, TextStartsWith, TextEndsWith, TextContains, NumberGreaterThan, "
     "NumberGreaterOrEqualTo, NumberLessThan, NumberLessOrEqualTo, Exists"),
    (lambda b: b["Observations"][1]["Actions"][0]["Parameters"]["Instruction"]["Properties"].__setitem__(
        "Value", "1a"),
     "#/Content » /Observations/1/Actions/0/Parameters/Instruction/Properties/Value: DTMF Value '1a' holds a key "
     "that is not 0-9, * or #"),
    (lambda b: b["Observations"][0]["Actions"][1]["Parameters"]["Behavior"]["Properties"]["Strategy"]["Response"][
        "ExecutionResult"].__setitem__("Value", "Open"),
     "#/Content » /Observations/0/Actions/1/Parameters/Behavior/Properties/Strategy/Response/ExecutionResult/Value: "
     "an hours check answers InHours or OutOfHours, not 'Open'"),
    (lambda b: b["Observations"][0]["Actions"][0]["Parameters"]["Behavior"]["Properties"]["Strategy"]["Response"][
        "ExecutionResult"].__setitem__("LoadedData", "{tier: gold}"),
     "#/Content » /Observations/0/Actions/0/Parameters/Behavior/Properties/Strategy/Response/ExecutionResult/"
     "LoadedData: LoadedData is not serialized JSON: Expecting property name enclosed in double quotes"),
    (lambda b: b["Observations"][1].__setitem__("Identifier", "start"),
     "#/Content » /Observations/1/Identifier: duplicate observation Identifier 'start' (first at /Observations/0)"),
    (lambda b: b["Observations"][2]["Actions"].append(end_test()),
     "#/Content » /Observations/2/Actions/2/Identifier: duplicate action Identifier 'end' (first at "
     "/Observations/2/Actions/1)"),
    (lambda b: b["Observations"][1].__setitem__("Evnt", {}),
     "#/Content » /Observations/1/Evnt: unknown key 'Evnt' in an observation (did you mean 'Event'?); allowed: "
     "Identifier, Event, Actions, Usage, Transitions"),
    (lambda b: b.__setitem__("Version", "2020-01-01"),
     "#/Content » /Version: Version '2020-01-01' is not a Testing language version (2019-10-30, 2025-06-21)"),
    (lambda b: b["Observations"][2]["Event"]["Properties"].__setitem__("ActionType", "TransferToFlow"),
     "#/Content » /Observations/2/Event/Properties/ActionType: FlowActionStarted is observed for "
     "InvokeLambdaFunction, CheckHoursOfOperation, TransferContactToQueue, ConnectParticipantWithLexBot, not "
     "'TransferToFlow'"),
])
def test_malformed_content_names_the_json_pointer(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    body = happy_path()
    change(body)
    assert first_error(tmp_path, create_request(body)) == "bad.testcase.json" + expected


def test_errors_in_bare_content_point_into_the_file(tmp_path: Path) -> None:
    body = happy_path()
    body["Observations"][1]["Usage"] = {"Type": "Exactly", "Times": 0}
    assert first_error(tmp_path, body) == (
        "bad.testcase.json#/Observations/1/Usage/Times: Usage Times must be a whole number of at least 1, not 0")


@pytest.mark.parametrize(("document", "expected"), [
    ({"Name": "no content"}, "bad.testcase.json#/: not a test case: expected a DescribeTestCase response"),
    ([], "bad.testcase.json#/: the list holds no test cases"),
    ({"Resources": {"Q": {"Type": "AWS::Connect::Queue"}}},
     "bad.testcase.json#/Resources: the template holds no AWS::Connect::TestCase resource"),
])
def test_what_is_not_a_test_case_file(tmp_path: Path, document: object, expected: str) -> None:
    assert first_error(tmp_path, document).startswith(expected)


def test_wrapper_errors_name_their_pointer(tmp_path: Path) -> None:
    request = create_request(happy_path())
    request["EntryPoint"] = {"Type": "TASK"}
    assert first_error(tmp_path, request) == "bad.testcase.json#/EntryPoint/Type: EntryPoint Type 'TASK' is not " \
                                             "VOICE_CALL or CHAT"
    request = create_request(happy_path())
    request["InitializationData"] = json.dumps({"Attributes": {"a": "1"}, "ContactData": {}})
    assert first_error(tmp_path, request) == ("bad.testcase.json#/InitializationData: InitializationData key "
                                              "'ContactData' is not read offline; it takes Attributes (the contact's "
                                              "user-defined attributes)")
    template = {"Resources": {"T": {"Type": "AWS::Connect::TestCase", "Properties": {
        "Content": json.dumps(happy_path()),
        "EntryPoint": {"VoiceCallEntryPointParameters": {"FlowId": {"Fn::ImportValue": "shared-flow"}}}}}}}
    assert first_error(tmp_path, template).startswith(
        "bad.testcase.json#/Resources/T/Properties/EntryPoint/VoiceCallEntryPointParameters/FlowId: FlowId cannot be "
        "resolved offline")


def test_pytest_fails_a_bad_test_case_alone_and_a_bad_file_as_one_item(pytester: pytest.Pytester) -> None:
    desk_project(pytester)
    broken = happy_path()
    broken["Observations"][1]["Event"]["Type"] = "MessageRecieved"
    write_case(pytester, "cases", [create_request(happy_path(), name="good"), create_request(broken, name="broken")])
    (pytester.path / "syntax.testcase.json").write_text('{"Version": ')
    result = pytester.runpytest("-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines_random([
        "*cases.testcase.json::good PASSED*",
        "*cases.testcase.json::broken FAILED*",
        "*syntax.testcase.json::[[]file[]] FAILED*",
        "cases.testcase.json#/1: test case 'broken' cannot be read",
        "cases.testcase.json#/1/Content » /Observations/1/Event/Type: unknown event type 'MessageRecieved' (did you "
        "mean 'MessageReceived'?)*",
        "syntax.testcase.json:1:13: not valid JSON: Expecting value",
        "(the file's test cases cannot run)",
    ])
    assert "Traceback" not in result.stdout.str()


def test_duplicate_test_case_names_fail_the_second(tmp_path: Path) -> None:
    path = tmp_path / "dup.testcase.json"
    path.write_text(json.dumps([create_request(happy_path(), name="same"), create_request(happy_path(), name="same")]))
    first, second = read_test_case_file(path, "dup.testcase.json").cases
    assert first.error is None
    assert str(second.error) == "dup.testcase.json#/1: duplicate test case name 'same' (first at dup.testcase.json#/0)"


def test_unknown_constructs_are_loud(tmp_path: Path) -> None:
    body = content(observation("start", {"Type": "MessageReceived", "Actor": "Agent", "Properties": {}}))
    assert first_error(tmp_path, body).endswith(
        "/Observations/0/Event/Actor: events observed from the Actor 'Agent' are not modelled offline; events come "
        "from the System")
    body = content(observation("start", initiated(), {"Identifier": "x", "Type": "SendInstruction", "Parameters": {
        "ActionType": "SendInstruction", "Actor": "Customer", "Instruction": {"Type": "Hold"}}}))
    assert first_error(tmp_path, body).endswith(
        "/Observations/0/Actions/0/Parameters/Instruction/Type: Instruction Type 'Hold' is not DtmfInput, "
        "TextUtterance or Disconnect")
    body = content(observation("start", initiated(), mock_hours("InHours"), dtmf("1"), mock_lambda(LOOKUP_ARN, {}),
                               {"Identifier": "y", "Type": "Wait", "Parameters": {}}))
    assert first_error(tmp_path, body).endswith(
        "/Observations/0/Actions/3/Type: unknown action type 'Wait'; the Testing language has SendInstruction, "
        "OverrideSystemBehavior, Assert, TestControl")
    body = content(observation("start", started("TransferToFlow")))
    assert first_error(tmp_path, body).endswith(
        "/Observations/0/Event/Properties/ActionType: FlowActionStarted is observed for InvokeLambdaFunction, "
        "CheckHoursOfOperation, TransferContactToQueue, ConnectParticipantWithLexBot, not 'TransferToFlow'")
    body = content(observation("start", message("hello") | {"Properties": {"Text": "a", "PromptId": "b"}}))
    assert first_error(tmp_path, body).endswith(
        "/Observations/0/Event/Properties: MessageReceived takes one of PromptId, Text, SSML or Media, not PromptId "
        "and Text")
