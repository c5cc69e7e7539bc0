"""Check hours of operation (CheckHoursOfOperation) answered by hours mocks.

FLOW-LANGUAGE.md 5.25; DESIGN.md "Mocks" (Hours).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import ConfigurationError, MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALLOWED_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER",
                 "OUTBOUND_WHISPER")
HOURS_ID = "h-office"
HOURS_ARN = f"arn:aws:connect:us-east-1:123456789012:instance/i-1/operating-hours/{HOURS_ID}"
SALES_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-sales"
INSTANCE = {
    "hours": {"Office hours": {"arn": HOURS_ARN}},
    "queues": {"Sales": {"arn": SALES_ARN, "hours": "Office hours"}, "Billing": {"id": "q-bill"}},
}


def check(flows: FlowFactory, hours: str | None = HOURS_ARN) -> ActionDict:
    parameters = {} if hours is None else {"HoursOfOperationId": hours}
    return flows.action("Check hours", "CheckHoursOfOperation", parameters,
                        next_action="Closed",  # consoles repeat a condition target here
                        conditions={"True": "Open", "False": "Closed"},
                        errors={"NoMatchingError": "No hours"})


def hours_flow(flows: FlowFactory, hours: str | None = HOURS_ARN, *, queue: str | None = None,
               flow_type: str | None = None, **kwargs: Any) -> None:
    actions = [check(flows, hours)]
    if queue is not None:
        actions.insert(0, flows.set_queue("Set queue", queue, "Check hours", "Queue failed"))
    flows.make("Flow", actions, flow_type=flow_type, **kwargs)


# --- Open, closed and how the mock is found ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "branch", "target", "note"),
    [
        ("open", "True", "Open", "in hours"),
        ("closed", "False", "Closed", "out of hours"),
        ("Open", "True", "Open", "in hours"),
        (True, "True", "Open", "in hours"),
        (False, "False", "Closed", "out of hours"),
        ("true", "True", "Open", "in hours"),
        ("false", "False", "Closed", "out of hours"),
        (lambda: "closed", "False", "Closed", "out of hours"),
    ],
    ids=["open", "closed", "Open", "True", "False", "true-text", "false-text", "callable"],
)
def test_the_mock_decides_true_or_false(
    flows: FlowFactory, value: Any, branch: str, target: str, note: str
) -> None:
    hours_flow(flows)
    result = flows.run("Flow", hours={"Office hours": value}, simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == branch
    assert result.path == ["Check hours", target]
    assert flows.note(result, "Check hours") == note


@pytest.mark.parametrize("key", ["Office hours", HOURS_ARN, HOURS_ID],
                         ids=["name", "arn", "id"])
def test_the_blocks_hours_are_mocked_by_name_arn_or_id(flows: FlowFactory, key: str) -> None:
    hours_flow(flows)
    result = flows.run("Flow", hours={key: "closed"}, simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == "False"


def test_hours_named_by_the_console_display_text(flows: FlowFactory) -> None:
    hours_flow(flows, action_metadata={
        "Check hours": {"Hours": {"text": "Weekdays 9-5", "id": HOURS_ARN}},
    })
    result = flows.run("Flow", hours={"Weekdays 9-5": "open"})

    assert result.branch("Check hours") == "True"


def test_the_hours_may_be_a_reference(flows: FlowFactory) -> None:
    hours_flow(flows, "$.Attributes.hoursArn")
    result = flows.run("Flow", attributes={"hoursArn": HOURS_ARN}, hours={HOURS_ID: "open"})

    assert result.branch("Check hours") == "True"


@pytest.mark.parametrize(
    ("queue", "key"),
    [
        (SALES_ARN, "Office hours"),  # the queue's hours in the instance file
        ("q-bill", "Billing"),  # a queue with no hours in the instance file: its name
    ],
)
def test_without_block_hours_the_queues_hours_are_checked(
    flows: FlowFactory, queue: str, key: str
) -> None:
    hours_flow(flows, None, queue=queue)
    result = flows.run("Flow", hours={key: "closed"}, simulator={"instance": INSTANCE})

    assert result.path == ["Set queue", "Check hours", "Closed"]
    assert result.branch("Check hours") == "False"


@pytest.mark.parametrize("key", ["Office hours", HOURS_ARN, HOURS_ID],
                         ids=["name", "arn", "id"])
def test_the_queues_hours_are_mocked_by_name_arn_or_id(flows: FlowFactory, key: str) -> None:
    # The instance file names the queue's hours by name; the mock may use its ARN or Id.
    hours_flow(flows, None, queue=SALES_ARN)
    result = flows.run("Flow", hours={key: "closed"}, simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == "False"


@pytest.mark.parametrize("key", [HOURS_ARN, HOURS_ID], ids=["arn", "id"])
def test_hours_named_by_name_are_mocked_by_arn_or_id(flows: FlowFactory, key: str) -> None:
    hours_flow(flows, "$.Attributes.hours")
    result = flows.run("Flow", attributes={"hours": "Office hours"}, hours={key: "open"},
                       simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == "True"


SUPPORT_ARN = "arn:aws:connect:us-east-1:1:instance/i/queue/q-support"


@pytest.mark.parametrize("key", ["q-support", SUPPORT_ARN])
def test_an_unlisted_queue_is_mocked_by_its_name_or_arn(flows: FlowFactory, key: str) -> None:
    hours_flow(flows, "", queue=SUPPORT_ARN)
    result = flows.run("Flow", hours={key: "open"})

    assert result.branch("Check hours") == "True"


@pytest.mark.parametrize(("value", "branch"), [("open", "True"), ("closed", "False")])
def test_a_contact_already_in_a_queue_checks_that_queues_hours(
    flows: FlowFactory, value: str, branch: str
) -> None:
    flows.make("Flow", [check(flows, None)], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Flow", queue="Sales", hours={HOURS_ID: value},
                       simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == branch


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hours", [None, ""], ids=["absent", "empty"])
def test_no_hours_and_no_queue_takes_error(flows: FlowFactory, hours: str | None) -> None:
    hours_flow(flows, hours)
    result = flows.run("Flow", hours={"Office hours": "open"})

    assert result.branch("Check hours") == "NoMatchingError"
    assert result.path == ["Check hours", "No hours"]
    assert flows.note(result, "Check hours") == "no hours given and no queue set"


def test_an_unset_hours_reference_takes_error(flows: FlowFactory) -> None:
    hours_flow(flows, "$.Attributes.hoursArn", queue=SALES_ARN)
    result = flows.run("Flow", hours={"Office hours": "open"}, simulator={"instance": INSTANCE})

    assert result.branch("Check hours") == "NoMatchingError"
    assert flows.note(result, "Check hours") == "HoursOfOperationId '$.Attributes.hoursArn' is unset"


def test_an_agent_queue_has_no_hours_and_takes_error(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.action("Agent queue", "UpdateContactTargetQueue", {"AgentId": "jdoe"},
                     next_action="Check hours", errors={"NoMatchingError": "Queue failed"}),
        check(flows, None),
    ])
    result = flows.run("Flow")

    assert result.branch("Check hours") == "NoMatchingError"


def test_a_missing_mock_fails_the_test_naming_the_block(flows: FlowFactory) -> None:
    hours_flow(flows)

    with pytest.raises(MissingMockError) as info:
        flows.run("Flow", simulator={"instance": INSTANCE})
    assert "'Check hours'" in info.value.message
    assert "Office hours" in info.value.message


def test_a_bad_mock_value_is_a_mock_error(flows: FlowFactory) -> None:
    hours_flow(flows)

    with pytest.raises(MockError, match="must be 'open' or 'closed'"):
        flows.run("Flow", hours={"Office hours": "maybe"}, simulator={"instance": INSTANCE})


def test_a_mock_key_naming_a_queue_and_hours_is_a_configuration_error(flows: FlowFactory) -> None:
    hours_flow(flows)
    instance = {"hours": {"Main": {"arn": HOURS_ARN}}, "queues": {"Main": {"arn": SALES_ARN}}}

    with pytest.raises(ConfigurationError, match="names both a queue and an hours resource"):
        flows.run("Flow", hours={"Main": "open"}, simulator={"instance": instance})


def test_false_without_its_condition_falls_to_the_error_branch(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.action("Check hours", "CheckHoursOfOperation", {"HoursOfOperationId": HOURS_ARN},
                     conditions={"True": "Open"}, errors={"NoMatchingError": "No hours"}),
    ])
    result = flows.run("Flow", hours={HOURS_ID: "closed"})

    assert result.branch("Check hours") == "NoMatchingError"
    assert result.path == ["Check hours", "No hours"]


# --- Channels and flow types ---------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_hours_work_on_every_channel(flows: FlowFactory, channel: str) -> None:
    hours_flow(flows)
    result = flows.run("Flow", channel=channel, hours={HOURS_ID: "open"})

    assert result.branch("Check hours") == "True"


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_hours_work_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    hours_flow(flows, flow_type=flow_type)
    result = flows.run("Flow", hours={HOURS_ID: "closed"})

    assert result.branch("Check hours") == "False"


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_hours_in_hold_and_whisper_flows_take_error(flows: FlowFactory, flow_type: str) -> None:
    hours_flow(flows, flow_type=flow_type)
    # No mock needed: the block is refused before the hours are looked up.
    result = flows.run("Flow")

    assert result.branch("Check hours") == "NoMatchingError"
    assert flows.note(result, "Check hours") == (
        f"CheckHoursOfOperation is not allowed in a {flow_type} flow"
    )


# --- Real flows from the corpus ------------------------------------------------------------

HOP = "aws-samples__amazon-connect-experience-builder__contact-flow-hop"
SCV_QUEUE_TRANSFER = "amazon-connect__amazon-connect-salesforce-scv__aws-sample-scv-queue-transfer"


def test_corpus_hop_flow_without_hours_or_queue_takes_its_error_path(flows: FlowFactory) -> None:
    sim = flows.corpus(HOP)
    result = sim.run(HOP)

    assert result.branch("99f03788") == "NoMatchingError"
    assert result.branch("cd05ff33") == "NoMatchingError"  # TransferToFlow "" names no flow
    assert flows.note(result, "970b4b4a") == "Sorry there was an error. Please try again later."
    assert result.ended == "disconnected"


def test_corpus_queue_transfer_flow_without_a_queue_takes_error(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_QUEUE_TRANSFER,
                       instance={"flow_types": {SCV_QUEUE_TRANSFER: "QUEUE_TRANSFER"}})
    result = sim.run(SCV_QUEUE_TRANSFER, contact=SimulatedContact(),
                     lambdas={"%%INVOKE_TELEPHONY_FUNCTION_ARN%%": {"voiceCallId": "vc-9"}})

    assert result.attributes == {"voiceCallId": "vc-9"}
    assert result.steps_of("861b5e68")[0].flow_type == "QUEUE_TRANSFER"
    # No queue is set in this run (a quick connect would set it): the Error branch.
    assert result.branch("861b5e68") == "NoMatchingError"
    assert flows.note(result, "5babd3fa").startswith("The department you are trying to reach")
    assert result.ended == "disconnected"


@pytest.mark.parametrize(
    ("value", "branch", "prompt"),
    [("open", "True", "cd05ff33"), ("closed", "False", "0cd237b4")],
)
def test_corpus_hop_flow_checks_its_queues_hours(
    flows: FlowFactory, value: str, branch: str, prompt: str
) -> None:
    sim = flows.corpus(HOP)
    result = sim.run(HOP, hours={"q-main": value}, contact=SimulatedContact(
        queue="arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-main"))

    assert result.branch("99f03788") == branch
    assert result.steps[1].identifier.startswith(prompt)
    assert result.ended == "disconnected"


def test_corpus_queue_transfer_flow_says_the_queue_is_closed(flows: FlowFactory) -> None:
    sim = flows.corpus(SCV_QUEUE_TRANSFER,
                       instance={"flow_types": {SCV_QUEUE_TRANSFER: "QUEUE_TRANSFER"}})
    result = sim.run(SCV_QUEUE_TRANSFER, contact=SimulatedContact(queue="Support"),
                     hours={"Support": "closed"},
                     lambdas={"%%INVOKE_TELEPHONY_FUNCTION_ARN%%": {"voiceCallId": "vc-9"}})

    assert result.branch("861b5e68") == "False"
    assert flows.note(result, "5babd3fa").startswith("The department you are trying to reach")
    assert flows.note(result, "8cf205f1") == "Goodbye."
    assert result.ended == "disconnected"
