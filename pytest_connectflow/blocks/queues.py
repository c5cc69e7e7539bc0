"""Set working queue (UpdateContactTargetQueue), Transfer to queue (TransferContactToQueue; in a
customer queue flow DequeueContactAndTransferToQueue) and Transfer to agent
(TransferContactToAgent)."""

from __future__ import annotations

import uuid

from ..engine.contact import QueueRef
from ..engine.context import RunContext
from ..engine.outcome import Outcome, end, error, success
from ..flow.library import arn_id
from ..flow.model import Action
from ..mocks.queues import at_capacity, optional_metric
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, VOICE, BlockSpec


def run_set_queue(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    if "AgentId" in params:
        agent = ctx.resolve(params["AgentId"])
        if not agent:
            return error(note=f"AgentId {params['AgentId']!r} is unset")
        ctx.contact.queue = QueueRef(name=agent, arn=agent if agent.startswith("arn:") else None, agent=True)
        return success(f"agent queue of {agent}")
    ref = ctx.resolve(params.get("QueueId"))
    if not ref:
        return error(note=f"QueueId {params.get('QueueId')!r} is unset")
    resource = ctx.instance.find(ctx.instance.queues, ref)
    if resource is None and ctx.instance.queues:
        return error(note=f"queue {ref!r} is not a queue of the instance")
    queue = ctx.instance.queue_ref(ref, ctx.display_name(action, "QueueId"))
    ctx.contact.queue = queue
    return success(f"queue {queue.name}")


def block_queue(ctx: RunContext, action: Action) -> QueueRef | str:
    """The queue a block names with QueueId (queue Id or ARN) or AgentId (an agent's queue), else
    the working queue ($.Queue). A string says why there is none (the block takes Error)."""
    params = action.parameters
    has_queue = params.get("QueueId") not in (None, "")
    has_agent = params.get("AgentId") not in (None, "")
    if has_queue and has_agent:
        return "QueueId and AgentId are both given; the Flow language allows only one"
    if has_agent:
        agent = ctx.resolve(params["AgentId"])
        if not agent:
            return f"AgentId {params['AgentId']!r} is unset"
        arn = agent if agent.startswith("arn:") else None
        return QueueRef(name=agent, arn=arn, id=arn_id(agent) if arn else None, agent=True)
    if has_queue:
        ref = ctx.resolve(params["QueueId"])
        if not ref:
            return f"QueueId {params['QueueId']!r} is unset"
        if ctx.instance.queues and ctx.instance.find(ctx.instance.queues, ref) is None:
            return f"queue {ref!r} is not a queue of the instance"
        return ctx.instance.queue_ref(ref, ctx.display_name(action, "QueueId"))
    if ctx.contact.queue is None:
        return "no queue given and no working queue is set"
    return ctx.contact.queue


def run_transfer_to_queue(ctx: RunContext, action: Action) -> Outcome:
    queue = ctx.contact.queue
    if queue is None:
        return error(note="no working queue is set")
    if at_capacity(ctx, queue):
        # The contact is not queued and the flow goes on at the At capacity branch.
        return error("QueueAtCapacity", f"{queue.name} is at capacity")
    return end("transferred_to_queue", f"queued in {queue.name}")


def run_dequeue_and_transfer(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    if params.get("QueueId") in (None, "") and params.get("AgentId") in (None, ""):
        return error(note="the block names no QueueId or AgentId")
    target = block_queue(ctx, action)
    if isinstance(target, str):
        return error(note=target)
    current = ctx.contact.queue
    if current is None:
        # "If this contact has not been queued ... this action fails."
        return error(note="the contact is not in a queue")
    if at_capacity(ctx, target):
        return error("QueueAtCapacity", f"{target.name} is at capacity; the contact stays in {current.name}")
    c = ctx.contact
    # A queue-to-queue transfer is a new contact segment whose previous contact is this one.
    c.previous_contact_id = c.contact_id
    c.contact_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"connectflow/{c.contact_id}/queue-transfer/{ctx.step}"))
    c.initiation_method = "QUEUE_TRANSFER"
    c.queue = target
    return end("transferred_to_queue", f"moved from {current.name} to {target.name}")


def run_transfer_to_agent(ctx: RunContext, action: Action) -> Outcome:
    queue = ctx.contact.queue
    if queue is None or not queue.agent:
        return error(note="no agent to transfer to (the working queue is not an agent's queue)")
    busy = optional_metric(ctx, queue, "agents_busy")
    if busy is not None and int(busy) > 0:
        # "If the agent is already with someone else, the contact is disconnected."
        return end("disconnected", f"agent {queue.name} is busy with another contact")
    return end("transferred_to_agent", f"transferred to agent {queue.name}")


SPECS = (
    BlockSpec(
        action_type="UpdateContactTargetQueue",
        run=run_set_queue,
        console_name="Set working queue",
        branches=("Success", "NoMatchingError"),
        flow_types=INBOUND | TRANSFER,
        model="Sets $.Queue from QueueId (named by the instance file, else the console's display "
        "text, else the ARN's last segment) or AgentId; Error when unset or, when the instance "
        "file lists queues, not one of them.",
        family="queues",
    ),
    BlockSpec(
        action_type="TransferContactToQueue",
        run=run_transfer_to_queue,
        console_name="Transfer to queue",
        branches=("Success", "QueueAtCapacity", "NoMatchingError"),
        flow_types=INBOUND | TRANSFER,
        model="Queues the contact in the working queue and ends the flow (transferred_to_queue); "
        "Error without a working queue. Queues have room unless their mock says at_capacity: true "
        "(QueueAtCapacity; the flow goes on there).",
        mocks="mocks.queues by queue name, Id or ARN: at_capacity (default false)",
        family="queues",
    ),
    BlockSpec(
        action_type="DequeueContactAndTransferToQueue",
        run=run_dequeue_and_transfer,
        console_name="Transfer to queue (in a customer queue flow)",
        branches=("Success", "QueueAtCapacity", "NoMatchingError"),
        flow_types=CUSTOMER_QUEUE,
        model="Moves a queued contact to the queue of QueueId or AgentId as a new contact segment "
        "($.PreviousContactId = the old ContactId, $.InitiationMethod QUEUE_TRANSFER) and ends the "
        "run transferred_to_queue there; QueueAtCapacity when that queue's mock says at_capacity; "
        "Error when the contact is not queued or the queue is missing or unset.",
        mocks="mocks.queues by queue name, Id or ARN: at_capacity (default false)",
        family="queues",
    ),
    BlockSpec(
        action_type="TransferContactToAgent",
        run=run_transfer_to_agent,
        console_name="Transfer to agent (beta)",
        branches=("Success", "NoMatchingError"),
        channels=VOICE,
        flow_types=TRANSFER,
        model="Ends the flow with the contact transferred to the agent of the agent queue the "
        "transfer targets (transferred_to_agent); when that queue's mock gives agents_busy > 0 the "
        "agent is with someone else and the contact is disconnected. Error without an agent "
        "queue; CHAT, TASK and EMAIL take Error.",
        mocks="mocks.queues by agent (user name or ARN): agents_busy (default: the agent is free)",
        family="queues",
    ),
)
