"""Mocks made up on the fly: run a flow, and each time a block asks for a mock nobody gave,
answer it with a neutral default and run again. For smoke-running any flow (the corpus test,
exploring a flow), never for assertions about a real integration."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import MissingMockError

if TYPE_CHECKING:
    from ..simulator import RunResult, Simulator

QUEUE_DEFAULTS: dict[str, Any] = {
    "agents_online": 1,
    "agents_available": 1,
    "agents_staffed": 1,
    "agents_after_contact_work": 0,
    "agents_busy": 0,
    "agents_missed": 0,
    "agents_non_productive": 0,
    "contacts_in_queue": 0,
    "oldest_contact_age": 0,
}

# The neutral answer per kind: a call that succeeds and says nothing in particular.
DEFAULT_ANSWERS: dict[str, Any] = {
    "lambdas": {},
    "hours": "open",
    "queues": QUEUE_DEFAULTS,
    "lex": {"intent": "FallbackIntent"},
}
# Blocks that must produce a result when they branch on nothing: the usual one.
DEFAULT_RESULTS: dict[str, str] = {"views": "Next", "call_progress": "CallAnswered", "wait": "WaitCompleted"}


def _rotating(choices: tuple[str, ...]) -> Callable[[Mapping[str, Any]], dict[str, str]]:
    state = {"next": 0}

    def answer(request: Mapping[str, Any]) -> dict[str, str]:
        choice = choices[state["next"] % len(choices)]
        state["next"] += 1
        return {"result": choice}

    return answer


def run_with_generated_mocks(
    simulator: Simulator,
    flow: str,
    *,
    mocks: Mapping[str, Any] | None = None,
    max_rounds: int = 100,
    **run_args: Any,
) -> tuple[RunResult, dict[str, dict[str, Any]]]:
    """Run `flow`, adding a default mock for each one a block asks for; return the result and
    the mocks that were needed (given ones included)."""
    current: dict[str, dict[str, Any]] = {kind: dict(value) for kind, value in (mocks or {}).items()}
    for _ in range(max_rounds):
        try:
            return simulator.run(flow, mocks=current, **run_args), current
        except MissingMockError as missing:
            if not missing.kind or not missing.key:
                raise
            answers = current.setdefault(missing.kind, {})
            if missing.field:
                entry = dict(answers.get(missing.key) or {})
                entry[missing.field] = QUEUE_DEFAULTS.get(missing.field, 0)
                answers[missing.key] = entry
            elif missing.key in answers:
                raise  # the given answer does not fit; do not loop
            elif missing.choices and missing.kind not in DEFAULT_ANSWERS:
                # Each run of the block takes its next branch, so a loop through it gets out.
                answers[missing.key] = _rotating(missing.choices)
            elif missing.kind in DEFAULT_RESULTS:
                answers[missing.key] = {"result": DEFAULT_RESULTS[missing.kind]}
            else:
                default = DEFAULT_ANSWERS.get(missing.kind, {})
                answers[missing.key] = dict(default) if isinstance(default, dict) else default
    raise RuntimeError(f"{flow!r} still asked for mocks after {max_rounds} rounds")
