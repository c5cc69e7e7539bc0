"""Check hours of operation: open or closed now, from mocks."""

from __future__ import annotations

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result
from ..flow.model import Action
from ..mocks.hours import hours_open
from . import checks
from .registry import CUSTOMER_QUEUE, INBOUND, TRANSFER, BlockSpec


def run_check_hours(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("HoursOfOperationId")
    ref = ctx.resolve(raw) if raw not in (None, "") else None
    if raw not in (None, "") and not ref:
        return error(note=f"HoursOfOperationId {raw!r} is unset")
    if not ref and ctx.contact.queue is None:
        return error(note="no hours given and no queue set")
    if not ref and ctx.contact.queue is not None and ctx.contact.queue.agent:
        return error(note="an agent queue has no hours of operation")
    is_open = hours_open(ctx, action, ref)
    return result("True" if is_open else "False", "in hours" if is_open else "out of hours")


def check(action: Action) -> list[checks.Finding]:
    return checks.conditions_exactly(action, ("True", "False"))


SPECS = (
    BlockSpec(
        action_type="CheckHoursOfOperation",
        run=run_check_hours,
        console_name="Check hours of operation",
        branches=("True", "False", "NoMatchingError"),
        flow_types=INBOUND | CUSTOMER_QUEUE | TRANSFER,
        model="Takes True (in hours) or False from the hours mock for the block's hours, else for "
        "the contact's queue; Error when neither hours nor a queue is set.",
        mocks="mocks.hours by hours or queue name, Id or ARN: open | closed",
        family="hours",
        check=check,
    ),
)
