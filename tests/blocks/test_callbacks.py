"""Set callback number (UpdateContactCallbackNumber) and Transfer to queue on its callback tab
(CreateCallbackContact).

Flow language reference pages "UpdateContactCallbackNumber" and "CreateCallbackContact"; Admin
Guide block page "Set callback number" and "Countries you can call by default"; FLOW-LANGUAGE.md
5.27.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from routing_helpers import corpus_copy

from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

    from pytest_connectflow.simulator import RunResult

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALL_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
             "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
ALLOWED = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED = tuple(t for t in ALL_TYPES if t not in ALLOWED)
CALLBACK_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-callback"
AGENT_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/a-jdoe"
SETTINGS = {"InitialCallDelaySeconds": "5", "MaximumConnectionAttempts": "2", "RetryDelaySeconds": "600"}


def set_number(flows: FlowFactory, number: Any = "$.Attributes.number", next_action: str = "Show") -> ActionDict:
    parameters = {} if number is None else {"CallbackNumber": number}
    return flows.action("Set number", "UpdateContactCallbackNumber", parameters, next_action=next_action,
                        errors={"InvalidCallbackNumber": "Invalid", "CallbackNumberNotDialable": "Not dialable"})


def show_number(flows: FlowFactory) -> ActionDict:
    return flows.set_attributes("Show", {"cb": "$.CustomerCallbackNumber", "cb2": "$.CallbackNumber"}, "Done")


def create_callback(flows: FlowFactory, parameters: dict[str, Any] | None = None,
                    next_action: str = "Goodbye") -> ActionDict:
    return flows.action("Callback", "CreateCallbackContact", {**SETTINGS, **(parameters or {})},
                        next_action=next_action, errors={"NoMatchingError": "Callback failed"})


# --- UpdateContactCallbackNumber -----------------------------------------------------------


@pytest.mark.parametrize(
    ("entered", "stored"),
    [
        ("+14155550123", "+14155550123"),
        ("14155550123", "+14155550123"),  # "the + country code prefix is automatically prepended"
        (" +61255550123 ", "+61255550123"),
        ("+4915123456789", "+4915123456789"),
    ],
)
def test_set_callback_number_writes_the_customer_callback_number(
    flows: FlowFactory, entered: str, stored: str
) -> None:
    flows.make("Inbound", [set_number(flows), show_number(flows)])
    result = flows.run("Inbound", attributes={"number": entered})

    assert result.branch("Set number") == "Success"
    assert result.path == ["Set number", "Show", "Done"]
    assert result.attributes["cb"] == stored
    assert result.attributes["cb2"] == stored
    assert result.contact.contact_data["CustomerCallbackNumber"] == stored
    assert flows.note(result, "Set number") == f"callback number {stored}"


def test_set_callback_number_from_stored_customer_input(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Ask", "GetParticipantInput",
                     {"StoreInput": "True", "Text": "Your number?", "InputTimeLimitSeconds": "5",
                      "InputValidation": {"PhoneNumberValidation": {"NumberFormat": "Local", "CountryCode": "US"}}},
                     next_action="Set number",
                     errors={"InvalidPhoneNumber": "Bad input", "NoMatchingError": "Bad input"}),
        set_number(flows, "$.StoredCustomerInput"),
        show_number(flows),
    ])
    result = flows.run("Inbound", inputs=["4155550123"])

    assert result.path == ["Ask", "Set number", "Show", "Done"]
    assert result.attributes["cb"] == "+14155550123"


@pytest.mark.parametrize(
    ("number", "attributes", "note"),
    [
        ("$.Attributes.number", {"number": "555"}, "'555' is not an E.164 phone number"),
        ("$.Attributes.number", {"number": "Timeout"}, "'Timeout' is not an E.164 phone number"),
        ("$.Attributes.number", {"number": "+0123456789"}, "'+0123456789' is not an E.164 phone number"),
        ("$.Attributes.number", {"number": "+1415555012345678"}, "'+1415555012345678' is not an E.164 phone number"),
        ("$.Attributes.number", {}, "CallbackNumber '$.Attributes.number' is unset"),
        ("$.Attributes.number", {"number": ""}, "CallbackNumber '$.Attributes.number' is unset"),
    ],
    ids=["too-short", "timeout", "leading-zero", "too-long", "unset", "empty"],
)
def test_invalid_callback_numbers(flows: FlowFactory, number: str, attributes: dict[str, str], note: str) -> None:
    flows.make("Inbound", [set_number(flows, number), show_number(flows)])
    result = flows.run("Inbound", attributes=attributes)

    assert result.branch("Set number") == "InvalidCallbackNumber"
    assert result.path == ["Set number", "Invalid"]
    assert flows.note(result, "Set number") == note
    assert "CustomerCallbackNumber" not in result.contact.contact_data


@pytest.mark.parametrize("number", ["+447700900123", "+818012345678", "+819012345678", "+817012345678"])
def test_numbers_instances_cannot_dial_by_default(flows: FlowFactory, number: str) -> None:
    flows.make("Inbound", [set_number(flows), show_number(flows)])
    result = flows.run("Inbound", attributes={"number": number})

    assert result.branch("Set number") == "CallbackNumberNotDialable"
    assert result.path == ["Set number", "Not dialable"]
    assert flows.note(result, "Set number").startswith(f"{number} starts with a prefix instances cannot dial")


def test_a_uk_landline_is_dialable(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_number(flows), show_number(flows)])
    result = flows.run("Inbound", attributes={"number": "+442079460123"})

    assert result.branch("Set number") == "Success"


def test_a_static_callback_number_works_and_is_noted(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_number(flows, "+14155550123"), show_number(flows)])
    result = flows.run("Inbound")

    assert result.branch("Set number") == "Success"
    assert result.attributes["cb"] == "+14155550123"
    assert "Amazon Connect requires a reference" in flows.note(result, "Set number")


def test_a_missing_callback_number_parameter_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Set number", "UpdateContactCallbackNumber", {}, next_action="Show",
                     errors={"InvalidCallbackNumber": "Invalid", "NoMatchingError": "Broken"}),
        show_number(flows),
    ])
    result = flows.run("Inbound")

    assert result.branch("Set number") == "NoMatchingError"
    assert flows.note(result, "Set number") == "the block has no CallbackNumber"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_set_callback_number_off_voice_takes_invalid_number(flows: FlowFactory, channel: str) -> None:
    # The block page: "Chat: No - Invalid number branch" (likewise task and email).
    flows.make("Inbound", [set_number(flows), show_number(flows)])
    result = flows.run("Inbound", channel=channel, attributes={"number": "+14155550123"})

    assert result.branch("Set number") == "InvalidCallbackNumber"
    assert flows.note(result, "Set number") == f"Set callback number works on VOICE only, not {channel}"


@pytest.mark.parametrize("flow_type", ALLOWED)
def test_set_callback_number_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [set_number(flows), show_number(flows)], flow_type=flow_type)
    result = flows.run("Flow", attributes={"number": "+14155550123"})

    assert result.branch("Set number") == "Success"


@pytest.mark.parametrize("flow_type", REFUSED)
def test_set_callback_number_elsewhere_has_no_error_branch_and_ends_the_run(flows: FlowFactory, flow_type: str) -> None:
    # Its branches are Success, Invalid number and Not dialable: nothing to take NoMatchingError.
    flows.make("Flow", [set_number(flows), show_number(flows)], flow_type=flow_type)
    result = flows.run("Flow", attributes={"number": "+14155550123"})

    assert result.branch("Set number") == "NoMatchingError"
    assert result.ended == "error"
    assert f"UpdateContactCallbackNumber is not allowed in a {flow_type} flow" in result.reason


# --- CreateCallbackContact -----------------------------------------------------------------


def test_create_callback_records_the_callback_and_goes_on(flows: FlowFactory) -> None:
    flows.make("Queue flow", [
        set_number(flows, next_action="Callback"),
        create_callback(flows, {"QueueId": CALLBACK_ARN}),
        flows.message("Goodbye", "We will call you back.", "Hang up"),
        flows.disconnect("Hang up"),
    ], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", queue="Sales", attributes={"number": "+14155550123"},
                       simulator={"instance": {"queues": {"Callbacks": {"arn": CALLBACK_ARN}}}})

    assert result.path == ["Set number", "Callback", "Goodbye", "Hang up"]
    assert result.branch("Callback") == "Success"
    assert result.contact.data["Callbacks"] == [{
        "CallbackNumber": "+14155550123", "Queue": "Callbacks", "QueueARN": CALLBACK_ARN,
        "InitialCallDelaySeconds": "5", "MaximumConnectionAttempts": "2", "RetryDelaySeconds": "600",
    }]
    assert flows.note(result, "Callback") == "callback to +14155550123 queued in Callbacks"
    assert result.queue == "Sales"  # the current contact stays where it is
    assert result.ended == "disconnected"


def test_create_callback_defaults_to_the_caller_id_and_the_working_queue(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_callback(flows)])
    result = flows.run("Inbound", queue="Sales")

    assert result.branch("Callback") == "Success"
    assert result.contact.data["Callbacks"][0]["CallbackNumber"] == "+15555550100"  # the caller ID
    assert result.contact.data["Callbacks"][0]["Queue"] == "Sales"


def test_each_callback_is_recorded(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        create_callback(flows, {"AgentId": "$.Attributes.agent"}, next_action="Second"),
        flows.action("Second", "CreateCallbackContact", {**SETTINGS, "ContactFlowId": "$.Attributes.flow",
                                                         "InitialCallDelaySeconds": "not used"},
                     next_action="Goodbye"),
    ])
    result = flows.run("Inbound", queue="Sales", attributes={"agent": AGENT_ARN, "flow": "cb-whisper"})

    callbacks = result.contact.data["Callbacks"]
    assert [c["Queue"] for c in callbacks] == [AGENT_ARN, "Sales"]
    # "If you specify a ContactFlowId, then InitialCallDelaySeconds parameter is ignored."
    assert callbacks[1]["ContactFlowId"] == "cb-whisper"
    assert "InitialCallDelaySeconds" not in callbacks[1]


@pytest.mark.parametrize(
    ("parameters", "queue", "endpoint", "why"),
    [
        ({}, None, "+15555550100", "no queue given and no working queue is set"),
        ({"QueueId": "$.Attributes.missing"}, "Sales", "+15555550100", "QueueId '$.Attributes.missing' is unset"),
        ({}, "Sales", None, "no callback number: none was set and the customer has no caller ID"),
        ({"InitialCallDelaySeconds": "0"}, "Sales", "+15555550100",
         "InitialCallDelaySeconds '0' is '0', not a whole number of seconds in 1..259200"),
        ({"RetryDelaySeconds": "soon"}, "Sales", "+15555550100",
         "RetryDelaySeconds 'soon' is 'soon', not a whole number of seconds in 1..259200"),
        ({"MaximumConnectionAttempts": ""}, "Sales", "+15555550100", "the block has no MaximumConnectionAttempts"),
        ({"ContactFlowId": "$.Attributes.missing"}, "Sales", "+15555550100",
         "ContactFlowId '$.Attributes.missing' is unset"),
    ],
    ids=["no-queue", "unset-queue", "no-number", "zero-delay", "bad-retry", "no-attempts", "unset-flow"],
)
def test_create_callback_errors(
    flows: FlowFactory, parameters: dict[str, Any], queue: str | None, endpoint: str | None, why: str
) -> None:
    flows.make("Inbound", [create_callback(flows, parameters)])
    contact = SimulatedContact(queue=queue, customer_endpoint=endpoint)
    result = flows.simulator().run("Inbound", contact=contact)

    assert result.branch("Callback") == "NoMatchingError"
    assert result.path == ["Callback", "Callback failed"]
    assert flows.note(result, "Callback") == why
    assert "Callbacks" not in result.contact.data


def test_zero_connection_attempts_as_console_exports_write_them(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_callback(flows, {"MaximumConnectionAttempts": "0"})])
    result = flows.run("Inbound", queue="Sales")

    assert result.branch("Callback") == "Success"
    assert result.contact.data["Callbacks"][0]["MaximumConnectionAttempts"] == "0"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_create_callback_is_voice_only(flows: FlowFactory, channel: str) -> None:
    # "This block cannot be used in a callback scenario when using the chat channel."
    flows.make("Inbound", [create_callback(flows)])
    result = flows.run("Inbound", channel=channel, queue="Sales")

    assert result.branch("Callback") == "NoMatchingError"
    assert flows.note(result, "Callback") == f"CreateCallbackContact does not work on {channel}"


@pytest.mark.parametrize("flow_type", ALLOWED)
def test_create_callback_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [create_callback(flows)], flow_type=flow_type)
    result = flows.run("Flow", queue="Sales")

    assert result.branch("Callback") == "Success"


@pytest.mark.parametrize("flow_type", REFUSED)
def test_create_callback_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [create_callback(flows)], flow_type=flow_type)
    result = flows.run("Flow", queue="Sales")

    assert result.branch("Callback") == "NoMatchingError"
    assert flows.note(result, "Callback") == f"CreateCallbackContact is not allowed in a {flow_type} flow"


# --- Real flows from the corpus ------------------------------------------------------------

INTERRUPTIBLE_QUEUE = (
    "aws-samples__amazon-connect-callback-contact-management__interruptible-queue-flow-with-callback"
)
SET_CALLBACK = "aws-samples__amazon-connect-callbackmgmt__cfsetcallbackflow"
RULES_QUEUE = "aws-samples__amazon-connect-rules-engine__rulesenginequeue"
LAMBDA = "arn:aws:lambda:us-east-1:111122223333:function:alpha-001-callbackmgmt-"
RULES_ENGINE_PLACEHOLDERS = {  # as the rules engine's deployment maps them
    "{{lambdaFunctions.connectgetcallbackstatus.arn}}": "arn:aws:lambda:us-east-1:1:function:connectgetcallbackstatus",
    "{{lambdaFunctions.connectcreatecallback.arn}}": "arn:aws:lambda:us-east-1:1:function:connectcreatecallback",
    "{{lambdaFunctions.connectupdatestate.arn}}": "arn:aws:lambda:us-east-1:1:function:connectupdatestate",
    "{{contactFlows.RulesEngineError.arn}}": "RulesEngineError",
    "{{contactFlows.RulesEngineMain.arn}}": "RulesEngineMain",
}


def test_corpus_interruptible_queue_flow_offers_a_callback(flows: FlowFactory) -> None:
    sim = flows.corpus(INTERRUPTIBLE_QUEUE)
    result = sim.run(INTERRUPTIBLE_QUEUE, contact=SimulatedContact(queue="BasicQueue"),
                     inputs=["1", "555", "4155550123"])

    assert result.branches("2ff07095") == ["InvalidPhoneNumber", "Success"]  # Store customer input
    assert result.branch("bb25d7fc") == "Success"  # Set callback number from $.StoredCustomerInput
    assert result.attributes == {"callbackNumber": "+14155550123"}
    assert result.branch("d82a6199") == "Success"  # CreateCallbackContact
    assert result.contact.data["Callbacks"] == [{
        "CallbackNumber": "+14155550123", "Queue": "BasicQueue", "InitialCallDelaySeconds": "5",
        "MaximumConnectionAttempts": "1", "RetryDelaySeconds": "600",
    }]
    assert result.path[-1].startswith("5551df8f")
    assert result.ended == "disconnected"


def test_corpus_interruptible_queue_flow_without_a_queue_apologises(flows: FlowFactory) -> None:
    sim = flows.corpus(INTERRUPTIBLE_QUEUE)
    result = sim.run(INTERRUPTIBLE_QUEUE, inputs=["1", "4155550123"])

    assert result.branch("d82a6199") == "NoMatchingError"
    assert [p[:8] for p in result.path[-3:]] == ["d82a6199", "5a0bb403", "5551df8f"]


def test_corpus_set_callback_flow_confirms_the_number_and_creates_the_callback(flows: FlowFactory) -> None:
    sim = flows.corpus(SET_CALLBACK)
    result = sim.run(
        "cfSetCallBackflow", inputs=["4155550123", "1"],
        lambdas={
            f"{LAMBDA}get-10-digit-phone": {"TenDigitPhoneNumber": "4155550123"},
            f"{LAMBDA}read-callback": {"CallBackStatus": "NONE"},
            f"{LAMBDA}get-current-time": {"DateTime": "2026-11-24T09:30:00Z"},
            f"{LAMBDA}write-callback": {"statusCode": "200"},
        },
    )

    assert result.branch("203d3a89") == "Success"  # Set callback number from $.Attributes.callbackNumber
    assert result.attributes["cc_CallbackNumber"] == "+14155550123"  # read back as $.CallbackNumber
    assert result.branch("987e77c4") == "Success"  # CreateCallbackContact
    callback = result.contact.data["Callbacks"][0]
    assert callback["CallbackNumber"] == "+14155550123"
    assert callback["MaximumConnectionAttempts"] == "0"
    assert callback["Queue"] == "BasicQueue"
    assert result.path[-3:] == ["Create Callback record", "4ef4e558-676d-4c77-b067-394085abee47",
                                "5700863e-795d-4b32-8f11-573666836e80"]
    assert result.ended == "disconnected"


def rules_engine_queue(flows: FlowFactory, original: str) -> RunResult:
    # From its start the flow reaches Change routing priority (another family) and event hooks
    # naming flows of the rules engine; the copy starts at its Set working queue block. A small
    # flow before it sets $.External, which Transfer to flow keeps, as the rules engine's own
    # flows do.
    copy = corpus_copy(flows.root, RULES_QUEUE, "e3afa7d0", placeholders=RULES_ENGINE_PLACEHOLDERS)
    flows.make("Rules", [
        flows.action("Load rule", "InvokeLambdaFunction", {"LambdaFunctionARN": "rules"}, next_action="Go"),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": copy}),
    ])
    rule = {"CurrentRule_queueArn": "arn:aws:connect:us-east-1:1:instance/i/queue/q-sales"}
    status = {"CurrentRule_CallbackStatus": "OFFER", "CurrentRule_offerCallbackMessageType": "text",
              "CurrentRule_offerCallbackMessage": "Press 1 for a callback", "OriginalCustomerNumber": original,
              "CurrentRule_addedToCallbackQueueMessage": "none"}
    return flows.run(
        "Rules", inputs=["1"],
        lambdas={"rules": rule, "connectgetcallbackstatus": status, "connectcreatecallback": {}},
        hours={"q-sales": "open"},
        mocks={"queues": {"q-sales": {"agents_online": 2, "contacts_in_queue": 6, "oldest_contact_age": 240}}},
    )



def test_corpus_rules_engine_queue_offers_a_callback(flows: FlowFactory) -> None:
    result = rules_engine_queue(flows, "+14155550123")

    assert result.branch("7050d03a") == "0"  # Check staffing: NumberOfAgentsOnline > 0
    assert result.branch("990d1323") == "Success"  # Get queue metrics, QueueId from $.External
    assert result.lambda_calls[1].parameters["QueueMetrics_contactsInQueue"] == "6"
    assert result.branch("6a243d87") == "1"
    assert result.branch("cc5347b4") == "Success"  # Set callback number from $.External
    assert result.branch("7512a4c4") == "Success"  # CreateCallbackContact
    assert result.contact.data["Callbacks"] == [{
        "CallbackNumber": "+14155550123", "Queue": "q-sales",
        "QueueARN": "arn:aws:connect:us-east-1:1:instance/i/queue/q-sales",
        "InitialCallDelaySeconds": "60", "MaximumConnectionAttempts": "1", "RetryDelaySeconds": "60",
    }]


def test_corpus_rules_engine_queue_refuses_a_number_it_cannot_dial(flows: FlowFactory) -> None:
    result = rules_engine_queue(flows, "+447700900123")

    assert result.branch("cc5347b4") == "CallbackNumberNotDialable"
    assert result.path[result.path.index("cc5347b4-c8b7-4247-b34f-eea56fb4c566") + 1].startswith("a3132d6a")
    assert "Callbacks" not in result.contact.data
