"""`connectflow explore`: every distinct path of a flow, for one channel and instance setting.

Branches decided by mocks (a Lambda's result, hours, Lex, customer input, queue metrics, the other
services, Distribute by percentage) are enumerated: each Condition, each declared error and the
Success of the block. Branches decided by the engine (the channel, instance and flow-type checks,
a Compare on values the flow set itself, Loop counters) are evaluated, so a path only combines
branches that can happen together: on CHAT a Start media streaming and the Stop after it both take
Error, never one without the other.

Values only the outside world knows (what a decided Lambda or Lex bot returned, what the caller
stored, the contact's initial attributes) are `Unknown`: shown as their reference between ⟨ ⟩.
A Compare on such a value is enumerated too, and an Equals branch taken binds the value for the rest
of the path, so a second Compare on it agrees with the first.

The paths are walked depth first by replaying the run from its start with a prefix of choices (a
run takes well under a millisecond: replaying is simpler than copying a contact mid-run), bounded
by the step budget and by how many times one block may run on a path.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from .blocks import default_registry
from .blocks.registry import BlockRegistry, BlockSpec
from .engine import compare
from .engine.contact import DIRECTIONS, QueueRef
from .engine.context import RunContext, flow_type_of
from .engine.instance import Instance
from .engine.outcome import Outcome, error, result, success
from .engine.runner import DEFAULT_MAX_STEPS, RunSettings, run_flow, runnable_start
from .engine.trace import Step, Trace
from .errors import ConfigurationError, ConnectflowError, StepBudgetExceeded, UnsupportedActionError
from .flow.library import FlowLibrary
from .flow.model import Action, Flow
from .mocks import Mocks, MockState
from .simulator import MediaStreamResult, SimulatedContact

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
DEFAULT_MAX_LOOPS = 3

# Blocks whose success ends the flow: their Success is the real block run with mocks that let it
# succeed (an empty MockState: queues have room, the agent is free), so the engine still decides
# what it checks itself (no working queue, a malformed phone number).
ENDS_ON_SUCCESS = frozenset({
    "TransferContactToQueue",
    "TransferContactToAgent",
    "DequeueContactAndTransferToQueue",
    "TransferParticipantToThirdParty",
})

# Where a decided block's answer goes ($.External, $.Lex, $.Metrics...): unknown afterwards.
ANSWER_NAMESPACES = {
    "InvokeLambdaFunction": "External",
    "ConnectParticipantWithLexBot": "Lex",
    "GetMetricData": "Metrics",
    "GetCustomerProfile": "Customer",
    "GetCustomerProfileObject": "Customer",
    "GetCalculatedAttributesForCustomerProfile": "Customer",
    "CreateCustomerProfile": "Customer",
    "GetCase": "Case",
    "CreateCase": "Case",
    "ShowView": "Views",
    "CreateWisdomSession": "Wisdom",
}

# Marks every block of the explore registry as "ask decide first", so each block run is counted.
_EXPLORE = "explore"


# Unknown values --------------------------------------------------------------------------------

class Unknown(str):
    """A value only the outside world knows. Its text is the reference it came from between ⟨ ⟩
    (`⟨$.External.tier⟩`); a key inside it is unknown too."""

    parts: tuple[str, ...]

    def __new__(cls, parts: tuple[str, ...]) -> Unknown:
        self = super().__new__(cls, "⟨$." + ".".join(parts) + "⟩")
        self.parts = parts
        return self

    def get(self, key: str, default: Any = None) -> Unknown:
        return Unknown((*self.parts, str(key)))


# values.walk follows `.get` into Mappings: `$.External.a.b` of an unknown `a` stays unknown.
Mapping.register(Unknown)


class UnknownData(dict[str, Any]):
    """A namespace filled from outside the flow ($.External after a decided Lambda, the contact's
    initial $.Attributes): the keys set in it are known, every other key is Unknown."""

    def __init__(self, parts: tuple[str, ...], known: Mapping[str, Any] | None = None) -> None:
        super().__init__(known or {})
        self.parts = parts

    def get(self, key: str, default: Any = None) -> Any:
        if key in self:
            return self[key]
        return Unknown((*self.parts, str(key)))


def is_unknown(value: object) -> bool:
    """An Unknown, or text that embeds one."""
    return isinstance(value, Unknown) or (isinstance(value, str) and "⟨$." in value)


def _bind(ctx: RunContext, unknown: Unknown, value: str) -> None:
    """The flow tested an unknown value and explore chose `value`: every copy of it (an attribute
    set from $.External.x) and its source take that value for the rest of the path."""
    c = ctx.contact
    containers: list[dict[str, Any]] = [c.attributes, *(frame.flow_attributes for frame in ctx.frames)]
    for container in containers:
        for key, held in list(container.items()):
            if isinstance(held, str) and held == unknown:
                container[key] = value
    if c.stored_input == unknown:
        c.stored_input = value
    head, rest = unknown.parts[0], unknown.parts[1:]
    roots: dict[str, Any] = {"External": c.external, "Lex": c.lex, "Attributes": c.attributes}
    root = roots.get(head, c.data.get(head))
    if not rest or not isinstance(root, UnknownData):
        return
    node = root
    for part in rest[:-1]:
        child = dict.get(node, part)
        if not isinstance(child, UnknownData):
            child = UnknownData((*node.parts, part))
            node[part] = child
        node = child
    node[rest[-1]] = value


# Results ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Choice:
    """A branch explore chose for a block decided from outside the flow (flow, block, branch)."""

    flow: str
    block: str
    action_type: str
    branch: str | None

    def describe(self, explored: str) -> str:
        name = self.block if self.flow == explored else f"{self.flow}/{self.block}"
        return f"{name} → {self.branch}"

    def to_dict(self) -> dict[str, Any]:
        return {"flow": self.flow, "block": self.block, "type": self.action_type, "branch": self.branch}


@dataclass(frozen=True)
class ExploredPath:
    """One distinct path of an explored flow and the contact at its end.

    `ended` is how the run ended (None when a bound stopped it: `bound` is then "loop" or "steps",
    or when the block could not run at all: `problem` says why). `choices` are the branches chosen
    for the blocks decided from outside the flow; `steps` every block run, in order, across flows.
    """

    flow: str
    flow_type: str
    channel: str
    live_media_streaming: bool
    ended: str | None
    choices: tuple[Choice, ...]
    steps: tuple[Step, ...]
    flows: tuple[str, ...]
    queue: str | None
    attributes: Mapping[str, str]
    media_streaming: MediaStreamResult
    event_hooks: Mapping[str, str] = field(default_factory=dict)
    disabled_hooks: tuple[str, ...] = ()
    bound: Literal["loop", "steps"] | None = None
    problem: str | None = None
    reason: str = ""

    @property
    def path(self) -> list[str]:
        """Every block run, in order, as its Identifier."""
        return [step.identifier for step in self.steps]

    @property
    def outcome(self) -> str:
        """`ended`, or `loop: bounded` / `steps: bounded`, or `stopped` (a block could not run)."""
        if self.ended is not None:
            return self.ended
        if self.bound is not None:
            return f"{self.bound}: bounded"
        return "stopped"

    def signature(self) -> tuple[Any, ...]:
        return (
            tuple((s.flow, s.identifier, s.branch) for s in self.steps),
            self.ended, self.bound, self.problem,
        )

    def to_dict(self) -> dict[str, Any]:
        media = self.media_streaming
        return {
            "ended": self.ended,
            "bound": self.bound,
            "problem": self.problem,
            "reason": self.reason,
            "choices": [c.to_dict() for c in self.choices],
            "path": [
                {"flow": s.flow, "block": s.identifier, "type": s.action_type, "branch": s.branch}
                for s in self.steps
            ],
            "flows": list(self.flows),
            "queue": self.queue,
            "attributes": dict(self.attributes),
            "media_streaming": {
                "state": media.state,
                "directions": dict(media.directions),
                "history": [
                    {"kind": e.kind, "directions": list(e.directions), "flow": e.flow, "flow_type": e.flow_type,
                     "block": e.block, "step": e.step}
                    for e in media.history
                ],
            },
            "event_hooks": dict(self.event_hooks),
        }

    def describe(self, number: int | None = None) -> str:
        """The path in a few lines: how it ended, the choices, queue, attributes, media stream."""
        heading = f"path {number}: " if number is not None else ""
        why = self.problem or self.reason
        lines = [f"{heading}{self.outcome}" + (f" ({why})" if why and self.ended != "disconnected" else "")]
        choices = ", ".join(c.describe(self.flow) for c in self.choices) or "(none)"
        lines.append(f"  choices: {choices}")
        lines.append(f"  blocks: {' → '.join(self._block_text(step) for step in self.steps)}")
        if len(self.flows) > 1:
            lines.append(f"  flows: {' → '.join(self.flows)}")
        lines.append(f"  queue: {self.queue or '(none)'}")
        attributes = ", ".join(f"{k}={v}" for k, v in sorted(self.attributes.items())) or "(none set)"
        lines.append(f"  attributes: {attributes}")
        lines.append(f"  media stream: {describe_stream(self.media_streaming)}")
        return "\n".join(lines)


    def _block_text(self, step: Step) -> str:
        # A branch other than Success is shown: where the engine took an Error, the path says so.
        name = step.identifier if step.flow == self.flow else f"{step.flow}/{step.identifier}"
        return name if step.branch == "Success" else f"{name} [{step.branch or 'interrupted'}]"


def describe_stream(media: MediaStreamResult) -> str:
    """`streaming (From on, To on): start at Main IVR/Start streaming [From, To]` and the like."""
    directions = ", ".join(f"{d} {'on' if media.directions.get(d) else 'off'}" for d in DIRECTIONS)
    events = []
    for event in media.history:
        where = f" at {event.flow}/{event.block}" if event.block else ""
        dirs = f" [{', '.join(event.directions)}]" if event.kind in ("start", "initial") and event.directions else ""
        events.append(f"{event.kind}{where}{dirs}")
    return f"{media.state} ({directions})" + (": " + "; ".join(events) if events else "")


# Choosing outcomes -----------------------------------------------------------------------------

class _Bounded(ConnectflowError):
    """Internal: a block was about to run more often than max_loops allows on this path."""


Option = Callable[[], Outcome]


def _usable(target: str | None) -> bool:
    return bool(target) and target != "$end"


def _candidates(operator: str, operand: str) -> list[str]:
    """Values that satisfy `operator operand`, the plainest first."""
    if operator in ("Equals", "TextStartsWith", "TextEndsWith", "TextContains"):
        return [operand, operand + "x", "x" + operand, "x" + operand + "x"]
    try:
        number = Decimal(operand.strip())
    except (InvalidOperation, ValueError):
        return []
    if not number.is_finite():
        return []
    steps = {
        "NumberGreaterThan": ("1", "0.5", "1000"),
        "NumberGreaterOrEqualTo": ("0", "1", "1000"),
        "NumberLessThan": ("-1", "-0.5", "-1000"),
        "NumberLessOrEqualTo": ("0", "-1", "-1000"),
    }.get(operator, ())
    return [str(number + Decimal(step)) for step in steps]


def _first_match(action: Action, value: str) -> int | None:
    """The index of the condition the engine takes for `value` (None: no condition holds)."""
    for index, condition in enumerate(action.conditions):
        try:
            if compare.matches(condition.operator, value, condition.operand):
                return index
        except KeyError:  # an unknown operator: the engine reports it when it tests the value
            return None
    return None


def _value_for(action: Action, index: int) -> str | None:
    """A value that makes the engine take condition `index`; None when earlier conditions always
    take it first."""
    condition = action.conditions[index]
    for candidate in _candidates(condition.operator, condition.operand):
        if _first_match(action, candidate) == index:
            return candidate
    return None


def _mark_answer(ctx: RunContext, action: Action, known: Mapping[str, Any] | None = None) -> None:
    """A decided block answered: what it wrote ($.External...) is unknown from now on."""
    namespace = ANSWER_NAMESPACES.get(action.type)
    c = ctx.contact
    if namespace == "External":
        asynchronous = str(action.parameters.get("InvocationType", "SYNCHRONOUS")).upper() == "ASYNCHRONOUS"
        c.external = {} if asynchronous else UnknownData(("External",))
    elif namespace == "Lex":
        c.lex = UnknownData(("Lex",), known)
    elif namespace is not None:
        c.data[namespace] = UnknownData((namespace,), known)


def _clear_answer(ctx: RunContext, action: Action) -> None:
    """A decided block failed: the namespaces the engine clears before calling out are empty."""
    if action.type == "InvokeLambdaFunction":
        ctx.contact.external = {}
    elif action.type == "ConnectParticipantWithLexBot":
        ctx.contact.lex = {}


def condition_values(action: Action, cache: dict[Action, list[tuple[int, str]]] | None = None) -> list[tuple[int, str]]:
    """(index, value) per reachable condition: a value that makes the engine take it."""
    if cache is not None and action in cache:
        return cache[action]
    found = [(index, value) for index in range(len(action.conditions))
             if (value := _value_for(action, index)) is not None]
    if cache is not None:
        cache[action] = found
    return found


def _condition_options(ctx: RunContext, action: Action, note: str, values: list[tuple[int, str]]
                       ) -> list[tuple[str, Option]]:
    """One option per reachable condition: the result that makes the engine take it."""
    options: list[tuple[str, Option]] = []
    for index, value in values:

        def take(value: str = value) -> Outcome:
            known = {"IntentName": value} if action.type == "ConnectParticipantWithLexBot" else None
            _mark_answer(ctx, action, known)
            return result(value, f"{note}: {value}")

        options.append((f"condition {index}", take))
    return options


def _error_options(ctx: RunContext, action: Action, note: str) -> list[tuple[str, Option]]:
    options: list[tuple[str, Option]] = []
    for entry in action.errors:
        def fail(error_type: str = entry.error_type) -> Outcome:
            _clear_answer(ctx, action)
            return error(error_type, f"{note}: {error_type}")

        options.append((f"error {entry.error_type}", fail))
    return options


def _real_success(ctx: RunContext, action: Action, spec: BlockSpec) -> Outcome:
    """The block itself, with mocks that let it succeed (queues have room, the call connects)."""
    saved = ctx.mocks
    if action.type == "TransferParticipantToThirdParty":
        ctx.mocks = MockState(Mocks(services={"third_party": {action.identifier: "Success"}}))
    try:
        return spec.run(ctx, action)
    finally:
        ctx.mocks = saved


def _distribution_options(action: Action) -> list[tuple[str, Option]]:
    """Distribute by percentage: every branch some draw from 1 to 100 reaches."""
    firsts: dict[int | None, int] = {}
    for draw in range(1, 101):
        firsts.setdefault(_first_match(action, str(draw)), draw)
    ordered = sorted(firsts.items(), key=lambda item: (item[0] is None, item[0] or 0))
    options: list[tuple[str, Option]] = []
    for _, draw in ordered:
        def take(draw: int = draw) -> Outcome:
            return result(str(draw), f"explore: drew {draw}")

        options.append((f"draw {draw}", take))
    return options


def mocked_options(ctx: RunContext, action: Action, spec: BlockSpec,
                   cache: dict[Action, list[tuple[int, str]]] | None = None) -> list[tuple[str, Option]]:
    """The outcomes of a block decided from outside the flow, from its transitions: each
    Condition, each declared ErrorType, and Success when it has a usable NextAction (or, for a
    block whose success ends the flow, the real block run)."""
    note = "explore"
    if action.type == "DistributeByPercentage":
        return _distribution_options(action)
    options: list[tuple[str, Option]] = []
    store = action.type == "GetParticipantInput" and str(action.parameters.get("StoreInput", "False")).lower() == "true"
    if action.conditions and not store:
        options += _condition_options(ctx, action, note, condition_values(action, cache))
    elif action.type in ENDS_ON_SUCCESS:
        options.append(("success", lambda: _real_success(ctx, action, spec)))
    elif _usable(action.next_action):
        def succeed() -> Outcome:
            if store:
                ctx.contact.stored_input = Unknown(("StoredCustomerInput",))
            _mark_answer(ctx, action)
            return success(note)

        options.append(("success", succeed))
    seen = {name for name, _ in options}
    for name, option in _error_options(ctx, action, note):
        if name not in seen:
            seen.add(name)
            options.append((name, option))
    # A block with no usable transition still runs: the engine ends the path as it would.
    return options or [("success", lambda: success(note))]


def compare_options(ctx: RunContext, action: Action, cache: dict[Action, list[tuple[int, str]]] | None = None,
                    excluded: dict[str, set[str]] | None = None) -> list[tuple[str, Option]] | None:
    """A Compare on a value only the outside world knows: each condition it can take, and
    NoMatchingCondition when declared. None: the value is known, the engine decides.

    An Equals branch binds the value for the rest of the path; NoMatchingCondition records that it
    equals none of the Equals operands (`excluded`, per path), so a later Compare agrees."""
    raw = action.parameters.get("ComparisonValue")
    if raw is None:
        return None
    value = ctx.resolve(raw)
    if not is_unknown(value):
        return None
    ruled_out = excluded.get(value, set()) if excluded is not None and isinstance(value, str) else set()
    options: list[tuple[str, Option]] = []
    for index, chosen in condition_values(action, cache):
        equals = action.conditions[index].operator == "Equals"
        if equals and chosen in ruled_out:
            continue

        def take(chosen: str = chosen, equals: bool = equals) -> Outcome:
            if equals and isinstance(value, Unknown):
                _bind(ctx, value, chosen)
            return result(chosen, f"explore: {raw} taken as {chosen!r}")

        options.append((f"condition {index}", take))
    if any(e.error_type == "NoMatchingCondition" for e in action.errors):
        def no_match() -> Outcome:
            if excluded is not None and isinstance(value, str):
                operands = {c.operand for c in action.conditions if c.operator == "Equals"}
                excluded.setdefault(value, set()).update(operands)
            return result(None, f"explore: {raw} matches no condition")

        options.append(("no match", no_match))
    return options or None


# Walking ---------------------------------------------------------------------------------------

class _Replay:
    """One run: the first decisions follow `prefix`, each later one takes its first option and
    records how many it had."""

    def __init__(self, prefix: tuple[int, ...], setup: _Setup) -> None:
        self.prefix = prefix
        self.original = setup.registry
        self.max_loops = setup.max_loops
        self.cache = setup.condition_values
        self.counts: list[int] = []
        self.chosen: list[int] = []
        self.decided: dict[int, tuple[str, str, str]] = {}  # step number → (flow, block, type)
        self.visits: Counter[tuple[str, str]] = Counter()
        self.excluded: dict[str, set[str]] = {}  # unknown value → the Equals operands it is not

    def decide(self, ctx: RunContext, action: Action, spec: BlockSpec) -> Outcome | None:
        key = (ctx.flow.name, action.identifier)
        self.visits[key] += 1
        runs = self.visits[key]
        if runs > self.max_loops + 1:
            raise _Bounded(
                f"block {action.identifier!r} of flow {ctx.flow.name!r} would run {runs} times on this path "
                f"(it may repeat {self.max_loops} times: --max-loops)"
            )
        original = self.original.get(action.type)
        if original is not None and original.mocks:
            options: list[tuple[str, Option]] | None = mocked_options(ctx, action, spec, self.cache)
        elif action.type == "Compare":
            options = compare_options(ctx, action, self.cache, self.excluded)
        elif action.type == "UpdateContactAttributes":
            return self._keep_unknown_attributes(ctx, action, spec)
        elif action.type == "UpdateContactTargetQueue":
            return self._unknown_queue(ctx, action)
        else:
            options = None
        if options is None:
            return None
        position = len(self.counts)
        index = self.prefix[position] if position < len(self.prefix) else 0
        self.counts.append(len(options))
        self.chosen.append(index)
        self.decided[ctx.step] = (ctx.flow.name, action.identifier, action.type)
        return options[index][1]()

    @staticmethod
    def _keep_unknown_attributes(ctx: RunContext, action: Action, spec: BlockSpec) -> Outcome:
        # The block merges into a plain dict: attributes it does not set stay unknown.
        before = ctx.contact.attributes
        outcome = spec.run(ctx, action)
        if isinstance(before, UnknownData) and ctx.contact.attributes is not before:
            ctx.contact.attributes = UnknownData(before.parts, ctx.contact.attributes)
        return outcome

    @staticmethod
    def _unknown_queue(ctx: RunContext, action: Action) -> Outcome | None:
        # A queue named by an unknown value ($.External.queueArn): set it, named by its reference.
        ref = ctx.resolve(action.parameters.get("QueueId"))
        if not is_unknown(ref):
            return None
        ctx.contact.queue = QueueRef(name=str(ref))
        return success(f"explore: queue {ref}")


@dataclass(frozen=True)
class _Setup:
    library: FlowLibrary
    flow: Flow
    flow_type: str | None
    channel: str
    instance: Instance
    registry: BlockRegistry
    explore_registry: BlockRegistry
    max_steps: int
    max_loops: int
    media_streaming: str | Mapping[str, bool]
    # per explore call: the value that takes each condition of a block, computed once
    condition_values: dict[Action, list[tuple[int, str]]] = field(default_factory=dict)


def _walk(setup: _Setup, prefix: tuple[int, ...]) -> tuple[ExploredPath, _Replay]:
    replay = _Replay(prefix, setup)
    contact = SimulatedContact(channel=setup.channel, media_streaming=setup.media_streaming).build(setup.instance)
    # The contact may arrive with any attributes (StartChatContact, an earlier flow).
    contact.attributes = UnknownData(("Attributes",))
    bound: Literal["loop", "steps"] | None = None
    problem: str | None = None
    try:
        trace = run_flow(
            setup.library, setup.flow, contact,
            registry=setup.explore_registry, instance=setup.instance, mocks=MockState(),
            settings=RunSettings(max_steps=setup.max_steps, decide=replay.decide),
            flow_type=setup.flow_type,
        )
        reason = trace.reason
    except UnsupportedActionError:
        raise
    except ConnectflowError as exc:
        trace = exc.trace or Trace()
        if isinstance(exc, _Bounded):
            bound, reason = "loop", exc.message
        elif isinstance(exc, StepBudgetExceeded):
            bound, reason = "steps", exc.message
        else:
            problem, reason = str(exc), ""
    steps = tuple(trace.steps)
    by_number = {step.number: step for step in steps}
    choices = tuple(
        Choice(flow, block, action_type, by_number[number].branch)
        for number, (flow, block, action_type) in replay.decided.items()
        if number in by_number
    )
    media = contact.media
    ftype = setup.flow_type or ("CONTACT_FLOW" if setup.flow.is_module else
                                flow_type_of(setup.flow, setup.instance) or "CONTACT_FLOW")
    path = ExploredPath(
        flow=setup.flow.name,
        flow_type=ftype,
        channel=setup.channel,
        live_media_streaming=setup.instance.live_media_streaming,
        ended=trace.ended if bound is None and problem is None else None,
        choices=choices,
        steps=steps,
        flows=tuple(trace.flows),
        queue=str(contact.queue.name) if contact.queue is not None else None,
        attributes={str(k): str(v) for k, v in contact.attributes.items()},
        media_streaming=MediaStreamResult(media.state, dict(media.directions), tuple(media.history)),
        event_hooks={k: str(v) for k, v in contact.event_hooks.items()},
        disabled_hooks=tuple(sorted(k for k, off in contact.event_hooks_disabled.items() if off)),
        bound=bound,
        problem=problem,
        reason=reason,
    )
    return path, replay


def explore(
    library: FlowLibrary,
    flow: Flow | str,
    *,
    channel: str = "VOICE",
    instance: Instance | Mapping[str, Any] | None = None,
    max_steps: int = DEFAULT_MAX_STEPS,
    max_loops: int = DEFAULT_MAX_LOOPS,
    max_paths: int | None = None,
    flow_type: str | None = None,
    media_streaming: str | Mapping[str, bool] = "not_started",
    registry: BlockRegistry | None = None,
) -> list[ExploredPath]:
    """Every distinct path of `flow` (a Flow, or its name, Id or ARN) on `channel` with `instance`.

    `max_steps` bounds one path's blocks and `max_loops` how many times one block may repeat on a
    path; a path that reaches either is returned with `bound` set. `max_paths` stops after that
    many paths (None: all). `flow_type` runs the flow as that type (default: the type it states);
    `media_streaming` presets the stream as SimulatedContact does (a later flow of a streaming
    contact). Raises ConfigurationError for bad settings, FlowDefectError when the flow cannot run
    from its start, UnsupportedActionError for an action type no block handles.
    """
    if channel not in CHANNELS:
        raise ConfigurationError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
    if max_steps < 1:
        raise ConfigurationError(f"max_steps must be 1 or more, not {max_steps}")
    if max_loops < 0:
        raise ConfigurationError(f"max_loops must be 0 or more, not {max_loops}")
    if max_paths is not None and max_paths < 1:
        raise ConfigurationError(f"max_paths must be 1 or more, not {max_paths}")
    target = flow if isinstance(flow, Flow) else library.find(flow)
    runnable_start(target)  # a flow that cannot run from its start has no paths: say why
    base = registry or default_registry()
    setup = _Setup(
        library=library,
        flow=target,
        flow_type=flow_type,
        channel=channel,
        instance=instance if isinstance(instance, Instance) else Instance.from_dict(instance),
        registry=base,
        explore_registry=BlockRegistry(replace(spec, mocks=spec.mocks or _EXPLORE) for spec in base),
        max_steps=max_steps,
        max_loops=max_loops,
        media_streaming=media_streaming,
    )
    paths: list[ExploredPath] = []
    seen: set[tuple[Any, ...]] = set()
    pending: list[tuple[int, ...]] = [()]
    while pending:
        prefix = pending.pop()
        path, replay = _walk(setup, prefix)
        # Depth first, first options first: the later the decision, the sooner its siblings run.
        for position in range(len(prefix), len(replay.counts)):
            head = tuple(replay.chosen[:position])
            pending.extend((*head, index) for index in range(replay.counts[position] - 1, 0, -1))
        key = path.signature()
        if key in seen:  # two options the engine routed the same way (a transfer that failed anyway)
            continue
        seen.add(key)
        paths.append(path)
        if max_paths is not None and len(paths) >= max_paths:
            break
    return paths


# Output ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exploration:
    """The paths of one flow on one channel and instance setting, as the command prints them."""

    flow: str
    flow_type: str
    channel: str
    live_media_streaming: bool
    paths: tuple[ExploredPath, ...]
    max_paths: int | None = None

    @property
    def complete(self) -> bool:
        """False when `max_paths` stopped the walk before every path was seen."""
        return self.max_paths is None or len(self.paths) < self.max_paths

    def render(self) -> str:
        """A heading, the number of paths per ending, then each path."""
        live = "on" if self.live_media_streaming else "off"
        count = len(self.paths)
        lines = [f"{self.flow} ({self.flow_type}) on {self.channel}, live media streaming {live}: "
                 f"{count} path{'s' if count != 1 else ''}"]
        counts = Counter(p.outcome for p in self.paths)
        lines.append("  " + ", ".join(f"{name}: {n}" for name, n in sorted(counts.items())))
        if not self.complete:
            lines.append(f"  (stopped after {self.max_paths} paths: --max-paths)")
        for number, path in enumerate(self.paths, 1):
            lines.append("")
            lines.append(path.describe(number))
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "flow": self.flow,
            "flow_type": self.flow_type,
            "channel": self.channel,
            "live_media_streaming": self.live_media_streaming,
            "complete": self.complete,
            "paths": [p.to_dict() for p in self.paths],
        }


__all__ = ["Choice", "Exploration", "ExploredPath", "Unknown", "explore"]


# The command -------------------------------------------------------------------------------------

DEFAULT_CLI_MAX_PATHS = 1000


def add_arguments(parser: Any) -> None:
    """`connectflow explore FLOW ...` (an argparse parser)."""
    import argparse

    parser.add_argument("flow", metavar="FLOW", help="the flow's name, Id or ARN (or a file holding one flow)")
    parser.add_argument("--flows", action="append", metavar="PATH", help="flow file or folder (overrides the ini)")
    parser.add_argument("--channel", choices=(*CHANNELS, "all"), default="VOICE",
                        help="the contact's channel (default VOICE); all: each channel in turn")
    parser.add_argument("--live-media-streaming", action=argparse.BooleanOptionalAction, default=None,
                        help="the instance setting (default: the instance resources file's, else on)")
    parser.add_argument("--max-steps", type=int, metavar="N",
                        help="blocks one path may run (default: ini connectflow_max_steps, else 1000)")
    parser.add_argument("--max-loops", type=int, default=DEFAULT_MAX_LOOPS, metavar="N",
                        help=f"times one block may repeat on a path (default {DEFAULT_MAX_LOOPS})")
    parser.add_argument("--max-paths", type=int, default=DEFAULT_CLI_MAX_PATHS, metavar="N",
                        help=f"stop after N paths per channel (default {DEFAULT_CLI_MAX_PATHS}; 0: no limit)")
    parser.add_argument("--format", choices=("text", "json"), default="text")


def command(args: Any) -> int:
    """Run `connectflow explore`: 0 when the flow was explored, 1 when it cannot be, 2 for bad usage."""
    import sys
    from pathlib import Path

    from .config_files import find_settings
    from .flow.library import load_library
    from .session import load_instance_file

    settings = find_settings(Path.cwd())
    try:
        instance_file = settings.value("connectflow_instance")
        raw: dict[str, Any] = dict(load_instance_file(settings.root / instance_file)) if instance_file else {}
        if args.live_media_streaming is not None:
            raw["live_media_streaming"] = args.live_media_streaming
        if args.flows:
            paths = [Path(p) for p in args.flows]
        elif Path(args.flow).is_file():
            paths = [Path(args.flow)]
        else:
            paths = settings.paths("connectflow_flows")
        if not paths:
            print("connectflow explore: no flows to look in: give --flows PATH or set the ini option "
                  "connectflow_flows", file=sys.stderr)
            return 2
        placeholders = {str(k): str(v) for k, v in (raw.get("placeholders") or {}).items()}
        library = load_library(paths, placeholders)
        if not args.flows and Path(args.flow).is_file() and len(library.flows) == 1:
            target = library.flows[0]
        else:
            target = library.find(args.flow)
        instance = Instance.from_dict(raw)
        max_steps = args.max_steps or int(settings.value("connectflow_max_steps", "0") or 0) or DEFAULT_MAX_STEPS
        limit = args.max_paths or None
        flow_type = "CONTACT_FLOW" if target.is_module else (flow_type_of(target, instance) or "CONTACT_FLOW")
        explorations = [
            Exploration(
                target.name, flow_type, channel, instance.live_media_streaming,
                tuple(explore(library, target, channel=channel, instance=instance, max_steps=max_steps,
                              max_loops=args.max_loops, max_paths=limit)),
                limit,
            )
            for channel in (CHANNELS if args.channel == "all" else (args.channel,))
        ]
    except ConnectflowError as exc:
        print(f"connectflow explore: {exc}", file=sys.stderr)
        return 1
    if args.format == "json":
        sys.stdout.write(json.dumps([e.to_dict() for e in explorations], indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n\n".join(e.render() for e in explorations) + "\n")
    return 0


__all__ = ["Choice", "Exploration", "ExploredPath", "Unknown", "explore"]
