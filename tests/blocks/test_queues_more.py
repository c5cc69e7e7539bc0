"""Transfer to queue at capacity (TransferContactToQueue), Transfer to queue in a customer queue
flow (DequeueContactAndTransferToQueue) and Transfer to agent (TransferContactToAgent).

Flow language reference pages "TransferContactToQueue", "DequeueContactAndTransferToQueue";
Admin Guide block pages "Transfer to queue" and "Transfer to agent (beta)"; DESIGN.md "Mocks"
(queue capacity defaults to has room) and "How a run ends".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from routing_helpers import corpus_simulator

from pytest_connectflow.errors import MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALL_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
             "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
SALES_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-sales"
OVERFLOW_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-overflow"
AGENT_ARN = "arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/a-jdoe"
INSTANCE = {"queues": {"Sales": {"arn": SALES_ARN}, "Overflow": {"arn": OVERFLOW_ARN}}}


# --- TransferContactToQueue: QueueAtCapacity -----------------------------------------------


def transfer_flow(flows: FlowFactory, flow_type: str | None = None) -> None:
    flows.make("Flow", [
        flows.set_queue("Set queue", SALES_ARN, "To queue", "Queue failed"),
        flows.action("To queue", "TransferContactToQueue", next_action="Exported next",
                     errors={"QueueAtCapacity": "At capacity", "NoMatchingError": "Failed"}),
    ], flow_type=flow_type)


@pytest.mark.parametrize("key", ["Sales", SALES_ARN, "q-sales"], ids=["name", "arn", "id"])
def test_transfer_to_a_full_queue_takes_at_capacity(flows: FlowFactory, key: str) -> None:
    transfer_flow(flows)
    result = flows.run("Flow", simulator={"instance": INSTANCE},
                       mocks={"queues": {key: {"at_capacity": True}}})

    assert result.branch("To queue") == "QueueAtCapacity"
    assert result.path == ["Set queue", "To queue", "At capacity"]
    assert flows.note(result, "To queue") == "Sales is at capacity"
    assert result.ended == "disconnected"  # At capacity leads to an End flow in an inbound flow


@pytest.mark.parametrize("mock", [{"at_capacity": False}, {"agents_online": 3}, {"at_capacity": "false"}],
                         ids=["false", "metrics-only", "string"])
def test_a_queue_mock_without_at_capacity_has_room(flows: FlowFactory, mock: dict[str, Any]) -> None:
    transfer_flow(flows)
    result = flows.run("Flow", simulator={"instance": INSTANCE}, mocks={"queues": {"Sales": mock}})

    assert result.branch("To queue") == "Success"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "Sales"


def test_at_capacity_without_the_branch_falls_back_to_error(flows: FlowFactory) -> None:
    flows.make("Flow", [
        flows.set_queue("Set queue", SALES_ARN, "To queue", "Queue failed"),
        flows.action("To queue", "TransferContactToQueue", next_action="Failed",
                     errors={"NoMatchingError": "Failed"}),
    ])
    result = flows.run("Flow", simulator={"instance": INSTANCE},
                       mocks={"queues": {"Sales": {"at_capacity": True}}})

    assert result.branch("To queue") == "NoMatchingError"
    assert result.path == ["Set queue", "To queue", "Failed"]


def test_a_malformed_at_capacity_fails_the_test(flows: FlowFactory) -> None:
    transfer_flow(flows)
    with pytest.raises(MockError) as info:
        flows.run("Flow", simulator={"instance": INSTANCE}, mocks={"queues": {"Sales": {"at_capacity": "full"}}})

    assert info.value.message == "mocks.queues.Sales.at_capacity must be true or false, not 'full'"


SCV_QUEUE_TRANSFER = "amazon-connect__amazon-connect-salesforce-scv__aws-sample-scv-queue-transfer"


def test_corpus_scv_queue_transfer_apologises_when_the_queue_is_full(flows: FlowFactory) -> None:
    sim = corpus_simulator(SCV_QUEUE_TRANSFER, placeholders={
        "%%INVOKE_TELEPHONY_FUNCTION_ARN%%": "arn:aws:lambda:us-east-1:111122223333:function:scv-telephony"})
    result = sim.run(SCV_QUEUE_TRANSFER, contact=SimulatedContact(queue="Support"),
                     lambdas={"scv-telephony": {"voiceCallId": "vc-1"}},
                     hours={"Support": "open"},
                     mocks={"queues": {"Support": {"agents_staffed": 4, "at_capacity": True}}})

    assert result.branch("127a3beb") == "QueueAtCapacity"
    assert [p[:8] for p in result.path[-4:]] == ["127a3beb", "65d255e0", "8cf205f1", "a09f52a9"]
    assert result.ended == "disconnected"


# --- DequeueContactAndTransferToQueue ------------------------------------------------------


def dequeue(flows: FlowFactory, parameters: dict[str, Any]) -> ActionDict:
    return flows.action("Move", "DequeueContactAndTransferToQueue", parameters, next_action="Exported next",
                        errors={"QueueAtCapacity": "Overflow full", "NoMatchingError": "Move failed"})


def show_segment(flows: FlowFactory) -> ActionDict:
    return flows.set_attributes("Remember", {"queue": "$.Queue.Name", "contact": "$.ContactId"}, "Move")


@pytest.mark.parametrize(
    ("parameters", "attributes", "queue"),
    [
        ({"QueueId": OVERFLOW_ARN}, {}, "Overflow"),
        ({"QueueId": "$.Attributes.target"}, {"target": OVERFLOW_ARN}, "Overflow"),
        ({"AgentId": AGENT_ARN}, {}, AGENT_ARN),
    ],
    ids=["queue", "queue-reference", "agent"],
)
def test_dequeue_moves_the_contact_to_the_other_queue(
    flows: FlowFactory, parameters: dict[str, Any], attributes: dict[str, str], queue: str
) -> None:
    flows.make("Queue flow", [show_segment(flows), dequeue(flows, parameters)], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", queue="Sales", attributes=attributes, simulator={"instance": INSTANCE})

    assert result.path == ["Remember", "Move"]
    assert result.branch("Move") == "Success"
    assert result.ended == "transferred_to_queue"
    assert result.queue == queue
    assert result.reason == f"moved from Sales to {queue}"
    # A new contact segment whose previous contact is the one that was queued.
    c = result.contact
    assert c.previous_contact_id == result.attributes["contact"]
    assert c.contact_id != c.previous_contact_id
    assert c.initial_contact_id == result.attributes["contact"]
    assert c.initiation_method == "QUEUE_TRANSFER"


def test_dequeue_to_a_full_queue_keeps_the_contact_where_it_is(flows: FlowFactory) -> None:
    flows.make("Queue flow", [dequeue(flows, {"QueueId": OVERFLOW_ARN})], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", queue="Sales", simulator={"instance": INSTANCE},
                       mocks={"queues": {"Overflow": {"at_capacity": True}, "Sales": {"at_capacity": True}}})

    assert result.branch("Move") == "QueueAtCapacity"
    assert result.path == ["Move", "Overflow full"]
    assert flows.note(result, "Move") == "Overflow is at capacity; the contact stays in Sales"
    assert result.queue == "Sales"
    assert result.ended == "flow_ended"  # the End flow block of a customer queue flow


@pytest.mark.parametrize(
    ("parameters", "queue", "why"),
    [
        ({}, "Sales", "the block names no QueueId or AgentId"),
        ({"QueueId": "$.Attributes.missing"}, "Sales", "QueueId '$.Attributes.missing' is unset"),
        ({"QueueId": "Billing"}, "Sales", "queue 'Billing' is not a queue of the instance"),
        ({"QueueId": OVERFLOW_ARN, "AgentId": AGENT_ARN}, "Sales",
         "QueueId and AgentId are both given; the Flow language allows only one"),
        ({"QueueId": OVERFLOW_ARN}, None, "the contact is not in a queue"),
    ],
    ids=["no-target", "unset", "unknown-queue", "both", "not-queued"],
)
def test_dequeue_errors(flows: FlowFactory, parameters: dict[str, Any], queue: str | None, why: str) -> None:
    flows.make("Queue flow", [dequeue(flows, parameters)], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", queue=queue, simulator={"instance": INSTANCE})

    assert result.branch("Move") == "NoMatchingError"
    assert result.path == ["Move", "Move failed"]
    assert flows.note(result, "Move") == why


@pytest.mark.parametrize("channel", CHANNELS)
def test_dequeue_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Queue flow", [dequeue(flows, {"QueueId": OVERFLOW_ARN})], flow_type="CUSTOMER_QUEUE")
    result = flows.run("Queue flow", channel=channel, queue="Sales", simulator={"instance": INSTANCE})

    assert result.branch("Move") == "Success"
    assert result.queue == "Overflow"


@pytest.mark.parametrize("flow_type", [t for t in ALL_TYPES if t != "CUSTOMER_QUEUE"])
def test_dequeue_outside_a_customer_queue_flow_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [dequeue(flows, {"QueueId": OVERFLOW_ARN})], flow_type=flow_type)
    result = flows.run("Flow", queue="Sales", simulator={"instance": INSTANCE})

    assert result.branch("Move") == "NoMatchingError"
    assert flows.note(result, "Move") == f"DequeueContactAndTransferToQueue is not allowed in a {flow_type} flow"
    assert result.queue == "Sales"


def test_dequeue_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Move", "DequeueContactAndTransferToQueue", {"QueueId": OVERFLOW_ARN})],
               flow_type="CONTACT_FLOW")
    result = flows.run("Flow", queue="Sales", simulator={"instance": INSTANCE})

    assert result.ended == "error"
    assert "took NoMatchingError (DequeueContactAndTransferToQueue is not allowed in a CONTACT_FLOW flow)" in (
        result.reason
    )


# --- TransferContactToAgent ----------------------------------------------------------------


def to_agent(flows: FlowFactory) -> ActionDict:
    return flows.action("To agent", "TransferContactToAgent", next_action="Exported next",
                        errors={"NoMatchingError": "Agent failed"})


@pytest.mark.parametrize("flow_type", ["AGENT_TRANSFER", "QUEUE_TRANSFER"])
def test_transfer_to_agent_ends_the_run_with_the_agent(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Transfer", [
        flows.action("Set agent", "UpdateContactTargetQueue", {"AgentId": "$.Attributes.agent"},
                     next_action="To agent"),
        to_agent(flows),
    ], flow_type=flow_type)
    result = flows.run("Transfer", attributes={"agent": AGENT_ARN})

    assert result.path == ["Set agent", "To agent"]
    assert result.branch("To agent") == "Success"
    assert result.ended == "transferred_to_agent"
    assert result.reason == f"transferred to agent {AGENT_ARN}"


def test_a_busy_agent_disconnects_the_contact(flows: FlowFactory) -> None:
    # "If the agent is already with someone else, the contact is disconnected."
    flows.make("Transfer", [
        flows.action("Set agent", "UpdateContactTargetQueue", {"AgentId": AGENT_ARN}, next_action="To agent"),
        to_agent(flows),
    ], flow_type="AGENT_TRANSFER")
    result = flows.run("Transfer", mocks={"queues": {"a-jdoe": {"agents_busy": 1}}})

    assert result.branch("To agent") == "Success"
    assert result.ended == "disconnected"
    assert result.reason == f"agent {AGENT_ARN} is busy with another contact"


def test_transfer_to_agent_needs_an_agent_queue(flows: FlowFactory) -> None:
    flows.make("Transfer", [to_agent(flows)], flow_type="QUEUE_TRANSFER")
    result = flows.run("Transfer", queue="Sales")

    assert result.branch("To agent") == "NoMatchingError"
    assert result.path == ["To agent", "Agent failed"]
    assert flows.note(result, "To agent") == "no agent to transfer to (the working queue is not an agent's queue)"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_transfer_to_agent_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Transfer", [
        flows.action("Set agent", "UpdateContactTargetQueue", {"AgentId": AGENT_ARN}, next_action="To agent"),
        to_agent(flows),
    ], flow_type="AGENT_TRANSFER")
    result = flows.run("Transfer", channel=channel)

    assert result.branch("To agent") == "NoMatchingError"
    assert flows.note(result, "To agent") == f"TransferContactToAgent does not work on {channel}"


@pytest.mark.parametrize("flow_type", [t for t in ALL_TYPES if t not in ("AGENT_TRANSFER", "QUEUE_TRANSFER")])
def test_transfer_to_agent_outside_transfer_flows_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [to_agent(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("To agent") == "NoMatchingError"
    assert flows.note(result, "To agent") == f"TransferContactToAgent is not allowed in a {flow_type} flow"


def test_transfer_to_agent_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("To agent", "TransferContactToAgent")], flow_type="QUEUE_TRANSFER")
    result = flows.run("Flow", channel="CHAT")

    assert result.ended == "error"
    assert "took NoMatchingError (TransferContactToAgent does not work on CHAT)" in result.reason
