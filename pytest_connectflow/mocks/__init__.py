"""Mocks for everything whose result comes from outside the flow.

`Mocks` is what a test declares (frozen); `MockState` is one run's use of it (call counts, the
calls made). Nothing is shared between runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import MockError


@dataclass(frozen=True)
class Mocks:
    """Declared mocks. `lambdas`: function name or ARN → a result map, a list of results (one per
    call), `{error: true}`, `{return: {...}}`, an exception, or a callable handler. `hours`: hours
    or queue name, Id or ARN → `open`/`closed` (True/False, or a callable returning either).
    `queues`: queue → metrics and capacity. `distribution`: Distribute by percentage block → the
    branch to take. `services`: the other kinds (mocks.services.SERVICE_KINDS) → key → answer(s)."""

    lambdas: Mapping[str, Any] = field(default_factory=dict)
    hours: Mapping[str, Any] = field(default_factory=dict)
    queues: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    distribution: Mapping[str, str] = field(default_factory=dict)
    # Other services by kind (see mocks.services.SERVICE_KINDS): kind → key → answer(s).
    services: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # Folders `{handler: package.module:function}` Lambda mocks import from (the project root
    # and the scenario file's folder).
    handler_roots: tuple[str, ...] = ()

    def keys(self) -> set[str]:
        """Every key of every kind of mock (a mock keyed by a placeholder answers it)."""
        found = set(self.lambdas) | set(self.hours) | set(self.queues) | set(self.distribution)
        for answers in self.services.values():
            found |= set(answers)
        return found


@dataclass(frozen=True)
class LambdaCall:
    """One InvokeLambdaFunction run: what was sent and what came back."""

    block: str
    function: str  # the mock key that answered
    parameters: Mapping[str, str]
    event: Mapping[str, Any]
    response: Any
    error: str | None
    arn: str = ""  # the function as the flow named it (ARN, alias ARN or name)

    def names(self) -> set[str]:
        """Every name this call answers to: the mock key, the ARN, the function name."""
        from ..engine.context import lambda_function_name

        return {self.function, self.arn, lambda_function_name(self.arn)} - {""}

@dataclass
class MockState:
    mocks: Mocks = field(default_factory=Mocks)
    lambda_call_counts: dict[str, int] = field(default_factory=dict)
    service_call_counts: dict[str, int] = field(default_factory=dict)
    lambda_calls: list[LambdaCall] = field(default_factory=list)
    used: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) of mocks used

    def take_turn(self, counts: dict[str, int], key: str, answers: Any, ran_out: Callable[[int, int], str]) -> Any:
        """This call's answer: `answers` itself, or, for a list (one answer per call), the entry
        of this call, counted in `counts[key]`. Past the list's end, a MockError worded by
        `ran_out(answers listed, calls made)`."""
        turn = counts.get(key, 0)
        counts[key] = turn + 1
        if not isinstance(answers, list | tuple):
            return answers
        if turn >= len(answers):
            raise MockError(ran_out(len(answers), turn + 1))
        return answers[turn]

    def unused(self) -> list[str]:
        """`mocks.<kind>.<key>` of every declared mock no block asked for."""
        m = self.mocks
        if not (m.lambdas or m.hours or m.queues or m.distribution or m.services):
            return []  # checked after every scenario: most declare no mocks
        declared = [("lambdas", k) for k in self.mocks.lambdas] + [("hours", k) for k in self.mocks.hours]
        declared += [("queues", k) for k in self.mocks.queues] + [("distribution", k) for k in self.mocks.distribution]
        declared += [(kind, k) for kind, answers in self.mocks.services.items() for k in answers]
        return [f"mocks.{kind}.{key}" for kind, key in declared if (kind, key) not in self.used]
