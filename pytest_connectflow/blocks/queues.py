"""Set working queue (UpdateContactTargetQueue) and Transfer to queue (TransferContactToQueue)."""

from __future__ import annotations

from ..engine.contact import QueueRef
from ..engine.context import RunContext
from ..engine.outcome import Outcome, end, error, success
from ..flow.model import Action
from .registry import INBOUND, TRANSFER, BlockSpec


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


def run_transfer_to_queue(ctx: RunContext, action: Action) -> Outcome:
    if ctx.contact.queue is None:
        return error(note="no working queue is set")
    return end("transferred_to_queue", f"queued in {ctx.contact.queue.name}")


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
        branches=("Success", "NoMatchingError"),
        flow_types=INBOUND | TRANSFER,
        model="Queues the contact in the working queue and ends the flow (transferred_to_queue); "
        "Error without a working queue. Queues have room unless mocked otherwise.",
        family="queues",
    ),
)
