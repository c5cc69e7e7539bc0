"""Set working queue (UpdateContactTargetQueue) and Transfer to queue (TransferContactToQueue).

FLOW-LANGUAGE.md 5.7 and 5.8; DESIGN.md "Names" (resource names) and "How a run ends".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
ALLOWED_TYPES = ("CONTACT_FLOW", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED_TYPES = ("CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
                 "AGENT_WHISPER", "OUTBOUND_WHISPER")
SALES_ID = "5f1c2a4e-0000-4000-8000-00000000a001"
SALES_ARN = f"arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/{SALES_ID}"
INSTANCE = {"queues": {"Sales": {"arn": SALES_ARN}, "Billing": {"id": "q-bill"}}}


def set_queue(flows: FlowFactory, parameters: dict[str, Any]) -> ActionDict:
    return flows.action("Set queue", "UpdateContactTargetQueue", parameters,
                        next_action="Show queue", errors={"NoMatchingError": "Queue failed"})


def show_queue(flows: FlowFactory, next_action: str = "Done") -> ActionDict:
    return flows.set_attributes("Show queue", {"name": "$.Queue.Name", "arn": "$.Queue.ARN"},
                                next_action)


# --- UpdateContactTargetQueue ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("queue_id", "instance", "name", "arn"),
    [
        (SALES_ARN, {}, SALES_ID, SALES_ARN),  # the ARN's last segment
        (SALES_ARN, INSTANCE, "Sales", SALES_ARN),  # named by the instance file
        ("Sales", INSTANCE, "Sales", SALES_ARN),
        (SALES_ID, INSTANCE, "Sales", SALES_ARN),
        ("q-bill", INSTANCE, "Billing", ""),
        ("$.Attributes.queue", {}, SALES_ID, SALES_ARN),
    ],
    ids=["arn", "instance-by-arn", "instance-by-name", "instance-by-id", "instance-by-own-id",
         "reference"],
)
def test_set_queue_sets_the_working_queue(
    flows: FlowFactory, queue_id: str, instance: dict[str, Any], name: str, arn: str
) -> None:
    flows.make("Inbound", [set_queue(flows, {"QueueId": queue_id}), show_queue(flows)])
    result = flows.run("Inbound", attributes={"queue": SALES_ARN},
                       simulator={"instance": instance})

    assert result.branch("Set queue") == "Success"
    assert result.path == ["Set queue", "Show queue", "Done"]
    assert result.queue == name
    assert result.attributes["name"] == name
    assert result.attributes["arn"] == arn
    assert flows.note(result, "Set queue") == f"queue {name}"


def test_a_queue_is_named_by_the_console_display_text(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_queue(flows, {"QueueId": SALES_ARN}), show_queue(flows)],
               action_metadata={"Set queue": {"queue": {"id": SALES_ARN, "text": "Sales EMEA"}}})
    result = flows.run("Inbound")

    assert result.queue == "Sales EMEA"


def test_set_queue_by_agent_id_targets_the_agents_queue(flows: FlowFactory) -> None:
    flows.make("Inbound", [set_queue(flows, {"AgentId": "$.Attributes.agent"}), show_queue(flows)])
    result = flows.run("Inbound", attributes={"agent": "jdoe"})

    assert result.branch("Set queue") == "Success"
    assert result.queue == "jdoe"
    assert flows.note(result, "Set queue") == "agent queue of jdoe"


@pytest.mark.parametrize(
    ("parameters", "instance", "why"),
    [
        ({"QueueId": "$.Attributes.queue"}, {}, "QueueId '$.Attributes.queue' is unset"),
        ({"QueueId": ""}, {}, "QueueId '' is unset"),
        ({}, {}, "QueueId None is unset"),
        ({"QueueId": "Support"}, INSTANCE, "queue 'Support' is not a queue of the instance"),
        ({"AgentId": "$.Attributes.agent"}, {}, "AgentId '$.Attributes.agent' is unset"),
    ],
    ids=["unset-reference", "empty", "missing", "not-in-instance", "unset-agent"],
)
def test_set_queue_errors(
    flows: FlowFactory, parameters: dict[str, Any], instance: dict[str, Any], why: str
) -> None:
    flows.make("Inbound", [set_queue(flows, parameters), show_queue(flows)])
    result = flows.run("Inbound", simulator={"instance": instance})

    assert result.branch("Set queue") == "NoMatchingError"
    assert result.path == ["Set queue", "Queue failed"]
    assert flows.note(result, "Set queue") == why
    assert result.queue is None


@pytest.mark.parametrize("channel", CHANNELS)
def test_set_queue_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [set_queue(flows, {"QueueId": SALES_ARN}), show_queue(flows)])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Set queue") == "Success"


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_set_queue_works_in_inbound_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [set_queue(flows, {"QueueId": SALES_ARN}), show_queue(flows)],
               flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set queue") == "Success"
    assert result.queue == SALES_ID


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_set_queue_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [set_queue(flows, {"QueueId": SALES_ARN}), show_queue(flows)],
               flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set queue") == "NoMatchingError"
    assert flows.note(result, "Set queue") == (
        f"UpdateContactTargetQueue is not allowed in a {flow_type} flow"
    )
    assert result.queue is None


# --- TransferContactToQueue ------------------------------------------------------------------


def transfer_flow(flows: FlowFactory, *, with_queue: bool = True,
                  flow_type: str | None = None) -> None:
    actions = [
        flows.action("To queue", "TransferContactToQueue", next_action="Exported next",
                     errors={"QueueAtCapacity": "At capacity", "NoMatchingError": "Failed"}),
    ]
    if with_queue:
        actions.insert(0, flows.set_queue("Set queue", SALES_ARN, "To queue", "Queue failed"))
    flows.make("Flow", actions, flow_type=flow_type)


def test_transfer_to_queue_ends_the_flow_in_the_queue(flows: FlowFactory) -> None:
    transfer_flow(flows)
    result = flows.run("Flow", simulator={"instance": INSTANCE})

    assert result.path == ["Set queue", "To queue"]  # the exported NextAction is not followed
    assert result.branch("To queue") == "Success"
    assert result.ended == "transferred_to_queue"
    assert result.reason == "queued in Sales"
    assert result.queue == "Sales"


def test_queues_have_room_unless_mocked_otherwise(flows: FlowFactory) -> None:
    transfer_flow(flows)
    result = flows.run("Flow")

    assert result.branch("To queue") == "Success"
    assert "At capacity" not in result.path


def test_transfer_without_a_working_queue_takes_error(flows: FlowFactory) -> None:
    transfer_flow(flows, with_queue=False)
    result = flows.run("Flow")

    assert result.branch("To queue") == "NoMatchingError"
    assert result.path == ["To queue", "Failed"]
    assert flows.note(result, "To queue") == "no working queue is set"
    assert result.ended == "disconnected"  # Failed is an End flow in an inbound flow


@pytest.mark.parametrize("flow_type", ["AGENT_TRANSFER", "QUEUE_TRANSFER"])
def test_transfer_to_the_queue_a_quick_connect_set(flows: FlowFactory, flow_type: str) -> None:
    transfer_flow(flows, with_queue=False, flow_type=flow_type)
    result = flows.run("Flow", queue="Sales", simulator={"instance": INSTANCE})

    assert result.path == ["To queue"]
    assert result.branch("To queue") == "Success"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "Sales"


def test_the_working_queue_survives_a_transfer_to_flow(flows: FlowFactory) -> None:
    flows.make("Main", [
        flows.set_queue("Set queue", SALES_ARN, "Go", "Queue failed"),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": flows.flow_arn("Queueing")},
                     errors={"NoMatchingError": "Transfer failed"}),
    ], flow_type="CONTACT_FLOW")
    flows.make("Queueing", [flows.transfer_to_queue("To queue", "Failed")],
               flow_type="CONTACT_FLOW")
    result = flows.run("Main")

    assert result.flows == ["Main", "Queueing"]
    assert result.branch("To queue") == "Success"
    assert result.queue == SALES_ID


@pytest.mark.parametrize("channel", CHANNELS)
def test_transfer_works_on_every_channel(flows: FlowFactory, channel: str) -> None:
    transfer_flow(flows)
    result = flows.run("Flow", channel=channel)

    assert result.ended == "transferred_to_queue"


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_transfer_works_in_inbound_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    transfer_flow(flows, flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("To queue") == "Success"
    assert result.ended == "transferred_to_queue"


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_transfer_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    # A customer queue flow moves a contact with DequeueContactAndTransferToQueue instead.
    transfer_flow(flows, with_queue=False, flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("To queue") == "NoMatchingError"
    assert flows.note(result, "To queue") == (
        f"TransferContactToQueue is not allowed in a {flow_type} flow"
    )
    assert result.ended == "flow_ended"


# --- Real flows from the corpus ------------------------------------------------------------

SURVEY = "aws-samples__amazon-connect-contact-surveys__simple-survey-example"
SURVEY_DISCONNECT_FLOW_ID = "9c95f170-90a3-4dad-bb26-4dea76097865"


def test_corpus_survey_flow_queues_the_contact(flows: FlowFactory) -> None:
    # Stand in for the disconnect flow the sample references by ARN.
    flows.make("Survey disconnect", [flows.disconnect("Bye")], flow_type="CONTACT_FLOW",
               custom_id=SURVEY_DISCONNECT_FLOW_ID)
    sim = flows.simulator(flows.corpus_path(SURVEY))
    result = sim.run("Simple Survey Example")

    assert result.branch("9c9176ba") == "Success"
    assert result.contact.event_hooks == {"CustomerRemaining": "Survey disconnect"}
    assert result.attributes == {"surveyId": " "}
    assert result.branch("ba8ce768") == "Success"
    assert result.branch("d7227083") == "Success"
    assert result.ended == "transferred_to_queue"
    assert result.queue == "BasicQueue"  # the display text the console keeps


ACME_QUEUE_TRANSFER = "aws-samples__amazon-connect-gitlab-cicd-terraform__acme-queue-transfer"


def test_corpus_queue_transfer_flow_queues_in_the_quick_connects_queue(flows: FlowFactory) -> None:
    sim = flows.corpus(ACME_QUEUE_TRANSFER,
                       instance={"flow_types": {ACME_QUEUE_TRANSFER: "QUEUE_TRANSFER"}})
    result = sim.run(ACME_QUEUE_TRANSFER, contact=SimulatedContact(queue="Support"))

    assert result.branch("842346a5") == "Success"
    assert result.path[-1].startswith("842346a5")  # the exported NextAction is not followed
    assert result.ended == "transferred_to_queue"
    assert result.queue == "Support"
