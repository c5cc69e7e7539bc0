"""The whole contact journey (DESIGN.md "The contact journey"): after the first flow leaves the
contact in a queue, the customer queue flow runs until the agent answers or the customer hangs
up; then the agent whisper and customer whisper flows, holds, and the last event: a hang-up on
either side (the disconnect flow runs when the customer is still there) or a quick-connect
transfer. Each flow runs with its own flow type, on the same contact, in one trace."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError
from ..flow.model import Flow
from .contact import QueueRef
from .context import RunContext, flow_type_of
from .runner import Stop, finish_run, run_segment
from .trace import Trace

# Event hook → the flow type of the flow it runs, and the key of its default in the instance.
HOOK_TYPES = {
    "CustomerQueue": ("CUSTOMER_QUEUE", "customer_queue"),
    "CustomerHold": ("CUSTOMER_HOLD", "customer_hold"),
    "AgentHold": ("AGENT_HOLD", "agent_hold"),
    "CustomerWhisper": ("CUSTOMER_WHISPER", "customer_whisper"),
    "AgentWhisper": ("AGENT_WHISPER", "agent_whisper"),
    "OutboundWhisper": ("OUTBOUND_WHISPER", "outbound_whisper"),
    "CustomerRemaining": ("CONTACT_FLOW", ""),
}
WHISPER_LIMIT_SECONDS = 120.0  # Connect drops the contact when a whisper runs longer
DEFAULT_HOLD_SECONDS = 30.0
THEN = ("agent_hangs_up", "customer_hangs_up", "transfer")


@dataclass(frozen=True)
class Journey:
    """What happens once the contact is queued. Times are seconds since it entered the queue.

    `then` is `agent_hangs_up`, `customer_hangs_up` (the default) or `transfer`, with `transfer`
    naming a quick connect of the instance (or `transfer_queue` / `transfer_agent` naming the queue
    or agent of one)."""

    agent_answers_after: float | None = None
    customer_hangs_up_after: float | None = None
    hold: int = 0
    hold_seconds: float = DEFAULT_HOLD_SECONDS
    then: str = "customer_hangs_up"
    transfer: str | None = None
    transfer_queue: str | None = None
    transfer_agent: str | None = None

    def __post_init__(self) -> None:
        if self.agent_answers_after is None and self.customer_hangs_up_after is None:
            raise ConfigurationError("a journey needs agent_answers_after or customer_hangs_up_after")
        if self.then not in THEN:
            raise ConfigurationError(f"journey then must be one of {', '.join(THEN)}, not {self.then!r}")
        if self.then == "transfer" and not (self.transfer or self.transfer_queue or self.transfer_agent):
            raise ConfigurationError("a journey that ends with a transfer names the quick connect (transfer)")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Journey:
        """The scenario's `journey:` mapping."""
        then = raw.get("then", "customer_hangs_up")
        transfer: Any = None
        if isinstance(then, Mapping):
            transfer = then.get("transfer")
            then = "transfer"
        def number(key: str) -> float | None:
            return float(raw[key]) if raw.get(key) is not None else None

        return cls(
            agent_answers_after=number("agent_answers_after"),
            customer_hangs_up_after=number("customer_hangs_up_after"),
            hold=int(raw.get("hold", 0)),
            hold_seconds=float(raw.get("hold_seconds", DEFAULT_HOLD_SECONDS)),
            then=str(then),
            transfer=transfer if isinstance(transfer, str) else None,
            transfer_queue=transfer.get("queue") if isinstance(transfer, Mapping) else None,
            transfer_agent=transfer.get("agent") if isinstance(transfer, Mapping) else None,
        )


def _event(ctx: RunContext, text: str) -> None:
    ctx.trace.events.append(f"{ctx.now:g} s: {text}")


