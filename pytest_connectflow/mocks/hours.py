"""Hours of operation mocks: `open`/`closed` by hours name, Id or ARN, else by the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, MissingMockError, MockError
from ..flow.library import arn_id
from ..flow.model import Action

if TYPE_CHECKING:
    from ..engine.context import RunContext


def _is_open(key: str, value: Any) -> bool:
    if callable(value):
        try:
            value = value()
        except Exception as exc:  # hours come from the instance, never fail in Connect: the mock is wrong
            raise MockError(f"hours mock {key!r}: the callable raised {type(exc).__name__}: {exc}") from None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("open", "true"):
        return True
    if text in ("closed", "false"):
        return False
    raise MockError(f"hours mock {key!r} must be 'open' or 'closed', not {value!r}")


def _names(ctx: RunContext, ref: str, action: Action | None, parameter: str, kind: str) -> list[str]:
    resources = ctx.instance.hours if kind == "hours" else ctx.instance.queues
    names = [ref, arn_id(ref)]
    found = ctx.instance.find(resources, ref)
    if found is not None:
        # A mock may name the resource by its name, Id or ARN (DESIGN.md "Mocks").
        names += [found.name, found.arn or "", found.id or ""]
        if found.arn:
            names.append(arn_id(found.arn))
    if action is not None:
        display = ctx.display_name(action, parameter)
        if display:
            names.append(display)
    return [n for n in names if n]


def hours_open(ctx: RunContext, action: Action, hours_ref: str | None) -> bool:
    """Whether the hours the block checks are open now: the block's hours, else the queue's."""
    mocks = ctx.mocks.mocks.hours
    for key in mocks:
        if ctx.instance.find(ctx.instance.queues, key) and ctx.instance.find(ctx.instance.hours, key):
            raise ConfigurationError(f"hours mock key {key!r} names both a queue and an hours resource")
    tried: list[str] = []
    if hours_ref:
        tried = _names(ctx, hours_ref, action, "HoursOfOperationId", "hours")
    elif ctx.contact.queue is not None:
        queue = ctx.contact.queue
        resource = ctx.instance.find(ctx.instance.queues, queue.arn or queue.name)
        if resource is not None and resource.hours:
            tried = _names(ctx, resource.hours, None, "", "hours")
        tried += [queue.name] + ([queue.arn, arn_id(queue.arn)] if queue.arn else [])
    for name in tried:
        if name in mocks:
            ctx.mocks.used.add(("hours", name))
            return _is_open(name, mocks[name])
    for name in tried:
        resource = ctx.instance.find(ctx.instance.hours, name)
        if resource is not None and resource.schedule is not None:
            # No mock: the instance's weekly schedule decides, at the simulated time.
            now = ctx.current_time()
            if now is None:
                raise MissingMockError(
                    f"{ctx.where(action)} checks hours {resource.name!r}, whose weekly schedule needs the "
                    "time: set the scenario's clock (e.g. clock: 2026-11-24T09:30:00-05:00, clock= in Python) "
                    "or mock the hours open or closed",
                    kind="hours",
                    key=resource.name,
                )
            return resource.schedule.is_open(now)
    what = f"hours {tried[0]!r}" if tried else "the hours of the contact's queue"
    raise MissingMockError(
        f"{ctx.where(action)} checks {what}, which has no mock; mock it (mocks.hours in a scenario, "
        "hours= in Python) "
        f"with one of: {', '.join(dict.fromkeys(tried)) or '(set a queue or HoursOfOperationId)'} "
        "set to open or closed",
        kind="hours",
        key=tried[0] if tried else "",
    )
