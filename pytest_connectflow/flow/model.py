"""The flow model: frozen dataclasses built once by the loaders and never changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

# Flow types as the API spells them (ContactFlow.Type).
FLOW_TYPES = (
    "CONTACT_FLOW",
    "CUSTOMER_QUEUE",
    "CUSTOMER_HOLD",
    "CUSTOMER_WHISPER",
    "AGENT_HOLD",
    "AGENT_WHISPER",
    "OUTBOUND_WHISPER",
    "AGENT_TRANSFER",
    "QUEUE_TRANSFER",
    "CAMPAIGN",
)

# Legacy `type` / `Metadata.type` spellings of the console.
LEGACY_FLOW_TYPES = {
    "contactFlow": "CONTACT_FLOW",
    "customerQueue": "CUSTOMER_QUEUE",
    "customerHold": "CUSTOMER_HOLD",
    "customerWhisper": "CUSTOMER_WHISPER",
    "agentHold": "AGENT_HOLD",
    "agentWhisper": "AGENT_WHISPER",
    "outboundWhisper": "OUTBOUND_WHISPER",
    "agentTransfer": "AGENT_TRANSFER",
    "queueTransfer": "QUEUE_TRANSFER",
    "campaign": "CAMPAIGN",
}


@dataclass(frozen=True)
class Condition:
    """One entry of `Transitions.Conditions`."""

    operator: str
    operands: tuple[str, ...]
    next_action: str

    @property
    def operand(self) -> str:
        return self.operands[0] if self.operands else ""


@dataclass(frozen=True)
class ErrorTransition:
    """One entry of `Transitions.Errors`."""

    error_type: str
    next_action: str


@dataclass(frozen=True, eq=False)
class Action:
    """One block of a flow, as the Flow language stores it."""

    identifier: str
    type: str
    parameters: Mapping[str, Any]
    next_action: str | None
    conditions: tuple[Condition, ...]
    errors: tuple[ErrorTransition, ...]
    pointer: str
    line: int | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    # (where, placeholder) left unresolved in Parameters or operands; running the block is an
    # error (flow.placeholders.check_placeholders), loading it only a warning.
    unresolved: tuple[tuple[str, str], ...] = ()

    @cached_property
    def branch_names(self) -> tuple[str, ...]:
        """Branch name per condition: its operand, or `Operator:operand` when operands repeat
        (computed once per action)."""
        operands = [c.operand for c in self.conditions]
        return tuple(
            f"{c.operator}:{c.operand}" if operands.count(c.operand) > 1 else c.operand for c in self.conditions
        )

    @cached_property
    def condition_routes(self) -> tuple[tuple[str, str, str, str], ...]:
        """(branch name, Operator, operand, NextAction) of each condition in order: what the
        step loop tests a result against, made once per action."""
        return tuple(
            (name, c.operator, c.operand, c.next_action)
            for name, c in zip(self.branch_names, self.conditions, strict=True)
        )

    def error_target(self, error_type: str) -> tuple[str, str] | None:
        """The (ErrorType, NextAction) taken for `error_type`: its own entry, else NoMatchingError."""
        fallback = None
        for entry in self.errors:
            if entry.error_type == error_type:
                return entry.error_type, entry.next_action
            if entry.error_type == "NoMatchingError":
                fallback = (entry.error_type, entry.next_action)
        return fallback


@dataclass(frozen=True, eq=False)
class Flow:
    """A flow or flow module, with where it came from.

    `declared_type` is the type the file itself states (wrapper, legacy or Metadata type); the
    type a run uses is decided by the library, which also knows the instance and the event.
    """

    name: str
    actions: Mapping[str, Action]
    start_action: str
    source: Path
    declared_type: str | None = None
    is_module: bool = False
    id: str | None = None
    arn: str | None = None
    stem: str = ""
    alone_in_file: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
    shape: str = "flow-language"
    warnings: tuple[str, ...] = ()

    def where(self, action: Action | None = None) -> str:
        """`file:line` (or `file#pointer`) of the flow or one of its actions."""
        if action is None:
            return str(self.source)
        if action.line is not None:
            return f"{self.source}:{action.line}"
        return f"{self.source}#{action.pointer}"
