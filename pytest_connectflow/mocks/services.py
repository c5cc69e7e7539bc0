"""Mocks for blocks whose outcome comes from another service (Lex, Customer Profiles, Cases,
Voice ID, views, call progress...): one answer per block run, looked up by block name or by the
resource the block uses.

An answer is a map with optional control keys:

- ``result``: the value the block produces (its Conditions are tested against it);
- ``error``: ``true`` (NoMatchingError) or an ErrorType name such as ``NoneFoundError``;
- ``data``: what the service returns, written where the block writes it;

or a list of such maps, one per run of the block; or, from Python, a callable that receives the
resolved request and returns such a map.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ConnectflowError, MissingMockError, MockError
from ..flow.model import Action

if TYPE_CHECKING:
    from ..engine.context import RunContext

# Every kind of service mock, with what its keys name (for messages and the docs).
SERVICE_KINDS: dict[str, str] = {
    "lex": "Amazon Lex bot (alias ARN, bot name) or block",
    "profiles": "Customer Profiles block",
    "cases": "Cases block",
    "voice_id": "Voice ID block",
    "views": "view (name, ARN) or Show view block",
    "wisdom": "Amazon Q in Connect block",
    "call_progress": "Check call progress block",
    "third_party": "Transfer to phone number block (or the phone number)",
    "templates": "message template (name, ARN) or block",
    "wait": "Wait block",
}


@dataclass(frozen=True)
class ServiceAnswer:
    """One answer of a service mock for one block run."""

    result: str | None = None
    error: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)

    @property
    def error_type(self) -> str | None:
        return self.error


def _parse(kind: str, key: str, value: Any) -> ServiceAnswer:
    if isinstance(value, str):
        return ServiceAnswer(result=value, raw={"result": value})
    if not isinstance(value, Mapping):
        raise MockError(f"mocks.{kind}.{key}: an answer must be a map (result, error, data), not {value!r}")
    error = value.get("error")
    if error is True or (isinstance(error, str) and error.lower() == "true"):
        error = "NoMatchingError"
    elif error in (False, None) or (isinstance(error, str) and error.lower() == "false"):
        error = None
    else:
        error = str(error)
    result = value.get("result")
    data = value.get("data", {})
    if not isinstance(data, Mapping):
        raise MockError(f"mocks.{kind}.{key}: 'data' must be a map, not {data!r}")
    return ServiceAnswer(
        result=None if result is None else str(result),
        error=error,
        data=data,
        raw=value,
    )


def _block_keys(ctx: RunContext, action: Action) -> list[str]:
    return [action.identifier, f"{ctx.flow.name}/{action.identifier}"]


def find_answer(
    ctx: RunContext,
    action: Action,
    kind: str,
    resources: Sequence[str] = (),
    request: Mapping[str, Any] | None = None,
) -> ServiceAnswer:
    """The answer for this run of `action` from `mocks.<kind>`: by block name (Identifier, a UUID
    prefix, Flow/Identifier), else by one of `resources` (an ARN, a name). Missing → the test fails."""
    mocks: Mapping[str, Any] = ctx.mocks.mocks.services.get(kind, {})
    key = _matching_key(ctx, action, mocks, resources)
    if key is None:
        wanted = ", ".join(dict.fromkeys([action.identifier, *[r for r in resources if r]]))
        known = ", ".join(mocks) or "none"
        raise MissingMockError(
            f"{ctx.where(action)} needs a {SERVICE_KINDS.get(kind, kind)} answer, which has no mock; "
            f"add mocks.{kind} keyed by one of: {wanted} (mocked: {known})",
            kind=kind,
            key=action.identifier,
            choices=tuple(c.operand for c in action.conditions),
        )
    ctx.mocks.used.add((kind, key))
    value = ctx.mocks.take_turn(ctx.mocks.service_call_counts, f"{kind}:{key}", mocks[key], lambda listed, calls: (
        f"mocks.{kind}.{key} lists {listed} answer(s) but {action.identifier!r} ran {calls} times"
    ))
    if callable(value):
        try:
            value = value(dict(request or {}))
        except Exception as exc:  # the service failed: the block takes its Error branch
            return ServiceAnswer(error="NoMatchingError", raw={"raised": f"{type(exc).__name__}: {exc}"})
    return _parse(kind, key, value)


def _matching_key(ctx: RunContext, action: Action, mocks: Mapping[str, Any], resources: Sequence[str]) -> str | None:
    for key in _block_keys(ctx, action):
        if key in mocks:
            return key
    for key in mocks:
        try:
            ref = ctx.library.block(key)
        except ConnectflowError:  # a resource key, not a block name
            continue
        if ref.matches(ctx.flow.name, action.identifier):
            return key
    for resource in resources:
        if resource and resource in mocks:
            return resource
    return None
