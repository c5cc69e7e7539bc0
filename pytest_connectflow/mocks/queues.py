"""Queue metrics and capacity mocks (`mocks.queues`): by queue name, Id or ARN.

A queue's entry is a map of the metrics Amazon Connect reports in real time (schema `$defs
queue_metrics`): ``agents_online``, ``agents_available``, ``agents_staffed``,
``agents_after_contact_work``, ``agents_busy``, ``agents_missed``, ``agents_non_productive``,
``contacts_in_queue``, ``oldest_contact_age`` (seconds) and ``at_capacity``.

Metrics come from outside the flow, so a block that needs one fails the test when it is not
mocked (DESIGN.md "Mocks"); capacity alone defaults to "has room".
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..errors import MissingMockError, MockError
from ..flow.library import arn_id

if TYPE_CHECKING:
    from ..engine.contact import QueueRef
    from ..engine.context import RunContext
    from ..flow.model import Action

# The metric keys of a queue mock, in the order the docs page lists them.
COUNT_METRICS = (
    "agents_online",
    "agents_available",
    "agents_staffed",
    "agents_after_contact_work",
    "agents_busy",
    "agents_missed",
    "agents_non_productive",
    "contacts_in_queue",
)
METRIC_KEYS = (*COUNT_METRICS, "oldest_contact_age")
QUEUE_MOCK_KEYS = (*METRIC_KEYS, "at_capacity")


def queue_names(ctx: RunContext, queue: QueueRef) -> list[str]:
    """Every name a mock may use for `queue`: its name, ARN and Id, and those the instance
    resources file gives the same queue."""
    names = [queue.name, queue.arn or "", queue.id or ""]
    if queue.arn:
        names.append(arn_id(queue.arn))
    for ref in (queue.arn, queue.id, queue.name):
        resource = ctx.instance.find(ctx.instance.queues, ref) if ref else None
        if resource is not None:
            names += [resource.name, resource.arn or "", resource.id or ""]
            if resource.arn:
                names.append(arn_id(resource.arn))
            break
    return list(dict.fromkeys(n for n in names if n))


def find_queue_mock(ctx: RunContext, queue: QueueRef) -> tuple[str, Mapping[str, Any]] | None:
    """The `mocks.queues` entry for `queue` as (key, entry), or None. A key may be the queue's
    name, Id or ARN (an ARN key also matches by its last segment, the queue Id)."""
    mocks = ctx.mocks.mocks.queues
    names = set(queue_names(ctx, queue))
    found = [key for key in mocks if key in names or arn_id(key) in names]
    if not found:
        return None
    if len(found) > 1:
        raise MockError(
            f"mocks.queues keys {', '.join(repr(k) for k in found)} all name queue {queue.name!r}; keep one"
        )
    key = found[0]
    entry = mocks[key]
    if not isinstance(entry, Mapping):
        raise MockError(f"mocks.queues.{key} must be a map of metrics, not {entry!r}")
    unknown = [k for k in entry if k not in QUEUE_MOCK_KEYS]
    if unknown:
        raise MockError(
            f"mocks.queues.{key}: unknown key(s) {', '.join(map(str, unknown))}; "
            f"known: {', '.join(QUEUE_MOCK_KEYS)}"
        )
    ctx.mocks.used.add(("queues", key))
    return key, entry


def _count(key: str, name: str, value: Any) -> str:
    if isinstance(value, bool):
        raise MockError(f"mocks.queues.{key}.{name} must be a whole number, not {value!r}")
    if isinstance(value, int) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return str(int(value.strip()))
    raise MockError(f"mocks.queues.{key}.{name} must be a whole number of 0 or more, not {value!r}")


def _seconds(key: str, name: str, value: Any) -> str:
    number: Decimal | None = None
    if not isinstance(value, bool) and isinstance(value, (int, float, str)):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
    if number is None or not number.is_finite() or number < 0:
        raise MockError(f"mocks.queues.{key}.{name} must be a number of seconds of 0 or more, not {value!r}")
    # Connect shows whole seconds as integers ("30"), so 30.0 is written as "30".
    return str(int(number)) if number == number.to_integral_value() else str(number.normalize())


def metric_value(key: str, name: str, value: Any) -> str:
    """A mocked metric as the string a flow sees."""
    return _seconds(key, name, value) if name == "oldest_contact_age" else _count(key, name, value)


def _missing(ctx: RunContext, action: Action, queue: QueueRef, what: str) -> MissingMockError:
    mocked = ", ".join(ctx.mocks.mocks.queues) or "none"
    return MissingMockError(
        f"{ctx.where(action)} reads {what} of queue {queue.name!r}, which has no mock; add "
        f"mocks.queues keyed by one of: {', '.join(queue_names(ctx, queue))} (mocked: {mocked})",
        kind="queues",
        key=queue.name,
    )


def queue_metrics(ctx: RunContext, action: Action, queue: QueueRef) -> dict[str, str]:
    """Every metric mocked for `queue` (only those given); no entry for the queue → the test fails."""
    found = find_queue_mock(ctx, queue)
    if found is None:
        raise _missing(ctx, action, queue, "the metrics")
    key, entry = found
    return {name: metric_value(key, name, entry[name]) for name in METRIC_KEYS if name in entry}


def queue_metric(ctx: RunContext, action: Action, queue: QueueRef, name: str) -> str:
    """One metric of `queue`; not mocked → the test fails, naming the block, queue and metric."""
    found = find_queue_mock(ctx, queue)
    if found is None:
        raise _missing(ctx, action, queue, name)
    key, entry = found
    if name not in entry:
        raise MissingMockError(
            f"{ctx.where(action)} reads {name} of queue {queue.name!r}, but mocks.queues.{key} "
            f"does not give it; add {name} to mocks.queues.{key}",
            kind="queues",
            key=key,
            field=name,
        )
    return metric_value(key, name, entry[name])


def at_capacity(ctx: RunContext, queue: QueueRef) -> bool:
    """Whether the queue is full. Not mocked: it has room (DESIGN.md "Mocks")."""
    found = find_queue_mock(ctx, queue)
    if found is None:
        return False
    key, entry = found
    value = entry.get("at_capacity", False)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    raise MockError(f"mocks.queues.{key}.at_capacity must be true or false, not {value!r}")


def optional_metric(ctx: RunContext, queue: QueueRef, name: str) -> str | None:
    """A metric when the queue's mock gives it, else None (for defaults documented per block)."""
    found = find_queue_mock(ctx, queue)
    if found is None or name not in found[1]:
        return None
    key, entry = found
    return metric_value(key, name, entry[name])
