"""Template placeholders left in flow JSON: `${Name}` (CloudFormation Fn::Sub, Terraform
templatefile), `%%NAME%%`, `%Name%` and `{{name}}` (custom templaters).

They are substituted from `instance.placeholders` when a flow is loaded. One that no mapping
resolves stays in the flow: the flow is still valid (real exports carry them), the flow gets a
warning, and the block that holds it records it in `Action.unresolved`, so running that block is a
clear FlowDefectError (`check_placeholders`) instead of sending `${QueueArn}` to a queue lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from ..errors import FlowDefectError
from .model import Action, Flow

# Narrow on purpose: a placeholder is a name, not any text between delimiters, so JSON text such as
# `{{"a": 1}}` or URL escapes such as `%E2%80%99` are not mistaken for placeholders.
PLACEHOLDER_RE = re.compile(
    r"\$\{(?P<dollar>[^{}\s\"]+)\}"
    r"|%%(?P<double>[A-Za-z_][\w.:-]*)%%"
    r"|(?<![%\w])%(?P<single>[A-Za-z_][\w.]+)%(?![%\w])"
    r"|\{\{\s*(?P<braces>[A-Za-z_][\w.:-]*)\s*\}\}"
)

HINT = "set instance.placeholders"


def placeholder_name(token: str) -> str:
    """The name inside a placeholder: `${QueueArn}` → `QueueArn`, `{{flows.Main.arn}}` → `flows.Main.arn`."""
    match = PLACEHOLDER_RE.fullmatch(token)
    if match is None:
        return token
    return next(group for group in match.groups() if group is not None)


def find_placeholders(text: str) -> list[str]:
    """Every placeholder token in `text`, in order (repeats kept)."""
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(text)]


def lookup(token: str, mapping: Mapping[str, str]) -> str | None:
    """The mapping's value for a placeholder: keyed by the whole token (`%%QUEUE%%`) or its name
    (`QUEUE`); the whole token wins so two templaters' placeholders can differ."""
    if token in mapping:
        return str(mapping[token])
    name = placeholder_name(token)
    if name in mapping:
        return str(mapping[name])
    return None


def substitute_text(text: str, mapping: Mapping[str, str], escape: Callable[[str], str] | None = None) -> str:
    """`text` with every placeholder the mapping resolves replaced (`escape` applied to the value,
    e.g. JSON escaping when the text is JSON); the others are left as they are."""
    if not mapping or not text:
        return text

    def replace(match: re.Match[str]) -> str:
        value = lookup(match.group(0), mapping)
        if value is None:
            return match.group(0)
        return escape(value) if escape is not None else value

    return PLACEHOLDER_RE.sub(replace, text)


def substitute(value: Any, mapping: Mapping[str, str]) -> Any:
    """A parsed JSON value with placeholders in its string values substituted (keys are kept)."""
    if not mapping:
        return value
    if isinstance(value, str):
        return substitute_text(value, mapping)
    if isinstance(value, dict):
        return {key: substitute(item, mapping) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, mapping) for item in value]
    return value


def _walk(value: Any, where: str, found: list[tuple[str, str]]) -> None:
    if isinstance(value, str):
        found.extend((where, token) for token in dict.fromkeys(find_placeholders(value)))
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(item, f"{where}.{key}" if where else str(key), found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{where}[{index}]", found)


def unresolved_in(action: Action) -> tuple[tuple[str, str], ...]:
    """(where, placeholder) for each placeholder left in what the block uses when it runs: its
    Parameters and its condition operands (Metadata never changes behaviour, so it is not checked)."""
    found: list[tuple[str, str]] = []
    for key, value in action.parameters.items():
        spots: list[tuple[str, str]] = []
        _walk(value, str(key), spots)
        found.extend((f"parameter {where}", token) for where, token in spots)
    for condition in action.conditions:
        for operand in condition.operands:
            found.extend(("condition operand", token) for token in dict.fromkeys(find_placeholders(operand)))
    return tuple(dict.fromkeys(found))


def _written(action: Action, where: str) -> str | None:
    """The top-level parameter value a placeholder sits in, as written."""
    if not where.startswith("parameter "):
        return None
    value = action.parameters.get(where.removeprefix("parameter ").split(".", 1)[0].split("[", 1)[0])
    return value if isinstance(value, str) else None


def unresolved_warnings(action: Action) -> list[str]:
    return [
        f"placeholder {token} in action {action.identifier!r} {where} is not resolved; {HINT}"
        for where, token in action.unresolved
    ]


def check_placeholders(flow: Flow, action: Action, mock_keys: Collection[str] = ()) -> None:
    """Raise FlowDefectError when `action` still holds a placeholder no mapping resolved.

    The engine calls this before it runs a block: a block cannot run with `${QueueArn}` as its
    queue, and a silent Error branch would hide that the test setup is incomplete. A mock keyed by
    the placeholder (or by the parameter as written) answers it: the block then runs with it.
    """
    if not action.unresolved:
        return
    left = [(w, t) for w, t in action.unresolved if t not in mock_keys and _written(action, w) not in mock_keys]
    if not left:
        return
    where, token = left[0]
    more = len(left) - 1
    others = f" (and {more} more: {', '.join(t for _, t in left[1:])})" if more else ""
    raise FlowDefectError(
        f"block {action.identifier!r} ({action.type}) of flow {flow.name!r} cannot run: its {where} holds the "
        f"placeholder {token}{others}, which no mapping resolves; {HINT} "
        f"(e.g. `placeholders: {{{placeholder_name(token)}: ...}}` in the instance resources file)",
        where=flow.where(action),
    )
