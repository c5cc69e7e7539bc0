"""The Python API over the engine: a simulator of an instance with its flows, simulated contacts,
and the result of a run."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .blocks import default_registry
from .blocks.media_streaming import START_FRAGMENT, stream_arn
from .blocks.registry import BlockRegistry
from .engine.contact import DIRECTIONS, Contact, MediaStreamEvent, StreamState
from .engine.instance import Instance
from .engine.journey import Journey, run_journey
from .engine.messages import Message
from .engine.runner import DEFAULT_MAX_STEPS, RunSettings, attached_trace, run_flow, start_run
from .engine.trace import Step, Trace
from .errors import AmbiguousNameError, ConfigurationError, ConnectflowError
from .flow.library import BlockRef, FlowLibrary, load_library
from .mocks import LambdaCall, Mocks, MockState
from .mocks.schedule import parse_clock
from .mocks.services import SERVICE_KINDS


def as_connect_string(value: Any) -> str:
    """A Python value as the string Amazon Connect sees (JSON spelling: True → "true")."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{value!r} is not a value Amazon Connect can hold: {exc}") from None


@dataclass(frozen=True)
class SimulatedContact:
    """How a simulated contact starts: channel, user-defined attributes, endpoints, initiation
    ($.InitiationMethod), a queue already set, and a media stream already running.

    `media_streaming`: "not_started", "streaming" (both directions), "stopped", or a direction map
    such as {"From": True, "To": False}; anything but not_started starts the history with an
    `initial` entry.
    """

    channel: str = "VOICE"
    attributes: Mapping[str, Any] = field(default_factory=dict)
    customer_endpoint: str | None = "+15555550100"
    system_endpoint: str | None = "+15555550199"
    initiation: str | None = None
    queue: str | None = None
    media_streaming: str | Mapping[str, bool] = "not_started"

    def __post_init__(self) -> None:
        if self.channel not in ("VOICE", "CHAT", "TASK", "EMAIL"):
            raise ConfigurationError(f"channel must be VOICE, CHAT, TASK or EMAIL, not {self.channel!r}")
        if isinstance(self.media_streaming, str):
            if self.media_streaming not in ("not_started", "streaming", "stopped"):
                raise ConfigurationError(
                    f"media_streaming must be not_started, streaming, stopped or a direction map, "
                    f"not {self.media_streaming!r}"
                )
        elif set(self.media_streaming) - set(DIRECTIONS):
            raise ConfigurationError(f"media_streaming directions are From and To, not {dict(self.media_streaming)}")

    def build(self, instance: Instance | None = None) -> Contact:
        instance = instance or Instance()
        contact = Contact(
            channel=self.channel,
            attributes={str(k): as_connect_string(v) for k, v in self.attributes.items()},
            customer_endpoint=self.customer_endpoint,
            system_endpoint=self.system_endpoint,
            initiation_method=self.initiation,
            queue=instance.queue_ref(self.queue) if self.queue else None,
        )
        preset = self.media_streaming
        if preset != "not_started":
            on = set(DIRECTIONS) if preset == "streaming" else set()
            if not isinstance(preset, str):
                on = {d for d, v in preset.items() if v}
            media = contact.media
            for direction in DIRECTIONS:
                media.directions[direction] = direction in on
            media.history.append(MediaStreamEvent("initial", tuple(d for d in DIRECTIONS if d in on)))
            if on:
                media.stream_arn = stream_arn(instance, contact.contact_id)
                media.start_timestamp = "1700000000000"
                media.start_fragment_number = START_FRAGMENT
        return contact


