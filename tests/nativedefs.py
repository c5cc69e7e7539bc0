"""Amazon Connect test cases (the Testing language) for the tests, built as the documentation
writes them, and a small flow to run them against."""

from __future__ import annotations

import json
from typing import Any

from flowdefs import action

INSTANCE_ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1"
LOOKUP_ARN = "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer"
SCORE_ARN = "arn:aws:lambda:us-east-1:111122223333:function:scoreCaller"
HOURS_ARN = f"{INSTANCE_ARN}/operating-hours/h-office"
SALES_ARN = f"{INSTANCE_ARN}/queue/q-sales"
BOT_ARN = "arn:aws:lex:us-east-1:111122223333:bot-alias/BOT1/ALIAS1"
DESK_ID = "3f0c1e2a-1b2c-4d5e-8f90-a1b2c3d4e5f6"


def desk_flow() -> dict[str, Any]:
    """Help desk: look the caller up, check the hours, a menu (1: sales, 2: the bot), a second
    Lambda for the score, then the queue."""
    return {
        "Version": "2019-10-30",
        "StartAction": "Welcome",
        "Metadata": {"name": "Help desk"},
        "Actions": [
            action("Welcome", "MessageParticipant", {"Text": "Welcome to the help desk."}, "Lookup",
                   errors={"NoMatchingError": "Lookup"}),
            action("Lookup", "InvokeLambdaFunction",
                   {"LambdaFunctionARN": LOOKUP_ARN, "InvocationTimeLimitSeconds": "3",
                    "ResponseValidation": {"ResponseType": "STRING_MAP"}},
                   "Save tier", errors={"NoMatchingError": "Unknown caller"}),
            action("Save tier", "UpdateContactAttributes", {"Attributes": {"tier": "$.External.tier"}},
                   "Hours", errors={"NoMatchingError": "Hours"}),
            action("Unknown caller", "UpdateContactAttributes", {"Attributes": {"tier": "unknown"}},
                   "Hours", errors={"NoMatchingError": "Hours"}),
            action("Hours", "CheckHoursOfOperation", {"HoursOfOperationId": HOURS_ARN}, None,
                   conditions={"True": "Menu", "False": "Closed"}, errors={"NoMatchingError": "Closed"}),
            action("Closed", "MessageParticipant", {"Text": "We are closed."}, "Bye",
                   errors={"NoMatchingError": "Bye"}),
            action("Menu", "GetParticipantInput",
                   {"Text": "Press 1 for sales, 2 to talk to our assistant.", "StoreInput": "False",
                    "InputTimeLimitSeconds": "5"},
                   "Bye", conditions={"1": "Score", "2": "Assistant"},
                   errors={"InputTimeLimitExceeded": "Menu again", "NoMatchingCondition": "Menu again",
                           "NoMatchingError": "Bye"}),
            action("Menu again", "Loop", {"LoopCount": "1"}, None,
                   conditions={"ContinueLooping": "Menu", "DoneLooping": "Bye"}),
            action("Assistant", "ConnectParticipantWithLexBot",
                   {"Text": "How can I help?", "LexV2Bot": {"AliasArn": BOT_ARN}}, "Bye",
                   conditions={"Billing": "Score"},
                   errors={"NoMatchingCondition": "Bye", "InputTimeLimitExceeded": "Bye", "NoMatchingError": "Bye"}),
            action("Score", "InvokeLambdaFunction",
                   {"LambdaFunctionARN": SCORE_ARN, "InvocationTimeLimitSeconds": "3"},
                   "Save score", errors={"NoMatchingError": "Set sales queue"}),
            action("Save score", "UpdateContactAttributes", {"Attributes": {"score": "$.External.score"}},
                   "Set sales queue", errors={"NoMatchingError": "Set sales queue"}),
            action("Set sales queue", "UpdateContactTargetQueue", {"QueueId": SALES_ARN}, "To sales",
                   errors={"NoMatchingError": "Bye"}),
            action("To sales", "TransferContactToQueue", {}, "Bye",
                   errors={"QueueAtCapacity": "Full", "NoMatchingError": "Bye"}),
            action("Full", "MessageParticipant", {"Text": "All our agents are busy."}, "Bye",
                   errors={"NoMatchingError": "Bye"}),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


def desk_describe() -> dict[str, Any]:
    """The help desk as `aws connect describe-contact-flow` returns it (with its Id and ARN)."""
    return {"ContactFlow": {"Arn": f"{INSTANCE_ARN}/contact-flow/{DESK_ID}", "Id": DESK_ID, "Name": "Help desk",
                            "Type": "CONTACT_FLOW", "Content": json.dumps(desk_flow())}}


DESK_INSTANCE = f"""arn: {INSTANCE_ARN}
queues:
  Sales: {{arn: "{SALES_ARN}", hours: Office hours}}
  Overflow: {{arn: "{INSTANCE_ARN}/queue/q-overflow"}}
hours:
  Office hours:
    arn: "{HOURS_ARN}"
    time_zone: America/New_York
    schedule: {{monday: ["09:00-17:00"]}}
  Always open:
    arn: "{INSTANCE_ARN}/operating-hours/h-always"
    schedule: {{monday: ["00:00-00:00"], tuesday: ["00:00-00:00"], wednesday: ["00:00-00:00"],
               thursday: ["00:00-00:00"], friday: ["00:00-00:00"], saturday: ["00:00-00:00"],
               sunday: ["00:00-00:00"]}}
"""


# Events -------------------------------------------------------------------------------------------

def initiated() -> dict[str, Any]:
    return {"Identifier": "e", "Type": "TestInitiated", "Actor": "System", "Properties": {}}


def completed() -> dict[str, Any]:
    return {"Identifier": "e", "Type": "TestCompleted", "Actor": "System", "Properties": {}}


def message(text: str, matching: str = "Similarity") -> dict[str, Any]:
    return {"Identifier": "e", "Type": "MessageReceived", "Actor": "System",
            "Properties": {"Text": text, "MatchingCriteria": {"Type": matching}}}


def started(action_type: str, **params: Any) -> dict[str, Any]:
    return {"Identifier": "e", "Type": "FlowActionStarted", "Actor": "System",
            "Properties": {"ActionType": action_type, "ActionParameters": params}}


# Actions ------------------------------------------------------------------------------------------

def dtmf(value: str, ident: str = "press") -> dict[str, Any]:
    return {"Identifier": ident, "Type": "SendInstruction",
            "Parameters": {"ActionType": "SendInstruction", "Actor": "Customer",
                           "Instruction": {"Type": "DtmfInput", "Properties": {"Value": value}}}, "Transitions": {}}


def utterance(text: str, ident: str = "say") -> dict[str, Any]:
    return {"Identifier": ident, "Type": "SendInstruction",
            "Parameters": {"ActionType": "SendInstruction", "Actor": "Customer",
                           "Instruction": {"Type": "TextUtterance",
                                           "Properties": {"Text": text, "LanguageCode": "en-US"}}},
            "Transitions": {}}


def hang_up(ident: str = "hang up") -> dict[str, Any]:
    return {"Identifier": ident, "Type": "SendInstruction",
            "Parameters": {"ActionType": "SendInstruction", "Actor": "Customer",
                           "Instruction": {"Type": "Disconnect"}}, "Transitions": {}}


def override(action_type: str, params: dict[str, Any], strategy: dict[str, Any], ident: str = "mock") -> dict[str, Any]:
    return {"Identifier": ident, "Type": "OverrideSystemBehavior",
            "Parameters": {"ActionType": "OverrideSystemBehavior",
                           "Behavior": {"Type": "FlowAction",
                                        "Properties": {"ActionType": action_type, "ActionParameters": params,
                                                       "Strategy": strategy}}},
            "Transitions": {}}


def mock_lambda(arn: str, data: dict[str, Any] | None = None, *, error: str | None = None, delay: float = 0,
                ident: str = "mock lambda") -> dict[str, Any]:
    if error is not None:
        response: dict[str, Any] = {"Type": "Error", "Error": {"Value": error}}
    else:
        response = {"Type": "ExecutionResult",
                    "ExecutionResult": {"DelaySeconds": delay, "LoadedData": json.dumps(data or {})}}
    return override("InvokeLambdaFunction", {"LambdaFunctionARN": arn},
                    {"Type": "MockResponse", "Response": response}, ident)


def mock_hours(value: str, hours: str = HOURS_ARN, ident: str = "mock hours") -> dict[str, Any]:
    return override("CheckHoursOfOperation", {"HoursOfOperationId": hours},
                    {"Type": "MockResponse", "Response": {"Type": "ExecutionResult",
                                                          "ExecutionResult": {"Value": value}}}, ident)


def substitute(action_type: str, params: dict[str, Any], arn: str, ident: str = "substitute") -> dict[str, Any]:
    return override(action_type, params, {"Type": "SubstituteResource", "SubstituteArn": arn}, ident)


def check(namespace: str, operator: str, operand: str | None = None, ident: str = "check") -> dict[str, Any]:
    params: dict[str, Any] = {"Namespace": namespace, "Operator": operator}
    if operand is not None:
        params["Operand"] = operand
    return {"Identifier": ident, "Type": "Assert", "Parameters": params, "Transitions": {}}


def end_test(ident: str = "end") -> dict[str, Any]:
    return {"Identifier": ident, "Type": "TestControl",
            "Parameters": {"ActionType": "TestControl", "Command": {"Type": "EndTest"}}, "Transitions": {}}


def log_data(ident: str = "log", **expressions: str) -> dict[str, Any]:
    return {"Identifier": ident, "Type": "TestControl",
            "Parameters": {"ActionType": "TestControl",
                           "Command": {"Type": "LogData", "Properties": {"Expressions": expressions}}},
            "Transitions": {}}


# Documents ----------------------------------------------------------------------------------------

def observation(ident: str, event: dict[str, Any], *actions: dict[str, Any], then: tuple[str, ...] = (),
                usage: dict[str, Any] | None = None) -> dict[str, Any]:
    obs: dict[str, Any] = {"Identifier": ident, "Event": event, "Actions": list(actions),
                           "Transitions": {"NextObservations": list(then)}}
    if usage is not None:
        obs["Usage"] = usage
    return obs


def content(*observations: dict[str, Any], version: str = "2019-10-30") -> dict[str, Any]:
    return {"Version": version, "Metadata": {}, "Observations": list(observations)}


def create_request(body: dict[str, Any], *, name: str = "desk test", flow_id: str = DESK_ID,
                   channel: str = "VOICE_CALL", attributes: dict[str, str] | None = None) -> dict[str, Any]:
    """A CreateTestCase request as `aws connect create-test-case --cli-input-json` takes it."""
    key = "ChatEntryPointParameters" if channel == "CHAT" else "VoiceCallEntryPointParameters"
    return {"InstanceId": "i-1", "Name": name, "Content": json.dumps(body), "Status": "PUBLISHED",
            "EntryPoint": {"Type": channel, key: {"FlowId": flow_id}},
            "InitializationData": json.dumps({"Attributes": attributes or {}})}


def desk_project(pytester: Any) -> Any:
    """A pytester project with the help desk flow and its instance resources file."""
    flows = pytester.mkdir("flows")
    (flows / "desk.json").write_text(json.dumps(desk_describe(), indent=2))
    pytester.makefile(".yaml", **{"connect-instance": DESK_INSTANCE})
    pytester.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = connect-instance.yaml\n")
    return pytester


def write_case(pytester: Any, name: str, document: Any) -> Any:
    path = pytester.path / f"{name}.testcase.json"
    path.write_text(json.dumps(document, indent=2))
    return path


def happy_path(*extra_final: dict[str, Any]) -> dict[str, Any]:
    """Gold caller, in hours, presses 1, scored, reaches sales; the test ends at the transfer."""
    return content(
        observation("start", initiated(), mock_lambda(LOOKUP_ARN, {"tier": "gold"}), mock_hours("InHours"),
                    mock_lambda(SCORE_ARN, {"score": "42"}, ident="mock score"), then=("menu",)),
        observation("menu", message("Press 1 for sales, 2 to talk to our assistant."), dtmf("1"),
                    then=("queued",)),
        observation("queued", started("TransferContactToQueue", QueueId=SALES_ARN),
                    check("$.Attributes.tier", "Equals", "gold", ident="tier is gold"), *extra_final, end_test()),
    )
