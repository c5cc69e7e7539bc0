"""The block registry: one BlockSpec per action type, built-in and from plugins alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import ConfigurationError

if TYPE_CHECKING:
    from ..engine.context import RunContext
    from ..engine.outcome import Outcome
    from ..flow.model import Action
    from .checks import Finding

ALL_CHANNELS = frozenset({"VOICE", "CHAT", "TASK", "EMAIL"})
VOICE = frozenset({"VOICE"})

# Flow-type families of the Flow language reference.
INBOUND = frozenset({"CONTACT_FLOW"})
TRANSFER = frozenset({"AGENT_TRANSFER", "QUEUE_TRANSFER"})
WHISPER = frozenset({"CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER"})
HOLD = frozenset({"CUSTOMER_HOLD", "AGENT_HOLD"})
CUSTOMER_QUEUE = frozenset({"CUSTOMER_QUEUE"})
ALL_FLOW_TYPES = frozenset(
    INBOUND | TRANSFER | WHISPER | HOLD | CUSTOMER_QUEUE | {"CAMPAIGN"}
)

BlockHandler = Callable[["RunContext", "Action"], "Outcome"]
Precheck = Callable[["RunContext", "Action"], "str | None"]
# Static check of an action's parameters and transitions (used by `connectflow validate`):
# returns what is wrong, in words naming the parameter.
ParameterCheck = Callable[["Action"], "list[Finding]"]


@dataclass(frozen=True)
class BlockSpec:
    """How one action type runs and where Amazon Connect allows it.

    The engine checks, in order: `channels` (elsewhere the block takes NoMatchingError, or, on
    `noop_channels`, Success with no effect), `precheck` (instance settings; a returned reason
    means NoMatchingError), then `flow_types` (None = every type); then calls `run`.
    """

    action_type: str
    run: BlockHandler
    console_name: str
    branches: tuple[str, ...]
    model: str
    channels: frozenset[str] = ALL_CHANNELS
    flow_types: frozenset[str] | None = None
    noop_channels: frozenset[str] = frozenset()
    precheck: Precheck | None = None
    mocks: str = ""
    family: str = ""
    check: ParameterCheck | None = None


class BlockRegistry:
    """Action type → BlockSpec. Each simulator owns one; nothing global is mutated."""

    def __init__(self, specs: Iterable[BlockSpec] = ()) -> None:
        self._specs: dict[str, BlockSpec] = {}
        self._unchecked: dict[tuple[str, str], dict[str, BlockHandler]] = {}
        for spec in specs:
            self.register(spec)

    def register(self, spec: BlockSpec, *, replace: bool = False) -> None:
        if spec.action_type in self._specs and not replace:
            raise ConfigurationError(f"action type {spec.action_type!r} is registered twice")
        self._specs[spec.action_type] = spec
        self._unchecked.clear()

    def unchecked_handlers(self, channel: str, flow_type: str) -> dict[str, BlockHandler]:
        """Action type → handler of the blocks that need no check on this channel and flow type
        (allowed there, no precheck). The step loop fills it as runs meet block types, and runs
        share it: registering a spec empties it."""
        key = (channel, flow_type)
        found = self._unchecked.get(key)
        if found is None:
            found = self._unchecked[key] = {}
        return found

    def get(self, action_type: str) -> BlockSpec | None:
        return self._specs.get(action_type)

    @property
    def specs(self) -> Mapping[str, BlockSpec]:
        """Action type → BlockSpec, read-only by its type (the step loop looks specs up here
        directly: a method call per block costs more than the lookup)."""
        return self._specs

    def __contains__(self, action_type: object) -> bool:
        return action_type in self._specs

    def __iter__(self) -> Iterator[BlockSpec]:
        return iter(sorted(self._specs.values(), key=lambda s: s.action_type))

    def __len__(self) -> int:
        return len(self._specs)