def event_flow(ctx: RunContext, hook: str, *, queue_default: str | None = None) -> Flow | None:
    """The flow an event runs: the hook the flows set, else the default the instance names, else
    none. A hook switched off with DisableExecution runs nothing at all, not the default."""
    flow_type, default_key = HOOK_TYPES[hook]
    contact = ctx.contact
    if contact.event_hooks_disabled.get(hook):
        _event(ctx, f"the {hook} hook is switched off (DisableExecution): no flow runs")
        return None
    hooked = contact.event_hooks.get(hook)
    if hooked:
        return ctx.library.find(hooked)
    for source, name in (("the queue's customer_queue_flow", queue_default),
                         (f"default_flows.{default_key}", ctx.instance.default_flows.get(default_key))):
        if not name:
            continue
        flow = ctx.library.lookup(name)
        if flow is None:
            raise ConfigurationError(f"{source} names the flow {name!r}, which is not loaded")
        declared = flow_type_of(flow, ctx.instance)
        if declared is not None and declared != flow_type:
            raise ConfigurationError(f"{source} names {flow.name!r}, a {declared} flow; it must be {flow_type}")
        return flow
    _event(ctx, f"no {flow_type} flow: no {hook} hook and no default")
    return None


def _run_event(ctx: RunContext, flow: Flow, flow_type: str, deadline: float | None, reason: str) -> Stop:
    ctx.deadline = deadline if deadline is not None else math.inf
    ctx.deadline_reason = reason
    try:
        return run_segment(ctx, flow, flow_type)
    finally:
        ctx.deadline = math.inf  # time keeps counting between events


def run_journey(ctx: RunContext, first: Flow, journey: Journey) -> Trace:
    """Run the first flow, then the journey once it leaves the contact in a queue."""
    first_type = flow_type_of(first, ctx.instance)
    if first_type == "CUSTOMER_QUEUE":
        # The scenario starts in the queue flow itself (contact.queue is the queue it waits in).
        return _in_queue(ctx, journey, first)
    stop = run_segment(ctx, first)
    if stop.ended != "transferred_to_queue":
        return finish_run(ctx, stop.ended, stop.reason)
    return _in_queue(ctx, journey, None)


def _queue_default(ctx: RunContext) -> str | None:
    queue = ctx.contact.queue
    found = ctx.instance.find(ctx.instance.queues, queue.arn or queue.name) if queue is not None else None
    return found.customer_queue_flow if found is not None else None


def _in_queue(ctx: RunContext, journey: Journey, queue_flow: Flow | None) -> Trace:
    ctx.now = 0.0
    answer, hang_up = journey.agent_answers_after, journey.customer_hangs_up_after
    agent_first = answer is not None and (hang_up is None or answer <= hang_up)
    event_at = answer if agent_first else hang_up
    assert event_at is not None
    reason = f"the agent answered at {event_at:g} s" if agent_first else f"the customer hung up at {event_at:g} s"
    queue_name = ctx.contact.queue.name if ctx.contact.queue else "(no queue)"
    _event(ctx, f"the contact entered the queue {queue_name}")
    flow = queue_flow or event_flow(ctx, "CustomerQueue", queue_default=_queue_default(ctx))
    while flow is not None:
        # The customer queue flow runs once (its loops repeat inside it) until the event comes.
        stop = _run_event(ctx, flow, "CUSTOMER_QUEUE", event_at, reason)
        if stop.ended == "transferred_to_queue":  # DequeueContactAndTransferToQueue: the journey goes on there
            _event(ctx, f"the contact moved to the queue {ctx.contact.queue.name if ctx.contact.queue else '?'}")
            flow = event_flow(ctx, "CustomerQueue", queue_default=_queue_default(ctx))
            continue
        if stop.ended == "flow_ended":
            _event(ctx, "the customer queue flow ended: the contact waits in queue")
        elif stop.ended != "interrupted":
            return finish_run(ctx, stop.ended, stop.reason)
        break
    ctx.now = max(ctx.now, event_at)
    if not agent_first:
        _event(ctx, "the customer hung up while queued")
        return finish_run(ctx, "disconnected", f"the customer hung up in queue at {event_at:g} s")
    _event(ctx, "the agent answered")
    return _with_agent(ctx, journey)


