"""The simulated contact: everything a flow can read or change, media stream included."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
DIRECTIONS = ("From", "To")
StreamState = Literal["not_started", "streaming", "stopped"]


@dataclass(frozen=True)
class MediaStreamEvent:
    """One change of the media stream: who did it and what streams afterwards.

    `kind` is `initial` (preset by the test), `start`, `stop` (a Stop block) or `disconnect`
    (the contact ended while streaming).
    """

    kind: Literal["initial", "start", "stop", "disconnect"]
    directions: tuple[str, ...]
    flow: str | None = None
    flow_type: str | None = None
    block: str | None = None
    step: int | None = None

    def describe(self) -> str:
        where = f" in {self.flow} ({self.flow_type}) at {self.block}, step {self.step}" if self.flow else ""
        dirs = ", ".join(self.directions) or "nothing"
        return f"{self.kind}{where}: streaming {dirs}"


@dataclass
class MediaStream:
    """Customer audio streamed to Kinesis Video Streams, per direction (`From`/`To` the customer)."""

    directions: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(DIRECTIONS, False))
    history: list[MediaStreamEvent] = field(default_factory=list)
    stream_arn: str | None = None
    start_timestamp: str | None = None
    stop_timestamp: str | None = None
    start_fragment_number: str | None = None

    @property
    def streaming(self) -> bool:
        return any(self.directions.values())

    @property
    def state(self) -> StreamState:
        if self.streaming:
            return "streaming"
        # Any history (a start, a preset, a stop after a start) means audio was or is set up.
        return "stopped" if self.history else "not_started"

    def active_directions(self) -> tuple[str, ...]:
        return tuple(d for d in DIRECTIONS if self.directions.get(d))


@dataclass(frozen=True)
class QueueRef:
    """A queue as the contact knows it ($.Queue.*)."""

    name: str
    arn: str | None = None
    id: str | None = None
    agent: bool = False  # an agent's personal queue (Set working queue by AgentId): it has no hours


@dataclass
class Contact:
    """Contact-wide state. Flow-run state (flow attributes, loop counters) lives in the runner."""

    channel: str = "VOICE"
    attributes: dict[str, str] = field(default_factory=dict)
    external: dict[str, Any] = field(default_factory=dict)
    lex: dict[str, Any] = field(default_factory=dict)
    stored_input: str | None = None
    queue: QueueRef | None = None
    contact_id: str = "00000000-0000-4000-8000-000000000001"
    initial_contact_id: str | None = None
    previous_contact_id: str | None = None
    initiation_method: str | None = None
    customer_endpoint: str | None = "+15555550100"
    system_endpoint: str | None = "+15555550199"
    language_code: str = "en-US"
    tts_voice: str = "Joanna"
    tts_engine: str | None = None
    tts_style: str | None = None
    recording: dict[str, Any] = field(default_factory=dict)
    analytics: dict[str, Any] = field(default_factory=dict)
    event_hooks: dict[str, str] = field(default_factory=dict)
    event_hooks_disabled: dict[str, bool] = field(default_factory=dict)
    logging: bool = False
    contact_data: dict[str, Any] = field(default_factory=dict)
    media: MediaStream = field(default_factory=MediaStream)
    # Other namespaces written by blocks or the test: Metrics, Agent, Customer, Case, Views...
    data: dict[str, Any] = field(default_factory=dict)
    clock: datetime | None = None  # the simulated time (scenario `clock`); None when not set

    def __post_init__(self) -> None:
        if self.initial_contact_id is None:
            self.initial_contact_id = self.contact_id
        if self.initiation_method is None:
            # As when started through StartChatContact / StartTaskContact (DESIGN.md).
            self.initiation_method = "API" if self.channel in ("CHAT", "TASK") else "INBOUND"
