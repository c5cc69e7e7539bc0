"""Check contact attributes (Compare) and Loop.

FLOW-LANGUAGE.md section 4 (operators), 5.6 and 5.9; DESIGN.md "Branches" and "References".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from pytest_connectflow.errors import FlowDefectError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = (
    "CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "CUSTOMER_WHISPER", "AGENT_HOLD",
    "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN",
)


def compare(
    flows: FlowFactory,
    reference: str | None,
    conditions: list[tuple[str, str, str]],
    identifier: str = "Check",
    next_action: str | None = "Exported next",
) -> ActionDict:
    parameters = {} if reference is None else {"ComparisonValue": reference}
    return flows.action(identifier, "Compare", parameters, next_action=next_action,
                        conditions=conditions, errors={"NoMatchingCondition": "No match"})


# --- Compare: operators ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "operand", "matches"),
    [
        ("Equals", "gold", "gold", True),
        ("Equals", "Gold", "gold", False),  # case-sensitive
        ("Equals", " gold", "gold", False),  # no trimming
        ("Equals", "1", "1.0", False),  # strings, not numbers
        ("TextStartsWith", "+44 20 7946", "+44", True),
        ("TextStartsWith", "0044 20", "+44", False),
        ("TextEndsWith", "report.pdf", ".pdf", True),
        ("TextEndsWith", "report.pdf.txt", ".pdf", False),
        ("TextContains", "billing-dispute", "dispute", True),
        ("TextContains", "billing", "Bill", False),
        ("NumberGreaterThan", "10", "9", True),  # numerically, not as text
        ("NumberGreaterThan", "9", "9", False),
        ("NumberGreaterThan", "1e2", "99", True),
        ("NumberGreaterThan", "abc", "1", False),  # not a number: false, not an error
        ("NumberGreaterThan", "NaN", "1", False),
        ("NumberGreaterThan", "Infinity", "1", False),
        ("NumberGreaterOrEqualTo", "5", "5", True),
        ("NumberGreaterOrEqualTo", "4.99", "5", False),
        ("NumberLessThan", "2.5", "10", True),
        ("NumberLessThan", "10", "10", False),
        ("NumberLessOrEqualTo", "3", "3", True),
        ("NumberLessOrEqualTo", "3.01", "3", False),
    ],
)
def test_compare_operator(
    flows: FlowFactory, operator: str, value: str, operand: str, matches: bool
) -> None:
    flows.make("Inbound", [compare(flows, "$.Attributes.value", [(operator, operand, "Match")])])
    result = flows.run("Inbound", attributes={"value": value})

    assert result.branch("Check") == (operand if matches else "NoMatchingCondition")
    assert result.path == ["Check", "Match" if matches else "No match"]
    assert flows.note(result, "Check") == f"$.Attributes.value = {value!r}"


def test_compare_takes_the_first_condition_that_holds(flows: FlowFactory) -> None:
    # The Admin Guide's Check queue status example: a "<= 90" first shadows a later "<= 9".
    flows.make("Inbound", [compare(flows, "$.Attributes.wait", [
        ("NumberLessOrEqualTo", "90", "Up to 90"),
        ("NumberLessOrEqualTo", "9", "Up to 9"),
    ])])
    result = flows.run("Inbound", attributes={"wait": "5"})

    assert result.branch("Check") == "90"
    assert result.path == ["Check", "Up to 90"]


@pytest.mark.parametrize(
    ("value", "branch", "target"),
    [("3", "NumberGreaterThan:0", "Positive"), ("0", "Equals:0", "Zero")],
)
def test_conditions_sharing_an_operand_are_named_by_operator(
    flows: FlowFactory, value: str, branch: str, target: str
) -> None:
    flows.make("Inbound", [compare(flows, "$.Attributes.count", [
        ("NumberGreaterThan", "0", "Positive"),
        ("Equals", "0", "Zero"),
    ])])
    result = flows.run("Inbound", attributes={"count": value})

    assert result.branch("Check") == branch
    assert result.path == ["Check", target]


def test_an_unset_reference_matches_no_condition(flows: FlowFactory) -> None:
    # Not even a condition that an empty string would meet.
    flows.make("Inbound", [compare(flows, "$.Attributes.tier", [
        ("Equals", "", "Empty"),
        ("TextContains", "", "Contains nothing"),
    ])])
    result = flows.run("Inbound")

    assert result.branch("Check") == "NoMatchingCondition"
    assert result.path == ["Check", "No match"]
    assert flows.note(result, "Check") == "$.Attributes.tier is unset"


def test_an_empty_attribute_is_a_value(flows: FlowFactory) -> None:
    flows.make("Inbound", [compare(flows, "$.Attributes.tier", [("Equals", "", "Empty")])])
    result = flows.run("Inbound", attributes={"tier": ""})

    assert result.branch("Check") == ""
    assert result.path == ["Check", "Empty"]


def test_compare_without_comparison_value_takes_no_matching_condition(flows: FlowFactory) -> None:
    flows.make("Inbound", [compare(flows, None, [("Equals", "x", "Match")])])
    result = flows.run("Inbound")

    assert result.branch("Check") == "NoMatchingCondition"
    assert flows.note(result, "Check") == "the block has no ComparisonValue"


def test_the_exported_next_action_is_never_followed(flows: FlowFactory) -> None:
    flows.make("Inbound", [compare(flows, "$.Attributes.x", [("Equals", "a", "Match")],
                                   next_action="Exported next")])
    result = flows.run("Inbound", attributes={"x": "b"})

    assert "Exported next" not in result.path
    assert result.path == ["Check", "No match"]


def test_no_match_without_its_error_entry_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Check", "Compare", {"ComparisonValue": "$.Attributes.x"},
                     next_action="Exported next", conditions={"a": "Match"}),
    ])
    result = flows.run("Inbound", attributes={"x": "b"})

    assert result.ended == "error"
    assert result.branch("Check") == "NoMatchingCondition"
    assert "took NoMatchingCondition" in result.reason
    assert "no Errors entry" in result.reason


def test_an_unknown_operator_is_a_flow_defect(flows: FlowFactory) -> None:
    flows.make("Inbound", [compare(flows, "$.Attributes.x", [("IsPrime", "7", "Match")])])

    with pytest.raises(FlowDefectError, match="unsupported condition operator 'IsPrime'"):
        flows.run("Inbound", attributes={"x": "7"})


@pytest.mark.parametrize(
    ("reference", "attributes", "value"),
    [
        ("$.Attributes['my key']", {"my key": "v1"}, "v1"),
        ("$.Attributes.first-name", {"first-name": "Ann"}, "Ann"),
        ("$.CustomerEndpoint.Address", {}, "+15555550100"),
        ("$.InitiationMethod", {}, "INBOUND"),
        ("$.LanguageCode", {}, "en-US"),
    ],
)
def test_compare_reads_references(
    flows: FlowFactory, reference: str, attributes: dict[str, str], value: str
) -> None:
    flows.make("Inbound", [compare(flows, reference, [("Equals", value, "Match")])])
    result = flows.run("Inbound", attributes=attributes)

    assert result.branch("Check") == value


@pytest.mark.parametrize("channel", CHANNELS)
def test_compare_on_the_channel_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [compare(flows, "$.Channel", [
        ("Equals", c, f"Is {c}") for c in CHANNELS
    ])])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Check") == channel
    assert result.path == ["Check", f"Is {channel}"]


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_compare_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [compare(flows, "$.Attributes.x", [("Equals", "a", "Match")])],
               flow_type=flow_type)
    result = flows.run("Flow", attributes={"x": "a"})

    assert result.branch("Check") == "a"


def test_compare_on_stored_input_names_the_timeout_condition(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Store", "GetParticipantInput", {"Text": "Digits?", "StoreInput": "True"},
                     next_action="Check", errors={"NoMatchingError": "Failed"}),
        compare(flows, "$.StoredCustomerInput", [("Equals", "Timeout", "Nothing entered")]),
    ])
    result = flows.run("Inbound", inputs=[None])

    assert result.branch("Check") == "Timeout"
    assert result.path == ["Store", "Check", "Nothing entered"]


# --- Loop ------------------------------------------------------------------------------------


def loop(flows: FlowFactory, count: str, identifier: str = "Retry", body: str = "Body",
         done: str = "Done", errors: dict[str, str] | None = None) -> ActionDict:
    return flows.action(identifier, "Loop", {"LoopCount": count},
                        conditions={"ContinueLooping": body, "DoneLooping": done}, errors=errors)


def loop_flow(flows: FlowFactory, count: str, errors: dict[str, str] | None = None) -> None:
    flows.make("Inbound", [
        loop(flows, count, errors=errors),
        flows.message("Body", "Again", "Retry"),
    ])


@pytest.mark.parametrize(
    ("count", "runs"),
    [("0", 0), ("1", 1), ("3", 3), (" 2 ", 2), ("100", 100)],
)
def test_loop_continues_count_times_then_is_done(
    flows: FlowFactory, count: str, runs: int
) -> None:
    loop_flow(flows, count)
    result = flows.run("Inbound")

    assert result.branches("Retry") == ["ContinueLooping"] * runs + ["DoneLooping"]
    assert result.path.count("Body") == runs
    assert result.path[-2:] == ["Retry", "Done"]


def test_loop_notes_count_the_rounds(flows: FlowFactory) -> None:
    loop_flow(flows, "2")
    result = flows.run("Inbound")

    assert [s.note for s in result.steps_of("Retry")] == ["loop 1 of 2", "loop 2 of 2",
                                                           "done after 2"]


def test_loop_count_from_a_reference(flows: FlowFactory) -> None:
    loop_flow(flows, "$.Attributes.surveySize")
    result = flows.run("Inbound", attributes={"surveySize": 2})

    assert result.branches("Retry") == ["ContinueLooping", "ContinueLooping", "DoneLooping"]


def test_the_counter_resets_after_done(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        loop(flows, "1", "Inner", body="Inner body", done="Outer"),
        flows.message("Inner body", "inner", "Inner"),
        loop(flows, "1", "Outer", body="Inner", done="Done"),
    ])
    result = flows.run("Inbound")

    assert result.branches("Inner") == ["ContinueLooping", "DoneLooping"] * 2
    assert result.branches("Outer") == ["ContinueLooping", "DoneLooping"]


@pytest.mark.parametrize(
    ("count", "why"),
    [
        ("many", "LoopCount 'many' is not a whole number"),
        ("2.5", "LoopCount '2.5' is not a whole number"),
        ("-1", "LoopCount -1 is outside 0..100"),
        ("101", "LoopCount 101 is outside 0..100"),
        ("$.Attributes.unset", "LoopCount None is not a whole number"),
    ],
)
def test_an_invalid_loop_count_takes_error(flows: FlowFactory, count: str, why: str) -> None:
    loop_flow(flows, count, errors={"NoMatchingError": "Failed"})
    result = flows.run("Inbound")

    assert result.branch("Retry") == "NoMatchingError"
    assert result.path == ["Retry", "Failed"]
    assert flows.note(result, "Retry") == why


def test_an_invalid_loop_count_without_error_branch_ends_in_error(flows: FlowFactory) -> None:
    # The reference lists no errors for Loop, so exported Loops usually have no Error branch.
    loop_flow(flows, "many")
    result = flows.run("Inbound")

    assert result.ended == "error"
    assert "not a whole number" in result.reason


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_loop_works_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [loop(flows, "1", body="Again", done="Done"),
                        flows.set_attributes("Again", {"looped": "yes"}, "Retry")],
               flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branches("Retry") == ["ContinueLooping", "DoneLooping"]
    assert result.attributes == {"looped": "yes"}


@pytest.mark.parametrize("channel", CHANNELS)
def test_loop_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Flow", [loop(flows, "1", body="Retry", done="Done")])
    result = flows.run("Flow", channel=channel)

    assert result.branches("Retry") == ["ContinueLooping", "DoneLooping"]


def test_transfer_to_flow_starts_loop_counters_afresh(flows: FlowFactory) -> None:
    flows.make("Main", [
        loop(flows, "1", body="Second round?", done="Done"),
        compare(flows, "$.Attributes.round", [("Equals", "2", "Second run continued")],
                identifier="Second round?"),
        flows.set_attributes("No match", {"round": "2"}, "Again"),
        flows.action("Again", "TransferToFlow", {"ContactFlowId": flows.flow_arn("Main")},
                     errors={"NoMatchingError": "Transfer failed"}),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    # In the new flow run the counter starts at 0 again: ContinueLooping, not DoneLooping.
    assert result.branches("Retry") == ["ContinueLooping", "ContinueLooping"]
    assert result.path[-1] == "Second run continued"
    assert result.flows == ["Main", "Main"]


def test_a_module_has_its_own_loop_counters(flows: FlowFactory) -> None:
    flows.make("Helper", [
        loop(flows, "1", body="Return", done="Return"),
        flows.action("Return", "EndFlowModuleExecution"),
    ], module=True)
    flows.make("Main", [
        loop(flows, "1", body="Invoke", done="Done"),
        flows.action("Invoke", "InvokeFlowModule",
                     {"FlowModuleId": flows.flow_arn("Helper", module=True)},
                     next_action="Retry", errors={"NoMatchingError": "Module failed"}),
    ], flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.path == ["Retry", "Invoke", "Retry", "Return", "Retry", "Done"]
    assert result.branches("Helper/Retry") == ["ContinueLooping"]
    assert result.branches("Main/Retry") == ["ContinueLooping", "DoneLooping"]


# --- Real flows from the corpus ------------------------------------------------------------

VMX_TASK = "amazon-connect__voicemail-express-amazon-connect__vmxexampletaskflow"


def test_corpus_task_flow_compares_the_routing_target(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX_TASK)
    queue = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-voicemail"
    result = sim.run(VMX_TASK, contact=SimulatedContact(
        channel="TASK", attributes={"vmx3_queue_arn": queue, "vmx3_target": "queue"}))

    assert result.path == ["Turn on logging", "Set the target queue", "Check for Agent routing",
                           "Route voicemail"]
    assert result.branch("Check for Agent routing") == "NoMatchingCondition"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "q-voicemail"


def test_corpus_task_flow_without_a_queue_ends_at_its_disconnect(flows: FlowFactory) -> None:
    sim = flows.corpus(VMX_TASK)
    result = sim.run(VMX_TASK, contact=SimulatedContact(channel="TASK"))

    assert result.branch("Set the target queue") == "NoMatchingError"
    assert result.branch("Check for Agent routing") == "NoMatchingCondition"
    assert result.branch("Route voicemail") == "NoMatchingError"
    assert result.path[-1] == "End flow"
    assert result.ended == "disconnected"


DEEPGRAM = "deepgram__amazon-connect-integration__sample-contact-flow"


def test_corpus_silence_loop_runs_one_hundred_rounds(flows: FlowFactory) -> None:
    sim = flows.corpus(DEEPGRAM)
    result = sim.run("Sample Deepgram flow")

    assert result.branch("Invoke Trigger Lambda") == "NoMatchingError"  # its ARN is left empty
    assert result.branches("Play 100 mins of silence") == ["ContinueLooping"] * 100 + [
        "DoneLooping"
    ]
    assert result.attributes["dg_model"] == "nova"
    assert result.ended == "disconnected"
    # The stream started at the top ends with the disconnect.
    assert result.media_streaming == "stopped"
    assert [e.kind for e in result.media_streaming.history] == ["start", "disconnect"]