@dataclass(frozen=True)
class MediaStreamResult:
    """The media stream at the end of a run: `state`, per-direction flags and the history."""

    state: StreamState
    directions: Mapping[str, bool]
    history: tuple[MediaStreamEvent, ...]

    @property
    def streaming(self) -> bool:
        return self.state == "streaming"

    def __eq__(self, other: object) -> bool:
        # `result.media_streaming == "stopped"` reads naturally in a test.
        if isinstance(other, str):
            return self.state == other
        if isinstance(other, MediaStreamResult):
            return (self.state, dict(self.directions), self.history) == (
                other.state, dict(other.directions), other.history,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.state)

    def describe(self) -> str:
        lines = [f"media stream: {self.state} ({', '.join(f'{d}={v}' for d, v in self.directions.items())})"]
        lines += [f"  - {event.describe()}" for event in self.history] or ["  (no start or stop)"]
        return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class RunResult:
    """What a run did: the trace of every block, how it ended, and the contact afterwards."""

    flow: str
    trace: Trace
    contact: Contact
    library: FlowLibrary
    lambda_calls: tuple[LambdaCall, ...] = ()
    mock_state: MockState | None = None

    @property
    def events(self) -> list[str]:
        """The journey's events with their times (empty without a journey)."""
        return list(self.trace.events)

    @property
    def messages(self) -> list[Message]:
        """What the customer was sent, in order (messages to the agent in agent whisper and hold
        flows are in `trace.messages`)."""
        return [m for m in self.trace.messages if m.to == "customer"]

    @property
    def unused_mocks(self) -> tuple[str, ...]:
        """`mocks.<kind>.<key>` of every mock no block asked for."""
        return tuple(self.mock_state.unused()) if self.mock_state is not None else ()

    @property
    def steps(self) -> list[Step]:
        return self.trace.steps

    @property
    def path(self) -> list[str]:
        """Every block run, in order, as its Identifier."""
        return [step.identifier for step in self.trace.steps]

    @property
    def flows(self) -> list[str]:
        return list(self.trace.flows)

    @property
    def ended(self) -> str | None:
        return self.trace.ended

    @property
    def reason(self) -> str:
        return self.trace.reason

    @property
    def attributes(self) -> dict[str, str]:
        return dict(self.contact.attributes)

    @property
    def queue(self) -> str | None:
        return self.contact.queue.name if self.contact.queue else None

    @property
    def media_streaming(self) -> MediaStreamResult:
        media = self.contact.media
        return MediaStreamResult(media.state, dict(media.directions), tuple(media.history))

    def steps_of(self, block: str) -> list[Step]:
        """The runs of a block named as in DESIGN.md (Identifier, UUID prefix, Flow/Identifier)."""
        ref = self.library.block(block)
        return steps_matching(ref, self.trace.steps)

    def branches(self, block: str) -> list[str | None]:
        return [step.branch for step in self.steps_of(block)]

    def branch(self, block: str) -> str | None:
        """The branch of the block's last run, None when it did not run."""
        runs = self.branches(block)
        return runs[-1] if runs else None

    def table(self) -> str:
        return self.trace.table()

    def __repr__(self) -> str:
        return (
            f"<RunResult {self.flow!r}: {len(self.trace.steps)} blocks, ended {self.ended}, "
            f"media stream {self.media_streaming.state}>"
        )


def steps_matching(ref: BlockRef, steps: Sequence[Step]) -> list[Step]:
    found = [s for s in steps if ref.matches(s.flow, s.identifier)]
    flows = {s.flow for s in found}
    if len(flows) > 1:
        listing = "".join(f"\n  - {f}/{found[0].identifier}" for f in sorted(flows))
        raise AmbiguousNameError(
            f"the block name {ref.text!r} fits blocks of several flows this run crossed; "
            f"name it as Flow name/Identifier:{listing}"
        )
    return found


_MOCK_KINDS = frozenset({"lambdas", "hours", "queues", "distribution", *SERVICE_KINDS})


def build_mocks(
    mocks: Mapping[str, Any] | None,
    *,
    lambdas: Mapping[str, Any] | None = None,
    hours: Mapping[str, Any] | None = None,
    handler_roots: Sequence[str] = (),
) -> Mocks:
    """Mocks from the `mocks` map (any kind) plus the `lambdas` and `hours` shortcuts."""
    given = dict(mocks or {})
    unknown = given.keys() - _MOCK_KINDS
    if unknown:
        kinds = ", ".join(["lambdas", "hours", "queues", "distribution", *SERVICE_KINDS])
        raise ConfigurationError(f"unknown mock kind(s) {', '.join(sorted(unknown))}; known kinds: {kinds}")
    if not lambdas and not hours and not any(given.values()):  # a scenario passes every kind, mostly empty
        return Mocks(handler_roots=tuple(handler_roots))
    for kind, value in (*given.items(), ("lambdas", lambdas), ("hours", hours)):
        if value and not isinstance(value, Mapping):
            raise ConfigurationError(f"mocks.{kind} must be a map of mocks by name, not {value!r}")
    return Mocks(
        lambdas={**dict(given.pop("lambdas", None) or {}), **dict(lambdas or {})},
        hours={**dict(given.pop("hours", None) or {}), **dict(hours or {})},
        queues=dict(given.pop("queues", None) or {}),
        distribution={str(k): str(v) for k, v in dict(given.pop("distribution", None) or {}).items()},
        services={kind: dict(value or {}) for kind, value in given.items()},
        handler_roots=tuple(handler_roots),
    )


LambdaMock = Mapping[str, Any] | Sequence[Any] | Callable[..., Any] | BaseException | type[BaseException]


