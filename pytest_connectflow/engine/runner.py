"""The step loop: run a flow against a contact, block by block, and record the trace."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from ..errors import ConnectflowError, FlowDefectError, StepBudgetExceeded, UnsupportedActionError
from ..flow.library import FlowLibrary
from ..flow.model import Action, Flow
from ..flow.placeholders import check_placeholders
from . import compare
from .contact import Contact, MediaStreamEvent
from .context import MODULE_LOCAL_DATA, Frame, RunContext, flow_type_of
from .instance import Instance
from .outcome import Outcome, error, success
from .timing import block_seconds
from .trace import Step, Trace

if TYPE_CHECKING:
    from ..blocks.registry import BlockHandler, BlockRegistry, BlockSpec
    from ..mocks import MockState

DEFAULT_MAX_STEPS = 1000
new_step = tuple.__new__  # Step(...) with positional fields, the cheapest way to make one per block


# Decides the outcome of a block whose result comes from outside the flow (its spec names mocks),
# instead of the mocks: `connectflow explore` enumerates branches this way. None: run the block.
Decide = Callable[["RunContext", Action, "BlockSpec"], "Outcome | None"]


@dataclass(frozen=True)
class RunSettings:
    max_steps: int = DEFAULT_MAX_STEPS
    seed: str = "0"  # Distribute by percentage draws from it (ini connectflow_seed + scenario id)
    decide: Decide | None = None


class Stop(NamedTuple):
    """A flow stopped: `ended` as in DESIGN.md, or `interrupted` (an event of the journey came
    while a block was running), with a reason. The step loop returns it (raising cost more than
    a block)."""

    ended: str
    reason: str = ""


def runnable_start(flow: Flow) -> Action:
    """The StartAction, or a FlowDefectError saying why the flow cannot run from its start."""
    if not flow.start_action:
        raise FlowDefectError(
            f"flow {flow.name!r} cannot run from its start: its StartAction is empty "
            "(the console exports unconnected flows that way)",
            where=str(flow.source),
        )
    action = flow.actions.get(flow.start_action)
    if action is None:
        raise FlowDefectError(
            f"flow {flow.name!r} cannot run from its start: StartAction {flow.start_action!r} names no action",
            where=str(flow.source),
        )
    return action


def start_run(
    library: FlowLibrary,
    contact: Contact,
    *,
    registry: BlockRegistry,
    instance: Instance,
    mocks: MockState,
    inputs: list[str | None] | None = None,
    settings: RunSettings | None = None,
) -> RunContext:
    """A run's context and trace, ready for run_segment (one flow after another, one trace)."""
    settings = settings or RunSettings()
    ctx = RunContext(
        contact=contact, library=library, instance=instance, mocks=mocks, inputs=list(inputs or []), seed=settings.seed
    )
    ctx.decide = settings.decide
    ctx.registry = registry
    ctx.max_steps = settings.max_steps
    ctx.trace = Trace(instance=instance)
    ctx.messages = ctx.trace.messages
    return ctx


def run_segment(ctx: RunContext, flow: Flow, flow_type: str | None = None) -> Stop:
    """Run `flow` from its StartAction until it stops; the stop says how. The contact, the trace and
    the step budget carry over from earlier segments of the run."""
    start = runnable_start(flow)
    if flow.is_module:
        ftype = flow_type or "CONTACT_FLOW"  # a module run on its own follows an inbound caller
    else:
        ftype = flow_type or flow_type_of(flow, ctx.instance) or "CONTACT_FLOW"
        ctx.trace.flows.append(flow.name)
    ctx.frames = [Frame(flow, ftype)]
    try:  # attached_trace, spelt out: a context manager costs more than a short run's blocks
        return _loop(ctx, start, ctx.registry, ctx.trace, ctx.max_steps)
    except ConnectflowError as exc:
        _attach_trace(ctx, exc)
        raise


@contextmanager
def attached_trace(ctx: RunContext) -> Iterator[None]:
    """A ConnectflowError raised during a run carries the trace so far (shown with the error)."""
    try:
        yield
    except ConnectflowError as exc:
        _attach_trace(ctx, exc)
        raise


def _attach_trace(ctx: RunContext, exc: ConnectflowError) -> None:
    ctx.trace.notes.extend(n for n in ctx.run_notes if n not in ctx.trace.notes)
    exc.trace = ctx.trace


def finish_run(ctx: RunContext, ended: str, reason: str = "") -> Trace:
    """Close the run: how it ended, the media stream ended by a disconnect, notes, inputs left."""
    trace = ctx.trace
    trace.ended = ended
    trace.reason = reason
    if ended in ("disconnected", "error"):
        _end_media_stream(ctx, trace)
    if ctx.run_notes:
        trace.notes.extend(n for n in ctx.run_notes if n not in trace.notes)
    trace.inputs_left = list(ctx.inputs)
    return trace


