"""Queue metrics: Get queue metrics (GetMetricData) and Check staffing / Check queue status
(CheckMetricData). The numbers come from `mocks.queues`."""

from __future__ import annotations

from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result, success
from ..flow.model import Action
from ..mocks.queues import queue_metric, queue_metrics
from .queues import block_queue
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, BlockSpec

# $.Metrics.Agents.<Name>.Count ← mock key (Admin Guide "Queue metrics" attributes).
AGENT_COUNTS = {
    "Online": "agents_online",
    "Available": "agents_available",
    "Staffed": "agents_staffed",
    "AfterContactWork": "agents_after_contact_work",
    "Busy": "agents_busy",
    "Missed": "agents_missed",
    "NonProductive": "agents_non_productive",
}

# CheckMetricData MetricType → mock key.
METRIC_TYPES = {
    "NumberOfAgentsAvailable": "agents_available",
    "NumberOfAgentsStaffed": "agents_staffed",
    "NumberOfAgentsOnline": "agents_online",
    "NumberOfContactsInQueue": "contacts_in_queue",
    "OldestContactInQueueAgeSeconds": "oldest_contact_age",
}

QUEUE_CHANNELS = ("Voice", "Chat", "Task", "Email")


def run_get_metric_data(ctx: RunContext, action: Action) -> Outcome:
    queue = block_queue(ctx, action)
    if isinstance(queue, str):
        return error(note=queue)
    raw_channel = action.parameters.get("QueueChannel")
    channel = ctx.resolve(raw_channel) if raw_channel not in (None, "") else None
    if raw_channel not in (None, "") and channel not in QUEUE_CHANNELS:
        return error(note=f"QueueChannel {raw_channel!r} is {channel!r}, not one of {', '.join(QUEUE_CHANNELS)}")
    values = queue_metrics(ctx, action, queue)
    queue_data: dict[str, Any] = {"Name": queue.name, "ARN": queue.arn}
    if "contacts_in_queue" in values:
        queue_data["Size"] = values["contacts_in_queue"]
    if "oldest_contact_age" in values:
        queue_data["OldestContactAge"] = values["oldest_contact_age"]
    # A metric the mock leaves out stays unset, as Connect returns none for a queue without
    # agents; each run replaces the previous block's metrics as a whole.
    agents = {name: {"Count": values[key]} for name, key in AGENT_COUNTS.items() if key in values}
    ctx.contact.data["Metrics"] = {"Queue": queue_data, "Agents": agents}
    shown = ", ".join(f"{k}={v}" for k, v in values.items()) or "no metrics"
    scope = f" ({channel} contacts; the mock's numbers are used as given)" if channel else ""
    return success(f"metrics of {queue.name}{scope}: {shown}")


def run_check_metric_data(ctx: RunContext, action: Action) -> Outcome:
    metric_type = action.parameters.get("MetricType")
    key = METRIC_TYPES.get(str(metric_type)) if isinstance(metric_type, str) else None
    if key is None:
        return error(note=f"MetricType {metric_type!r} is not one of {', '.join(METRIC_TYPES)}")
    queue = block_queue(ctx, action)
    if isinstance(queue, str):
        return error(note=queue)
    value = queue_metric(ctx, action, queue, key)
    return result(value, f"{metric_type} of {queue.name} = {value}")


SPECS = (
    BlockSpec(
        action_type="GetMetricData",
        run=run_get_metric_data,
        console_name="Get queue metrics",
        branches=("Success", "NoMatchingError"),
        model="Loads the mocked metrics of the queue of QueueId or AgentId, else the working queue, "
        "into $.Metrics.Queue.Name/.ARN/.Size/.OldestContactAge and $.Metrics.Agents.<Online, "
        "Available, Staffed, AfterContactWork, Busy, Missed, NonProductive>.Count (metrics the mock "
        "leaves out stay unset). Error without a queue; a queue with no mock fails the test.",
        mocks="mocks.queues by queue name, Id or ARN (or agent): the metrics",
        family="metrics",
    ),
    BlockSpec(
        action_type="CheckMetricData",
        run=run_check_metric_data,
        console_name="Check staffing / Check queue status",
        branches=("<condition operand>", "NoMatchingCondition", "NoMatchingError"),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Tests the Conditions against the mocked MetricType of the queue of QueueId or AgentId, "
        "else the working queue (NumberOfAgentsAvailable/Staffed/Online, NumberOfContactsInQueue, "
        "OldestContactInQueueAgeSeconds); none holds → NoMatchingCondition (False / No match). "
        "Error without a queue; a metric not mocked fails the test.",
        mocks="mocks.queues by queue name, Id or ARN: the metric MetricType reads",
        family="metrics",
    ),
)