class Simulator:
    """An instance with its flows. `run` starts a fresh contact each time; nothing is shared."""

    def __init__(
        self,
        library: FlowLibrary,
        *,
        instance: Instance | Mapping[str, Any] | None = None,
        registry: BlockRegistry | None = None,
        max_steps: int = DEFAULT_MAX_STEPS,
        seed: str | int = 0,
        handler_roots: Sequence[str | Path] = (),
    ) -> None:
        self.library = library
        self.seed = seed
        # Where `{handler: package.module:function}` Lambda mocks are imported from.
        self.handler_roots = tuple(map(str, handler_roots))
        self.instance = instance if isinstance(instance, Instance) else Instance.from_dict(instance)
        self.registry = registry or default_registry()
        self.max_steps = max_steps
        self.notes: list[str] = []  # run notes of every run (unresolved flow references...)
        # What most runs share, made once (both frozen): no mocks, the simulator's own settings.
        self._no_mocks = Mocks(handler_roots=self.handler_roots)
        self._settings = RunSettings(max_steps=max_steps, seed=str(seed))

    def __repr__(self) -> str:
        return f"<Simulator of {len(self.library.flows)} flows>"

    @classmethod
    def from_paths(cls, paths: Sequence[str | Path] | str | Path, **kwargs: Any) -> Simulator:
        items = [paths] if isinstance(paths, str | Path) else list(paths)
        return cls(load_library([Path(p) for p in items]), **kwargs)

    def run(
        self,
        flow: str,
        *,
        contact: SimulatedContact | None = None,
        inputs: Sequence[Any] = (),
        lambdas: Mapping[str, LambdaMock] | None = None,
        hours: Mapping[str, Any] | None = None,
        instance: Instance | Mapping[str, Any] | None = None,
        max_steps: int | None = None,
        mocks: Mapping[str, Any] | None = None,
        seed: str | int | None = None,
        clock: str | datetime | None = None,
        journey: Journey | Mapping[str, Any] | None = None,
    ) -> RunResult:
        """Run `flow` (name, Id or ARN) for a contact.

        `lambdas` and `hours` mock Lambda functions and hours of operation; `mocks` takes every
        kind by name, as the scenario `mocks:` key does (lambdas, hours, queues, distribution,
        lex, profiles, cases, voice_id, views, wisdom, call_progress, third_party, templates,
        wait). `seed` makes Distribute by percentage repeatable (default: the simulator's seed).
        `clock` is the simulated time (ISO 8601 with an offset, or an aware datetime): hours of
        operation schedules of the instance are checked against it. `journey` (a Journey, or the
        scenario's `journey:` mapping) follows the contact after the flow queues it: queue, whisper,
        hold, transfer and disconnect flows.
        """
        __tracebackhide__ = True
        try:
            target = self.library.find(flow)
            if journey is not None and not isinstance(journey, Journey):
                journey = Journey.from_dict(journey)
            run_instance = self.instance
            if instance is not None:
                run_instance = instance if isinstance(instance, Instance) else Instance.from_dict(instance)
            declared = self._no_mocks  # without mocks, where handlers import from does not matter
            if mocks or lambdas or hours:
                declared = build_mocks(mocks, lambdas=lambdas, hours=hours, handler_roots=self.handler_roots)
            state = MockState(declared)
            built = (contact or SimulatedContact()).build(run_instance)
            built.clock = parse_clock(clock) if clock is not None else None
            settings = self._settings  # the usual case, unless this run or the simulator changed them
            if max_steps or seed is not None or (settings.max_steps, settings.seed) != (self.max_steps, str(self.seed)):
                settings = RunSettings(max_steps=max_steps or self.max_steps,
                                       seed=str(self.seed if seed is None else seed))
            texts = [None if i is None else as_connect_string(i) for i in inputs]
            if journey is None:
                trace = run_flow(self.library, target, built, registry=self.registry, instance=run_instance,
                                 mocks=state, inputs=texts, settings=settings)
            else:
                ctx = start_run(self.library, built, registry=self.registry, instance=run_instance, mocks=state,
                                inputs=texts, settings=settings)
                with attached_trace(ctx):
                    trace = run_journey(ctx, target, journey)
        except ConnectflowError as exc:
            if exc.trace is not None:
                self.notes.extend(exc.trace.notes)
            # Re-raised from here so the user's traceback stops at their call, not in the engine.
            raise exc.with_traceback(None) from None
        self.notes.extend(trace.notes)
        return RunResult(target.name, trace, built, self.library, tuple(state.lambda_calls), state)


__all__ = ["DIRECTIONS", "MediaStreamResult", "RunResult", "SimulatedContact", "Simulator"]
