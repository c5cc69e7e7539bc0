"""Play prompt / Send message (MessageParticipant), Loop prompts (MessageParticipantIteratively),
Get and Store customer input (GetParticipantInput).

FLOW-LANGUAGE.md 5.2, 5.10, 5.24 and section 6; DESIGN.md "Inputs".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

PROMPT_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/prompt/p-welcome"
OFF_VOICE = ("CHAT", "TASK", "EMAIL")
HOLD_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD")
WHISPER_TYPES = ("CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER")
TRANSFER_TYPES = ("AGENT_TRANSFER", "QUEUE_TRANSFER")


def message_block(flows: FlowFactory, parameters: dict[str, Any]) -> ActionDict:
    return flows.action("Say", "MessageParticipant", parameters, next_action="Said",
                        errors={"NoMatchingError": "Failed"})


# --- MessageParticipant ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parameters", "attributes", "note"),
    [
        ({"Text": "Welcome"}, {}, "Welcome"),
        ({"Text": "Hi $.Attributes.first-name."}, {"first-name": "Ann"}, "Hi Ann."),
        # An unset reference renders as an empty string in text (DESIGN.md "References").
        ({"Text": "Hi $.Attributes.first-name."}, {}, "Hi ."),
        ({"SSML": "<speak>Hi $.Attributes.name</speak>"}, {"name": "Bo"},
         "SSML: <speak>Hi Bo</speak>"),
        ({"PromptId": PROMPT_ARN}, {}, f"PromptId: {PROMPT_ARN}"),
        ({"PromptId": "$.Attributes.prompt"}, {"prompt": PROMPT_ARN}, f"PromptId: {PROMPT_ARN}"),
        ({"Media": {"Uri": "s3://bucket/$.Attributes.lang/hello.wav", "SourceType": "S3",
                    "MediaType": "Audio"}}, {"lang": "en"}, "Media: s3://bucket/en/hello.wav"),
    ],
    ids=["text", "text-reference", "text-unset-reference", "ssml", "prompt", "prompt-reference",
         "media"],
)
def test_message_renders_and_takes_success(
    flows: FlowFactory, parameters: dict[str, Any], attributes: dict[str, str], note: str
) -> None:
    flows.make("Inbound", [message_block(flows, parameters)])
    result = flows.run("Inbound", attributes=attributes)

    assert result.branch("Say") == "Success"
    assert result.path == ["Say", "Said"]
    assert flows.note(result, "Say") == note


@pytest.mark.parametrize(
    ("parameters", "why"),
    [
        ({"PromptId": "$.Attributes.prompt"}, "the message's reference is unset"),
        ({"Media": {"SourceType": "S3"}}, "the message's reference is unset"),
        ({}, "the block has no Text, SSML, PromptId or Media"),
    ],
    ids=["unset-prompt", "media-without-uri", "no-message"],
)
def test_message_without_a_message_takes_error(
    flows: FlowFactory, parameters: dict[str, Any], why: str
) -> None:
    flows.make("Inbound", [message_block(flows, parameters)])
    result = flows.run("Inbound")

    assert result.branch("Say") == "NoMatchingError"
    assert result.path == ["Say", "Failed"]
    assert flows.note(result, "Say") == why


@pytest.mark.parametrize("channel", ["VOICE", "CHAT", "EMAIL"])
def test_message_is_sent_on_voice_chat_and_email(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [message_block(flows, {"Text": "Hello"})])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Say") == "Success"
    assert flows.note(result, "Say") == "Hello"


def test_message_on_task_is_a_noop_success(flows: FlowFactory) -> None:
    # Even a block that would fail elsewhere: a task has no one to talk to.
    flows.make("Inbound", [message_block(flows, {})])
    task = flows.run("Inbound", channel="TASK")
    voice = flows.run("Inbound")

    assert task.branch("Say") == "Success"
    assert flows.note(task, "Say") == "no effect on TASK"
    assert voice.branch("Say") == "NoMatchingError"


@pytest.mark.parametrize(
    "flow_type", ["CONTACT_FLOW", "CUSTOMER_QUEUE", *WHISPER_TYPES, *TRANSFER_TYPES]
)
def test_message_is_allowed_outside_hold_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [message_block(flows, {"Text": "Hello"})], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Say") == "Success"
    assert result.path == ["Say", "Said"]


@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_message_in_a_hold_flow_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Hold", [message_block(flows, {"Text": "Hello"})], flow_type=flow_type)
    result = flows.run("Hold")

    assert result.branch("Say") == "NoMatchingError"
    assert flows.note(result, "Say") == f"MessageParticipant is not allowed in a {flow_type} flow"


@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_old_play_prompt_without_error_branch_in_a_hold_flow_ends_in_error(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Hold", [flows.message("Say", "Hello", "Said")], flow_type=flow_type)
    result = flows.run("Hold")

    assert result.ended == "error"
    assert result.path == ["Say"]
    assert f"not allowed in a {flow_type} flow" in result.reason
    assert "no Errors entry" in result.reason


# --- MessageParticipantIteratively -----------------------------------------------------------


def loop_prompts(flows: FlowFactory, parameters: dict[str, Any]) -> ActionDict:
    return flows.action("Loop prompts", "MessageParticipantIteratively", parameters,
                        conditions={"MessagesInterrupted": "Interrupted"},
                        errors={"NoMatchingError": "Failed"})


LOOP_MESSAGES = {"Messages": [{"Text": "Please hold"}, {"PromptId": PROMPT_ARN}]}


@pytest.mark.parametrize("flow_type", ["CUSTOMER_QUEUE", *HOLD_TYPES])
def test_loop_prompts_with_an_interval_is_interrupted(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Queue", [loop_prompts(flows, {**LOOP_MESSAGES, "InterruptFrequencySeconds": "30"})],
               flow_type=flow_type)
    result = flows.run("Queue")

    assert result.branch("Loop prompts") == "MessagesInterrupted"
    assert result.path == ["Loop prompts", "Interrupted"]
    assert flows.note(result, "Loop prompts") == "interrupted after 30 s"


def test_loop_prompts_without_an_interval_ends_the_run(flows: FlowFactory) -> None:
    flows.make("Queue", [loop_prompts(flows, LOOP_MESSAGES)], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue")

    assert result.path == ["Loop prompts"]
    assert result.branch("Loop prompts") == "Success"
    assert result.ended == "flow_ended"
    assert "until an agent answers" in result.reason


@pytest.mark.parametrize("messages", [None, [], "Please hold"], ids=["missing", "empty", "text"])
def test_loop_prompts_without_a_message_list_takes_error(
    flows: FlowFactory, messages: Any
) -> None:
    parameters: dict[str, Any] = {"InterruptFrequencySeconds": "30"}
    if messages is not None:
        parameters["Messages"] = messages
    flows.make("Queue", [loop_prompts(flows, parameters)], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue")

    assert result.branch("Loop prompts") == "NoMatchingError"
    assert flows.note(result, "Loop prompts") == "Messages must be a non-empty list"


@pytest.mark.parametrize("channel", OFF_VOICE)
def test_loop_prompts_off_voice_takes_error(flows: FlowFactory, channel: str) -> None:
    flows.make("Queue", [loop_prompts(flows, {**LOOP_MESSAGES, "InterruptFrequencySeconds": "30"})],
               flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue", channel=channel)

    assert result.branch("Loop prompts") == "NoMatchingError"
    assert flows.note(result, "Loop prompts") == (
        f"MessageParticipantIteratively does not work on {channel}"
    )


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", *WHISPER_TYPES, *TRANSFER_TYPES])
def test_loop_prompts_outside_queue_and_hold_flows_takes_error(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Flow", [loop_prompts(flows, {**LOOP_MESSAGES, "InterruptFrequencySeconds": "30"})],
               flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Loop prompts") == "NoMatchingError"
    assert flows.note(result, "Loop prompts") == (
        f"MessageParticipantIteratively is not allowed in a {flow_type} flow"
    )


def test_loop_prompts_interrupt_without_its_condition_falls_to_the_error_branch(
    flows: FlowFactory,
) -> None:
    flows.make("Queue", [
        flows.action("Loop prompts", "MessageParticipantIteratively",
                     {**LOOP_MESSAGES, "InterruptFrequencySeconds": "20"},
                     errors={"NoMatchingError": "Failed"}),
    ], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue")

    # NoMatchingCondition has no entry of its own: the catch-all NoMatchingError is taken.
    assert result.branch("Loop prompts") == "NoMatchingError"
    assert result.path == ["Loop prompts", "Failed"]


# --- GetParticipantInput: menus ---------------------------------------------------------------


def menu(flows: FlowFactory, identifier: str = "Menu", **parameters: Any) -> ActionDict:
    return flows.action(
        identifier,
        "GetParticipantInput",
        {"Text": "Press 1 for sales, 2 for support", "StoreInput": "False",
         "InputTimeLimitSeconds": "5", **parameters},
        next_action="Timeout",  # consoles repeat an error target here; never taken
        conditions={"1": "Sales", "2": "Support", "*": "Star", "#": "Hash"},
        errors={"InputTimeLimitExceeded": "Timeout", "NoMatchingCondition": "No match",
                "NoMatchingError": "Failed"},
    )


@pytest.mark.parametrize(
    ("inputs", "branch", "target"),
    [
        (["1"], "1", "Sales"),
        (["2"], "2", "Support"),
        (["*"], "*", "Star"),
        (["#"], "#", "Hash"),
        ([1], "1", "Sales"),
        (["21"], "2", "Support"),  # a menu uses the item's first key
        (["9"], "NoMatchingCondition", "No match"),
        ([None], "InputTimeLimitExceeded", "Timeout"),
        ([""], "InputTimeLimitExceeded", "Timeout"),
        ([], "InputTimeLimitExceeded", "Timeout"),
    ],
    ids=["1", "2", "star", "hash", "int", "first-key", "unlisted", "null", "empty", "no-input"],
)
def test_menu_branches_on_the_first_key(
    flows: FlowFactory, inputs: list[Any], branch: str, target: str
) -> None:
    flows.make("Inbound", [menu(flows)])
    result = flows.run("Inbound", inputs=inputs)

    assert result.branch("Menu") == branch
    assert result.path == ["Menu", target]
    assert result.trace.inputs_left == []


def test_menu_notes_say_what_happened(flows: FlowFactory) -> None:
    flows.make("Inbound", [menu(flows)])

    assert flows.note(flows.run("Inbound", inputs=["2"]), "Menu") == "customer pressed 2"
    assert flows.note(flows.run("Inbound", inputs=[None]), "Menu") == "the customer entered nothing"
    assert flows.note(flows.run("Inbound"), "Menu") == "no input left"


def test_inputs_left_over_stay_unconsumed(flows: FlowFactory) -> None:
    flows.make("Inbound", [menu(flows)])
    result = flows.run("Inbound", inputs=["9", "2", "1"])

    assert result.branches("Menu") == ["NoMatchingCondition"]
    assert result.trace.inputs_left == ["2", "1"]


def test_a_menu_revisited_takes_the_next_input(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Menu", "GetParticipantInput", {"Text": "Press 1", "StoreInput": "False"},
                     conditions={"1": "Done"},
                     errors={"InputTimeLimitExceeded": "Retry", "NoMatchingCondition": "Retry",
                             "NoMatchingError": "Failed"}),
        flows.action("Retry", "Loop", {"LoopCount": "2"},
                     conditions={"ContinueLooping": "Menu", "DoneLooping": "Gave up"}),
    ])
    result = flows.run("Inbound", inputs=["9", None, "1", "5"])

    assert result.branches("Menu") == ["NoMatchingCondition", "InputTimeLimitExceeded", "1"]
    assert result.path == ["Menu", "Retry", "Menu", "Retry", "Menu", "Done"]
    assert result.trace.inputs_left == ["5"]


def test_menu_without_specific_error_entries_takes_no_matching_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Menu", "GetParticipantInput", {"Text": "Press 1", "StoreInput": "False"},
                     conditions={"1": "Done"}, errors={"NoMatchingError": "Failed"}),
    ])

    assert flows.run("Inbound", inputs=["7"]).branch("Menu") == "NoMatchingError"
    assert flows.run("Inbound", inputs=[None]).branch("Menu") == "NoMatchingError"


@pytest.mark.parametrize("channel", OFF_VOICE)
def test_input_off_voice_takes_error_and_consumes_nothing(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [menu(flows)])
    result = flows.run("Inbound", channel=channel, inputs=["1"])

    assert result.branch("Menu") == "NoMatchingError"
    assert result.path == ["Menu", "Failed"]
    assert flows.note(result, "Menu") == f"GetParticipantInput does not work on {channel}"
    assert result.trace.inputs_left == ["1"]


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", "CUSTOMER_QUEUE", *TRANSFER_TYPES])
def test_input_is_allowed_in_inbound_queue_and_transfer_flows(
    flows: FlowFactory, flow_type: str
) -> None:
    flows.make("Flow", [menu(flows)], flow_type=flow_type)
    result = flows.run("Flow", inputs=["1"])

    assert result.branch("Menu") == "1"


@pytest.mark.parametrize("flow_type", [*WHISPER_TYPES, *HOLD_TYPES])
def test_input_in_whisper_and_hold_flows_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [menu(flows)], flow_type=flow_type)
    result = flows.run("Flow", inputs=["1"])

    assert result.branch("Menu") == "NoMatchingError"
    assert flows.note(result, "Menu") == f"GetParticipantInput is not allowed in a {flow_type} flow"
    assert result.trace.inputs_left == ["1"]


def test_input_with_an_unset_prompt_reference_takes_error_and_consumes_nothing(
    flows: FlowFactory,
) -> None:
    flows.make("Inbound", [
        flows.action("Menu", "GetParticipantInput",
                     {"PromptId": "$.Attributes.menuPrompt", "StoreInput": "False"},
                     conditions={"1": "Done"}, errors={"NoMatchingError": "Failed"}),
    ])
    result = flows.run("Inbound", inputs=["1"])

    assert result.branch("Menu") == "NoMatchingError"
    assert flows.note(result, "Menu") == "the prompt's reference is unset"
    assert result.trace.inputs_left == ["1"]


# --- GetParticipantInput: Store customer input ---------------------------------------------


def store(flows: FlowFactory, validation: dict[str, Any] | None = None, **extra: Any) -> ActionDict:
    parameters: dict[str, Any] = {"Text": "Enter your number", "StoreInput": "True",
                                  "InputTimeLimitSeconds": "5", **extra}
    if validation is not None:
        parameters["InputValidation"] = validation
    return flows.action("Store", "GetParticipantInput", parameters, next_action="Save",
                        errors={"InvalidPhoneNumber": "Invalid", "NoMatchingError": "Failed"})


def store_flow(flows: FlowFactory, block: ActionDict) -> None:
    flows.make("Inbound", [
        block,
        flows.set_attributes("Save", {"stored": "$.StoredCustomerInput"}, "Saved"),
    ])


MAX_20 = {"CustomValidation": {"MaximumLength": "20"}}


@pytest.mark.parametrize(
    ("validation", "extra", "entered", "stored"),
    [
        (MAX_20, {}, "12345#", "12345"),
        (MAX_20, {}, "12345", "12345"),
        ({"CustomValidation": {"MaximumLength": "3"}}, {}, "12345", "123"),
        ({"CustomValidation": {"MaximumLength": "1"}}, {}, "7", "7"),
        (MAX_20, {"DTMFConfiguration": {"InputTerminationSequence": "*"}}, "12*34", "12"),
        (None, {}, "0042", "0042"),
        (MAX_20, {}, None, "Timeout"),
        (MAX_20, {}, "", "Timeout"),
    ],
    ids=["terminator", "no-terminator", "max-length", "one-digit", "custom-terminator",
         "no-validation", "timeout", "nothing"],
)
def test_store_input_keeps_the_digits(
    flows: FlowFactory, validation: dict[str, Any] | None, extra: dict[str, Any],
    entered: str | None, stored: str,
) -> None:
    store_flow(flows, store(flows, validation, **extra))
    result = flows.run("Inbound", inputs=[entered])

    assert result.branch("Store") == "Success"
    assert result.path == ["Store", "Save", "Saved"]
    assert result.attributes == {"stored": stored}


def test_store_input_with_no_input_left_stores_timeout(flows: FlowFactory) -> None:
    store_flow(flows, store(flows, MAX_20))
    result = flows.run("Inbound")

    assert result.branch("Store") == "Success"
    assert result.attributes == {"stored": "Timeout"}
    assert flows.note(result, "Store") == "nothing entered: stored Timeout"


@pytest.mark.parametrize(
    ("number_format", "country", "entered", "stored"),
    [
        ("E164", "", "+14155550123", "+14155550123"),
        ("E164", "", "14155550123#", "+14155550123"),
        ("E164", "", "442079460000", "+442079460000"),
        ("Local", "US", "4155550123", "+14155550123"),
        ("Local", "GB", "02079460000", "+442079460000"),
    ],
)
def test_store_input_normalises_valid_phone_numbers(
    flows: FlowFactory, number_format: str, country: str, entered: str, stored: str
) -> None:
    validation = {"PhoneNumberValidation": {"NumberFormat": number_format, "CountryCode": country}}
    store_flow(flows, store(flows, validation))
    result = flows.run("Inbound", inputs=[entered])

    assert result.branch("Store") == "Success"
    assert result.attributes == {"stored": stored}


@pytest.mark.parametrize(
    ("number_format", "country", "entered"),
    [
        ("E164", "", "123"),
        ("E164", "", "0123456789"),
        ("E164", "", "1234567890123456"),
        ("Local", "US", "555012"),
        ("Local", "US", "14155550123"),
        ("Local", "ZZ", "4155550123"),
    ],
    ids=["short", "leading-zero", "too-long", "us-short", "us-with-country", "unknown-country"],
)
def test_store_input_rejects_invalid_phone_numbers(
    flows: FlowFactory, number_format: str, country: str, entered: str
) -> None:
    validation = {"PhoneNumberValidation": {"NumberFormat": number_format, "CountryCode": country}}
    store_flow(flows, store(flows, validation))
    result = flows.run("Inbound", inputs=[entered])

    assert result.branch("Store") == "InvalidPhoneNumber"
    assert result.path == ["Store", "Invalid"]
    assert result.attributes == {}


def test_invalid_phone_number_without_its_entry_takes_no_matching_error(
    flows: FlowFactory,
) -> None:
    flows.make("Inbound", [
        flows.action("Store", "GetParticipantInput",
                     {"Text": "Number?", "StoreInput": "True",
                      "InputValidation": {"PhoneNumberValidation": {"NumberFormat": "E164"}}},
                     next_action="Saved", errors={"NoMatchingError": "Failed"}),
    ])
    result = flows.run("Inbound", inputs=["12"])

    assert result.branch("Store") == "NoMatchingError"
    assert result.path == ["Store", "Failed"]


def test_store_input_with_a_bad_maximum_length_takes_error(flows: FlowFactory) -> None:
    store_flow(flows, store(flows, {"CustomValidation": {"MaximumLength": "many"}}))
    result = flows.run("Inbound", inputs=["12"])

    assert result.branch("Store") == "NoMatchingError"
    assert "MaximumLength 'many' is not a number" in flows.note(result, "Store")


@pytest.mark.parametrize("channel", OFF_VOICE)
def test_store_input_off_voice_takes_error(flows: FlowFactory, channel: str) -> None:
    store_flow(flows, store(flows, MAX_20))
    result = flows.run("Inbound", channel=channel, inputs=["123"])

    assert result.branch("Store") == "NoMatchingError"
    assert result.path == ["Store", "Failed"]
    assert result.trace.inputs_left == ["123"]
    assert result.contact.stored_input is None


# --- Real flows from the corpus ------------------------------------------------------------

SIMPLE_INBOUND = "aws-samples__amazon-connect-data-analytics-sample__simpleinboundflow"


@pytest.mark.parametrize(
    ("inputs", "branch", "reason"),
    [
        (["1"], "1", "RecentPurchase"),
        (["2"], "2", "RepeatOrder"),
        (["3"], "3", "NewOrder"),
        (["8"], "NoMatchingCondition", "NoSelection"),
        ([None], "InputTimeLimitExceeded", "NoSelection"),
    ],
)
def test_corpus_simple_inbound_menu(
    flows: FlowFactory, inputs: list[str | None], branch: str, reason: str
) -> None:
    sim = flows.corpus(SIMPLE_INBOUND)
    result = sim.run("SimpleInboundFlow", inputs=inputs)

    assert result.branch("ff1dd4a2") == branch
    assert flows.note(result, "d06e0b16") == "Welcome to Amazon Connect Contact Centre."
    assert result.attributes == {"CallReason": reason}
    assert result.ended == "transferred_to_queue"
    assert result.queue == "BasicQueue"  # the console display text in ActionMetadata


def test_corpus_simple_inbound_menu_on_chat_takes_error(flows: FlowFactory) -> None:
    sim = flows.corpus(SIMPLE_INBOUND)
    result = sim.run("SimpleInboundFlow", contact=SimulatedContact(channel="CHAT"), inputs=["1"])

    assert result.branch("ff1dd4a2") == "NoMatchingError"
    assert result.attributes == {}
    assert result.path[-2:] == [
        "c24f3a99-0bf7-4702-b4f4-8ac87bbaaf01", "94097827-7b36-48dd-ac95-9139a06c8701",
    ]
    assert result.ended == "disconnected"


INTERRUPTIBLE_QUEUE = (
    "aws-samples__amazon-connect-callback-contact-management__interruptible-queue-flow-with-callback"
)


def test_corpus_interruptible_queue_flow_stays_in_queue_on_2(flows: FlowFactory) -> None:
    sim = flows.corpus(INTERRUPTIBLE_QUEUE)
    result = sim.run(INTERRUPTIBLE_QUEUE, inputs=["2"])

    assert result.branch("1b40bdee") == "MessagesInterrupted"
    assert result.branch("96f7b261") == "2"
    assert result.steps[0].flow_type == "CUSTOMER_QUEUE"  # from Metadata.type customerQueue
    assert result.ended == "flow_ended"


def test_corpus_interruptible_queue_flow_rejects_a_bad_callback_number(flows: FlowFactory) -> None:
    sim = flows.corpus(INTERRUPTIBLE_QUEUE)
    result = sim.run(INTERRUPTIBLE_QUEUE, inputs=["1", "555", "4155550123"])
    store_runs = [s.branch for s in result.steps if s.identifier.startswith("2ff07095")]
    assert store_runs == ["InvalidPhoneNumber", "Success"]
    assert result.contact.stored_input == "+14155550123"
