"""What a block returns to the step loop."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    from ..flow.model import Flow

OutcomeKind = Literal["next", "error", "result", "end", "transfer_flow", "invoke_module", "module_return"]
Ending = Literal[
    "disconnected",
    "transferred_to_queue",
    "transferred_to_agent",
    "transferred_to_phone",
    "flow_ended",
    "error",
]


class Outcome(NamedTuple):
    """`next`: take NextAction (Success). `error`: take the ErrorType's branch. `result`: test the
    Conditions with `value`. `end`: the run ends (`ended`). `transfer_flow`/`invoke_module`: go on in
    `flow`. `module_return`: back to the caller of the module. `note` goes into the trace."""

    kind: OutcomeKind
    error_type: str | None = None
    value: str | None = None
    ended: Ending | None = None
    flow: Flow | None = None
    note: str = ""
    # A NamedTuple, not a dataclass: one is made per block run, and tuples are the cheapest to make.


# Positional arguments: these run once per block, and tuple.__new__ takes them fastest.
_new = tuple.__new__


def success(note: str = "") -> Outcome:
    return _new(Outcome, ("next", None, None, None, None, note))


def error(error_type: str = "NoMatchingError", note: str = "") -> Outcome:
    return _new(Outcome, ("error", error_type, None, None, None, note))


def result(value: str | None, note: str = "") -> Outcome:
    return _new(Outcome, ("result", None, value, None, None, note))


def end(ended: Ending, note: str = "") -> Outcome:
    return _new(Outcome, ("end", None, None, ended, None, note))


def transfer_to_flow(flow: Flow, note: str = "") -> Outcome:
    return _new(Outcome, ("transfer_flow", None, None, None, flow, note))


def invoke_module(flow: Flow, note: str = "") -> Outcome:
    return _new(Outcome, ("invoke_module", None, None, None, flow, note))


def module_return(note: str = "") -> Outcome:
    return _new(Outcome, ("module_return", None, None, None, None, note))
