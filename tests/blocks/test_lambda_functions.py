"""AWS Lambda function (InvokeLambdaFunction) answered by mocks.

FLOW-LANGUAGE.md 5.5 (event, response validation, $.External); DESIGN.md "Mocks".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = (
    "CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
    "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN",
)
LOOKUP = "arn:aws:lambda:us-east-1:123456789012:function:lookupCustomer"


def invoke(
    flows: FlowFactory,
    identifier: str = "Lookup",
    next_action: str = "Save",
    arn: str = LOOKUP,
    **parameters: Any,
) -> ActionDict:
    return flows.action(
        identifier, "InvokeLambdaFunction",
        {"LambdaFunctionARN": arn, "InvocationTimeLimitSeconds": "3", **parameters},
        next_action=next_action, errors={"NoMatchingError": "Lookup failed"},
    )


def lookup_flow(flows: FlowFactory, save: dict[str, str] | None = None, **parameters: Any) -> None:
    """Lookup → Save (copies $.External.tier unless told otherwise) → end."""
    flows.make("Inbound", [
        invoke(flows, **parameters),
        flows.set_attributes("Save", save or {"tier": "$.External.tier"}, "Saved"),
    ])


# --- Success and $.External ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["lookupCustomer", LOOKUP, "Customer lookup"],
    ids=["function-name", "arn", "instance-name"],
)
def test_a_mocked_result_replaces_external(flows: FlowFactory, key: str) -> None:
    lookup_flow(flows)
    instance = {"lambdas": {"Customer lookup": {"arn": LOOKUP}}}
    result = flows.run("Inbound", lambdas={key: {"tier": "gold", "id": "c-1"}},
                       simulator={"instance": instance})

    assert result.branch("Lookup") == "Success"
    assert result.path == ["Lookup", "Save", "Saved"]
    assert result.attributes == {"tier": "gold"}
    assert result.contact.external == {"tier": "gold", "id": "c-1"}
    assert flows.note(result, "Lookup").endswith("returned 2 key(s)")
    call = result.lambda_calls[0]
    assert (call.block, call.function, call.error) == ("Lookup", key, None)
    assert call.response == {"tier": "gold", "id": "c-1"}


def test_an_arn_with_an_alias_finds_the_function_mock(flows: FlowFactory) -> None:
    lookup_flow(flows, arn=f"{LOOKUP}:prod")
    result = flows.run("Inbound", lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "Success"
    assert result.attributes == {"tier": "gold"}


def test_the_function_arn_may_be_a_reference(flows: FlowFactory) -> None:
    lookup_flow(flows, arn="$.Attributes.lookupArn")
    result = flows.run("Inbound", attributes={"lookupArn": LOOKUP},
                       lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "Success"
    assert result.lambda_calls[0].function == "lookupCustomer"


@pytest.mark.parametrize("arn", ["$.Attributes.lookupArn", ""], ids=["unset-reference", "empty"])
def test_an_unset_function_arn_takes_error(flows: FlowFactory, arn: str) -> None:
    lookup_flow(flows, arn=arn)
    result = flows.run("Inbound", lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "NoMatchingError"
    assert result.path == ["Lookup", "Lookup failed"]
    assert f"LambdaFunctionARN {arn!r} is unset" in flows.note(result, "Lookup")
    assert result.lambda_calls == ()


def test_external_is_replaced_as_a_whole_by_each_call(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        invoke(flows, "First", "Second"),
        invoke(flows, "Second", "Save"),
        flows.set_attributes("Save", {"a": "$.External.a", "b": "$.External.b"}, "Saved"),
    ])
    result = flows.run("Inbound", lambdas={"lookupCustomer": [{"a": "1"}, {"b": "2"}]})

    assert result.branches("First") == ["Success"]
    assert result.attributes == {"a": "", "b": "2"}


def test_a_failed_call_leaves_external_empty(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        invoke(flows, "First", "Second"),
        flows.action("Second", "InvokeLambdaFunction", {"LambdaFunctionARN": LOOKUP},
                     next_action="Save", errors={"NoMatchingError": "Save"}),
        flows.set_attributes("Save", {"a": "$.External.a"}, "Saved"),
    ])
    result = flows.run("Inbound", lambdas={"lookupCustomer": [{"a": "1"}, {"error": True}]})

    assert result.branch("Second") == "NoMatchingError"
    assert result.attributes == {"a": ""}
    assert result.contact.external == {}


# --- Response validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("validation", "response", "external"),
    [
        (None, {"tier": "gold"}, {"tier": "gold"}),
        ({"ResponseType": "STRING_MAP"}, {"n": 1, "ok": True, "f": 1.5},
         {"n": "1", "ok": "true", "f": "1.5"}),
        ({"ResponseType": "JSON"}, {"Name": {"First": "Ann"}, "tags": ["a", 1], "ok": True},
         {"Name": {"First": "Ann"}, "tags": ["a", 1], "ok": True}),
    ],
    ids=["default-string-map", "string-map-scalars", "json-nested"],
)
def test_valid_responses(
    flows: FlowFactory, validation: dict[str, str] | None, response: dict[str, Any],
    external: dict[str, Any],
) -> None:
    parameters = {} if validation is None else {"ResponseValidation": validation}
    lookup_flow(flows, **parameters)
    result = flows.run("Inbound", lambdas={"lookupCustomer": response})

    assert result.branch("Lookup") == "Success"
    assert result.contact.external == external


def test_json_responses_are_reachable_by_nested_references(flows: FlowFactory) -> None:
    lookup_flow(flows, save={"first": "$.External.Name.First", "tag": "$.External.tags[1]"},
                ResponseValidation={"ResponseType": "JSON"})
    result = flows.run("Inbound",
                       lambdas={"lookupCustomer": {"Name": {"First": "Ann"}, "tags": ["a", "b"]}})

    assert result.attributes == {"first": "Ann", "tag": "b"}


@pytest.mark.parametrize(
    ("validation", "response", "why"),
    [
        ("STRING_MAP", {"Name": {"First": "Ann"}}, "STRING_MAP response value 'Name' is nested"),
        ("STRING_MAP", {"tags": ["a"]}, "STRING_MAP response value 'tags' is nested"),
        ("STRING_MAP", {"tier": None}, "STRING_MAP response value 'tier' is null"),
        ("STRING_MAP", {"big": "x" * 33000}, "over Connect's 32 KB limit"),
        ("JSON", {"big": "x" * 33000}, "over Connect's 32 KB limit"),
    ],
    ids=["nested-map", "nested-list", "null", "too-big", "json-too-big"],
)
def test_invalid_responses_take_error(
    flows: FlowFactory, validation: str, response: dict[str, Any], why: str
) -> None:
    lookup_flow(flows, ResponseValidation={"ResponseType": validation})
    result = flows.run("Inbound", lambdas={"lookupCustomer": response})

    assert result.branch("Lookup") == "NoMatchingError"
    assert why in flows.note(result, "Lookup")
    assert result.contact.external == {}
    assert why in (result.lambda_calls[0].error or "")


# --- Mock shapes ------------------------------------------------------------------------------


class LookupDown(Exception):
    pass


@pytest.mark.parametrize(
    ("mock", "why"),
    [
        ({"error": True}, "the mock makes the call fail (error: true)"),
        ({"error": "true"}, "the mock makes the call fail (error: true)"),
        (LookupDown("timeout"), "the mock raises"),
        (LookupDown, "the mock raises"),
    ],
    ids=["error-true", "error-string", "exception", "exception-class"],
)
def test_failing_mocks_take_error(flows: FlowFactory, mock: Any, why: str) -> None:
    lookup_flow(flows)
    result = flows.run("Inbound", lambdas={"lookupCustomer": mock})

    assert result.branch("Lookup") == "NoMatchingError"
    assert result.path == ["Lookup", "Lookup failed"]
    assert why in flows.note(result, "Lookup")


def test_return_gives_a_map_literally(flows: FlowFactory) -> None:
    lookup_flow(flows, save={"error": "$.External.error"})
    result = flows.run("Inbound", lambdas={"lookupCustomer": {"return": {"error": "none"}}})

    assert result.branch("Lookup") == "Success"
    assert result.attributes == {"error": "none"}


def test_error_false_is_a_mock_mistake(flows: FlowFactory) -> None:
    lookup_flow(flows)

    with pytest.raises(MockError, match="'error' must be true"):
        flows.run("Inbound", lambdas={"lookupCustomer": {"error": False}})


def test_a_list_gives_one_result_per_call(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Lookup", "InvokeLambdaFunction", {"LambdaFunctionARN": LOOKUP},
                     next_action="Retry", errors={"NoMatchingError": "Retry"}),
        flows.action("Retry", "Loop", {"LoopCount": "2"},
                     conditions={"ContinueLooping": "Lookup", "DoneLooping": "Done"}),
    ])
    result = flows.run("Inbound",
                       lambdas={"lookupCustomer": [{"n": "1"}, {"error": True}, {"n": "3"}]})

    assert result.branches("Lookup") == ["Success", "NoMatchingError", "Success"]
    assert [c.response for c in result.lambda_calls] == [{"n": "1"}, None, {"n": "3"}]


def test_a_call_past_the_end_of_a_list_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        invoke(flows, "Lookup", "Retry"),
        flows.action("Retry", "Loop", {"LoopCount": "1"},
                     conditions={"ContinueLooping": "Lookup", "DoneLooping": "Done"}),
    ])

    with pytest.raises(MockError, match="lists 1 result"):
        flows.run("Inbound", lambdas={"lookupCustomer": [{"n": "1"}]})


def test_a_missing_mock_fails_the_test_naming_block_and_function(flows: FlowFactory) -> None:
    lookup_flow(flows)

    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", lambdas={"otherFunction": {}})
    assert "'Lookup'" in info.value.message
    assert "'lookupCustomer'" in info.value.message
    assert "otherFunction" in info.value.message


def test_a_handler_gets_the_event_and_a_context(flows: FlowFactory) -> None:
    lookup_flow(flows, save={"tier": "$.External.tier", "ms": "$.External.ms"},
                LambdaInvocationAttributes={"phone": "$.CustomerEndpoint.Address"})
    seen: list[dict[str, Any]] = []

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        seen.append(event)
        return {"tier": "gold" if event["Details"]["Parameters"]["phone"] else "none",
                "ms": context.get_remaining_time_in_millis()}

    result = flows.run("Inbound", lambdas={"lookupCustomer": handler})

    assert result.attributes == {"tier": "gold", "ms": "3000"}
    assert seen[0]["Name"] == "ContactFlowEvent"


@pytest.mark.parametrize(
    ("handler_result", "why"),
    [("raise", "the handler raised ValueError: no customer"),
     ("list", "the response is not a JSON object but list")],
)
def test_a_failing_handler_takes_error(flows: FlowFactory, handler_result: str, why: str) -> None:
    lookup_flow(flows)

    def handler(event: dict[str, Any]) -> Any:
        if handler_result == "raise":
            raise ValueError("no customer")
        return ["not", "a", "map"]

    result = flows.run("Inbound", lambdas={"lookupCustomer": handler})

    assert result.branch("Lookup") == "NoMatchingError"
    assert why in flows.note(result, "Lookup")


def test_asynchronous_calls_go_on_without_a_result(flows: FlowFactory) -> None:
    lookup_flow(flows, InvocationType="ASYNCHRONOUS")
    result = flows.run("Inbound", lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "Success"
    assert flows.note(result, "Lookup") == "lookupCustomer invoked asynchronously"
    assert result.attributes == {"tier": ""}
    assert len(result.lambda_calls) == 1


# --- The event sent ---------------------------------------------------------------------------


def test_parameters_are_resolved_and_sent(flows: FlowFactory) -> None:
    lookup_flow(flows, LambdaInvocationAttributes={
        "phone": "$.CustomerEndpoint.Address",
        "text": "lang=$.Attributes.lang;",
        "missing": "$.Attributes.nothing",
        "static": "v1",
    })
    result = flows.run("Inbound", attributes={"lang": "en"}, lambdas={"lookupCustomer": {}})

    expected = {"phone": "+15555550100", "text": "lang=en;", "missing": "", "static": "v1"}
    call = result.lambda_calls[0]
    assert call.parameters == expected
    assert call.event["Details"]["Parameters"] == expected


@pytest.mark.parametrize(("channel", "initiation"), [
    ("VOICE", "INBOUND"), ("CHAT", "API"), ("TASK", "API"), ("EMAIL", "INBOUND"),
])
def test_the_event_describes_the_contact(flows: FlowFactory, channel: str, initiation: str) -> None:
    flows.make("Inbound", [
        invoke(flows, "Before", "Set queue"),
        flows.set_queue("Set queue", flows.queue_arn("q-sales"), "After"),
        invoke(flows, "After", "Done"),
    ])
    result = flows.run("Inbound", channel=channel, attributes={"lang": "en"},
                       lambdas={"lookupCustomer": {}})

    before = result.lambda_calls[0].event["Details"]["ContactData"]
    assert before["Channel"] == channel
    assert before["InitiationMethod"] == initiation
    assert before["Attributes"] == {"lang": "en"}
    assert before["CustomerEndpoint"] == {"Address": "+15555550100", "Type": "TELEPHONE_NUMBER"}
    assert before["SystemEndpoint"] == {"Address": "+15555550199", "Type": "TELEPHONE_NUMBER"}
    assert before["ContactId"] == before["InitialContactId"]
    assert before["InstanceARN"] == flows.queue_arn("x").rsplit("/queue/", 1)[0]
    assert before["LanguageCode"] == "en-US"
    assert before["Queue"] is None
    assert before["MediaStreams"] == {"Customer": {"Audio": None}}  # never started: Audio is null
    after = result.lambda_calls[1].event["Details"]["ContactData"]
    assert after["Queue"] == {"ARN": flows.queue_arn("q-sales"), "Name": "q-sales"}


# --- Where the block works --------------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_lambda_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    lookup_flow(flows)
    result = flows.run("Inbound", channel=channel, lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "Success"


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_lambda_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [invoke(flows, next_action="Done")], flow_type=flow_type)
    result = flows.run("Flow", lambdas={"lookupCustomer": {"tier": "gold"}})

    assert result.branch("Lookup") == "Success"
    assert result.contact.external == {"tier": "gold"}


# --- Real flows from the corpus ------------------------------------------------------------

SCV_INBOUND = "amazon-connect__amazon-connect-salesforce-scv__aws-sample-scv-inbound-flow-with-transcription"
SCV_TELEPHONY = "af89b7be"  # createVoiceCall, retried by a Loop of 2
SCV_QUEUE = {"Sample": "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-support"}


def test_corpus_lambda_retry_loop_gives_up_after_two_failures(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_INBOUND)
    result = sim.run(SCV_INBOUND, contact=SimulatedContact(attributes=SCV_QUEUE), lambdas={
        "%%KVS_CONSUMER_TRIGGER_ARN%%": {},
        "%%INVOKE_TELEPHONY_FUNCTION_ARN%%": {"error": True},
    })

    assert result.branches(SCV_TELEPHONY) == ["NoMatchingError", "NoMatchingError"]
    assert result.branches("afb3e3e1") == ["ContinueLooping", "ContinueLooping", "DoneLooping"]
    assert result.attributes["error_desc"] == "lambda loop fail"
    assert result.ended == "disconnected"
    telephony = [c for c in result.lambda_calls if c.block.startswith(SCV_TELEPHONY)]
    assert [c.parameters for c in telephony] == [{"methodName": "createVoiceCall"}] * 2


def test_corpus_lambda_retry_succeeds_on_the_second_call(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_INBOUND)
    result = sim.run(SCV_INBOUND, contact=SimulatedContact(attributes=SCV_QUEUE), lambdas={
        "%%KVS_CONSUMER_TRIGGER_ARN%%": {},
        "%%INVOKE_TELEPHONY_FUNCTION_ARN%%": [{"error": True}, {"voiceCallId": "vc-2"}],
    })

    assert result.branches(SCV_TELEPHONY) == ["NoMatchingError", "Success"]
    assert result.attributes["voiceCallId"] == "vc-2"
    assert result.ended == "transferred_to_queue"