def run_flow(
    library: FlowLibrary,
    flow: Flow,
    contact: Contact,
    *,
    registry: BlockRegistry,
    instance: Instance,
    mocks: MockState,
    inputs: list[str | None] | None = None,
    settings: RunSettings | None = None,
    flow_type: str | None = None,
) -> Trace:
    """Run `flow` from its StartAction until the contact leaves it; return the trace.

    Raises a ConnectflowError (with `.trace` set) for what fails the test rather than the flow:
    a missing mock, an unsupported action type, the step budget.
    """
    ctx = start_run(library, contact, registry=registry, instance=instance, mocks=mocks, inputs=inputs,
                    settings=settings)
    stop = run_segment(ctx, flow, flow_type)
    return finish_run(ctx, stop.ended, stop.reason)


def _end_media_stream(ctx: RunContext, trace: Trace) -> None:
    """The contact ended: an active stream ends with it, recorded as ended by the disconnect."""
    media = ctx.contact.media
    if media.streaming:
        for direction in media.directions:
            media.directions[direction] = False
        media.stop_timestamp = str(1700000000000 + ctx.step * 1000)
        last = trace.steps[-1] if trace.steps else None
        media.history.append(
            MediaStreamEvent(
                "disconnect",
                (),
                flow=last.flow if last else None,
                flow_type=last.flow_type if last else None,
                block=last.identifier if last else None,
                step=ctx.step,
            )
        )


def _loop(ctx: RunContext, action: Action, registry: BlockRegistry, trace: Trace, max_steps: int) -> Stop:
    # The hot loop of every run: names are bound to locals once, and the common case (a block
    # that takes Success to a block of the same flow) skips the general routing.
    append = trace.steps.append
    frames = ctx.frames
    get_spec = registry.specs.get
    step = ctx.step
    channel = ctx.contact.channel  # a contact keeps its channel for the whole run
    undecided = ctx.decide is None
    operators = compare.OPERATORS
    # Action type → handler, for the blocks _execute would run with no check left to make
    # (allowed on this channel and flow type, no precheck); explore's runs decide, so check.
    unchecked: dict[str, BlockHandler] = {}
    unchecked_frame: Frame | None = None
    while True:
        if step >= max_steps:
            repeats = ", ".join(f"{name} ({n} times)" for name, n in trace.repeating_blocks())
            raise StepBudgetExceeded(
                f"the run went past its step budget of {max_steps} blocks; "
                f"these blocks repeat: {repeats or 'none'} (a loop with no exit?)"
            )
        step += 1
        ctx.step = step
        frame = frames[-1]
        flow = frame.flow
        if frame is not unchecked_frame:  # a new flow run: its flow type may differ
            unchecked_frame = frame
            unchecked = registry.unchecked_handlers(channel, frame.flow_type) if undecided else {}
        run = unchecked.get(action.type)
        if run is None:
            spec = get_spec(action.type)
            if spec is None:
                raise UnsupportedActionError(
                    f"action type {action.type!r} of block {action.identifier!r} in flow "
                    f"{flow.name!r} is not supported by any block",
                    where=flow.where(action),
                )
            if (undecided and channel in spec.channels and spec.precheck is None
                    and (spec.flow_types is None or frame.flow_type in spec.flow_types)):
                run = unchecked[action.type] = spec.run
            else:
                run = partial(_execute, spec)
        deadline = ctx.deadline
        if deadline is not None:
            sent_before = len(ctx.messages)
        if action.unresolved:  # a block holding an unresolved placeholder cannot run, unless mocked
            check_placeholders(flow, action, ctx.mocks.mocks.keys())
        try:
            outcome = run(ctx, action)
        except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
            raise _parameter_defect(ctx, action, exc) from None
        if deadline is not None:
            # In a journey, time passes: the block that runs when the next event comes is cut
            # short and takes no branch (DESIGN.md "Time in a journey").
            seconds = block_seconds(action, outcome, ctx.messages[sent_before:], ctx.instance)
            if ctx.now + seconds >= deadline and deadline < math.inf:
                ctx.now = deadline
                append(new_step(Step, (step, flow.name, frame.flow_type, action.identifier, action.type, None,
                                       f"interrupted: {ctx.deadline_reason}", flow.is_module, action)))
                return Stop("interrupted", ctx.deadline_reason)
            ctx.now += seconds
        target: Action | Stop | None = None
        kind = outcome.kind
        if kind == "next" and action.next_action:
            branch: str | None = "Success"
            target = flow.actions.get(action.next_action)
        elif kind == "result" and outcome.value is not None:
            # Conditions in order, first match wins (an unset value matches none: see _route).
            left = outcome.value
            for name, operator, operand, following in action.condition_routes:
                test = operators.get(operator)
                if test is None:
                    break  # _route reports the unknown operator
                if test(left, operand):
                    branch, target = name, flow.actions.get(following)
                    break
        if target is None:
            branch, target = _route(ctx, action, outcome, trace)
        append(new_step(Step, (step, flow.name, frame.flow_type, action.identifier, action.type, branch,
                               outcome.note, flow.is_module, action)))
        if isinstance(target, Stop):
            return target
        action = target