def _with_agent(ctx: RunContext, journey: Journey) -> Trace:
    whispers = ("OutboundWhisper",) if ctx.contact.initiation_method == "OUTBOUND" else ("AgentWhisper",
                                                                                          "CustomerWhisper")
    for hook in whispers:
        flow = event_flow(ctx, hook)
        if flow is None:
            continue
        limit = ctx.now + WHISPER_LIMIT_SECONDS
        stop = _run_event(ctx, flow, HOOK_TYPES[hook][0], limit, "the whisper ran for two minutes")
        if stop.ended == "interrupted":
            return finish_run(ctx, "disconnected", f"the {HOOK_TYPES[hook][0]} flow {flow.name!r} was still running "
                              "after two minutes: Connect drops the contact")
        if stop.ended != "flow_ended":
            return finish_run(ctx, stop.ended, stop.reason)
    _event(ctx, "the customer and the agent talk")
    for number in range(1, journey.hold + 1):
        started = ctx.now
        _event(ctx, f"hold {number} starts")
        for hook in ("CustomerHold", "AgentHold"):
            flow = event_flow(ctx, hook)
            if flow is None:
                continue
            ctx.now = started  # both hold flows play during the same hold
            stop = _run_event(ctx, flow, HOOK_TYPES[hook][0], started + journey.hold_seconds,
                              f"hold {number} ended")
            if stop.ended not in ("interrupted", "flow_ended"):
                return finish_run(ctx, stop.ended, stop.reason)
        ctx.now = started + journey.hold_seconds
        _event(ctx, f"hold {number} ends")
    if journey.then == "customer_hangs_up":
        _event(ctx, "the customer hung up")
        return finish_run(ctx, "disconnected", "the customer hung up")
    if journey.then == "agent_hangs_up":
        _event(ctx, "the agent hung up; the customer is still there")
        flow = event_flow(ctx, "CustomerRemaining")
        if flow is None:
            return finish_run(ctx, "disconnected", "the agent hung up")
        stop = _run_event(ctx, flow, "CONTACT_FLOW", None, "")
        return finish_run(ctx, stop.ended, stop.reason)
    return _transfer(ctx, journey)


def _transfer(ctx: RunContext, journey: Journey) -> Trace:
    name, connect = _quick_connect(ctx, journey)
    flow_name = connect.get("flow")
    flow = ctx.library.lookup(str(flow_name)) if flow_name else None
    if flow is None:
        raise ConfigurationError(f"quick_connects.{name} names the flow {flow_name!r}, which is not loaded")
    if connect.get("queue"):
        ctx.contact.queue = ctx.instance.queue_ref(str(connect["queue"]))
        flow_type = "QUEUE_TRANSFER"
    else:
        ctx.contact.queue = QueueRef(str(connect["agent"]), agent=True)
        flow_type = "AGENT_TRANSFER"
    _event(ctx, f"the agent used the quick connect {name}")
    stop = _run_event(ctx, flow, flow_type, None, "")
    if stop.ended == "flow_ended":
        return finish_run(ctx, "flow_ended", f"the {flow_type} flow {flow.name!r} ended without transferring")
    return finish_run(ctx, stop.ended, stop.reason)


def _quick_connect(ctx: RunContext, journey: Journey) -> tuple[str, Mapping[str, Any]]:
    connects = ctx.instance.quick_connects
    if journey.transfer:
        if journey.transfer not in connects:
            known = ", ".join(connects) or "none"
            raise ConfigurationError(f"journey transfer names the quick connect {journey.transfer!r}, which the "
                                     f"instance does not list (quick_connects: {known})")
        return journey.transfer, connects[journey.transfer]
    key, wanted = ("queue", journey.transfer_queue) if journey.transfer_queue else ("agent", journey.transfer_agent)
    if wanted in connects and key in connects[str(wanted)]:
        return str(wanted), connects[str(wanted)]
    for name, connect in connects.items():
        if connect.get(key) == wanted:
            return name, connect
    raise ConfigurationError(f"no quick connect of the instance transfers to the {key} {wanted!r} "
                             "(quick_connects: {NAME: {" + key + ": ..., flow: ...}})")