def _parameter_defect(ctx: RunContext, action: Action, exc: Exception) -> FlowDefectError:
    """A parameter of a shape the block never takes (a hand-edited export; Connect would not have
    saved it): said plainly, naming the block, instead of a traceback into the block."""
    return FlowDefectError(
        f"{ctx.where(action)} cannot run: a parameter is not of a shape {action.type} takes "
        f"({type(exc).__name__}: {exc}); `connectflow validate` checks the parameters"
    )


def _execute(spec: BlockSpec, ctx: RunContext, action: Action) -> Outcome:
    channel = ctx.contact.channel
    if channel not in spec.channels:
        if channel in spec.noop_channels:
            return success(f"no effect on {channel}")
        return error(note=f"{action.type} does not work on {channel}")
    if spec.precheck is not None:
        reason = spec.precheck(ctx, action)
        if reason:
            return error(note=reason)
    if spec.flow_types is not None and ctx.flow_type not in spec.flow_types:
        return error(note=f"{action.type} is not allowed in a {ctx.flow_type} flow")
    if ctx.decide is not None and spec.mocks:
        decided: Outcome | None = ctx.decide(ctx, action, spec)
        if decided is not None:
            return decided
    return spec.run(ctx, action)


def _route(ctx: RunContext, action: Action, outcome: Outcome, trace: Trace) -> tuple[str | None, Action | Stop]:
    kind = outcome.kind
    if kind == "next":
        return "Success", _target(ctx, action, action.next_action, "Success")
    if kind == "error":
        return _error_route(ctx, action, outcome.error_type or "NoMatchingError", outcome.note)
    if kind == "result":
        for name, operator, operand, following in action.condition_routes:
            try:
                hit = compare.matches(operator, outcome.value, operand)
            except KeyError:
                raise FlowDefectError(f"unsupported condition operator {operator!r} in {ctx.where(action)}") from None
            if hit:
                return name, _target(ctx, action, following, name)
        return _error_route(ctx, action, "NoMatchingCondition", outcome.note)
    if kind == "end":
        assert outcome.ended is not None
        return "Success", Stop(outcome.ended, outcome.note)
    if kind == "transfer_flow":
        assert outcome.flow is not None
        return "Success", _enter_flow(ctx, outcome.flow, trace)
    if kind == "invoke_module":
        assert outcome.flow is not None
        return "Success", _enter_module(ctx, outcome.flow, action)
    if kind == "module_return":
        return "Success", _return_from_module(ctx)
    raise AssertionError(f"unknown outcome {kind}")


def _error_route(ctx: RunContext, action: Action, error_type: str, note: str) -> tuple[str, Action | Stop]:
    entry = action.error_target(error_type)
    if entry is None:
        why = f" ({note})" if note else ""
        return error_type, Stop(
            "error",
            f"{ctx.where(action)} took {error_type}{why} but has no Errors entry for it "
            "nor a NoMatchingError branch",
        )
    taken, target = entry
    return taken, _target(ctx, action, target, taken)


def _target(ctx: RunContext, action: Action, target: str | None, branch: str) -> Action | Stop:
    if target is None or target == "":
        return Stop("error", f"{ctx.where(action)} took {branch}, whose NextAction is empty (an unconnected branch)")
    if target == "$end":
        return Stop("error", f"{ctx.where(action)} took {branch}, whose NextAction is '$end'")
    found = ctx.flow.actions.get(target)
    if found is None:
        return Stop("error", f"{ctx.where(action)} took {branch}, whose NextAction {target!r} names no action")
    return found


def _enter_flow(ctx: RunContext, flow: Flow, trace: Trace) -> Action | Stop:
    try:
        start = runnable_start(flow)
    except FlowDefectError as exc:
        return Stop("error", exc.message)
    ftype = flow_type_of(flow, ctx.instance) or "CONTACT_FLOW"
    # TransferToFlow: a new flow run (fresh flow attributes and loop counters), same contact.
    ctx.frames[-1] = Frame(flow, ftype)
    trace.flows.append(flow.name)
    return start


def _enter_module(ctx: RunContext, module: Flow, caller_action: Action) -> Action | Stop:
    try:
        start = runnable_start(module)
    except FlowDefectError as exc:
        return Stop("error", exc.message)
    c = ctx.contact
    saved = {
        "external": c.external,
        "lex": c.lex,
        "stored_input": c.stored_input,
        "data": {k: c.data.pop(k) for k in MODULE_LOCAL_DATA if k in c.data},
    }
    c.external, c.lex, c.stored_input = {}, {}, None
    ctx.frames.append(Frame(module, ctx.flow_type, return_to=caller_action, saved=saved))
    return start


def _return_from_module(ctx: RunContext) -> Action | Stop:
    frame = ctx.frames[-1]
    if frame.return_to is None:
        return Stop("flow_ended", f"module {frame.flow.name!r} returned (run on its own)")
    ctx.frames.pop()
    c = ctx.contact
    c.external = frame.saved["external"]
    c.lex = frame.saved["lex"]
    c.stored_input = frame.saved["stored_input"]
    for key in MODULE_LOCAL_DATA:
        c.data.pop(key, None)
    c.data.update(frame.saved["data"])
    return _target(ctx, frame.return_to, frame.return_to.next_action, "Success")
