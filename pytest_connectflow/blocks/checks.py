"""Helpers for static parameter checks (BlockSpec.check), shared by the block families."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..engine.values import is_reference
from ..flow.model import Action


@dataclass(frozen=True)
class Finding:
    """What a static check found. A warning is what real exports contain (an unset parameter of a
    block left unconfigured): valid, but the block takes its Error branch when it runs."""

    message: str
    warning: bool = False


def errors(*messages: str) -> list[Finding]:
    return [Finding(m) for m in messages]


def one_of(action: Action, names: Iterable[str]) -> list[Finding]:
    """Exactly one of the parameters `names` must be given."""
    names = list(names)
    given = [n for n in names if n in action.parameters]
    if len(given) == 1:
        return []
    listed = ", ".join(names)
    if not given:
        return errors(f"needs one of the parameters {listed}")
    return errors(f"gives {', '.join(given)}; only one of {listed} is allowed")


def required(action: Action, *names: str) -> list[Finding]:
    """A missing parameter is an error; an empty one (an unconfigured block) a warning."""
    found = []
    for name in names:
        value = action.parameters.get(name)
        if value is None:
            found.append(Finding(f"needs the parameter {name}"))
        elif value == "":
            found.append(Finding(f"parameter {name} is empty: the block takes its Error branch when it runs", True))
    return found


def enum(action: Action, name: str, allowed: Iterable[str], *, optional: bool = False) -> list[Finding]:
    value = action.parameters.get(name)
    allowed = list(allowed)
    if value is None and optional:
        return []
    if value not in allowed:
        return errors(f"parameter {name} must be one of {', '.join(allowed)}, not {value!r}")
    return []


def whole_number(
    action: Action, name: str, low: int, high: int | None = None, *, optional: bool = False
) -> list[Finding]:
    """A whole number parameter, static or a single reference."""
    value = action.parameters.get(name)
    if value is None and optional:
        return []
    if isinstance(value, str) and is_reference(value):
        return []
    span = f"from {low} to {high}" if high is not None else f"of at least {low}"
    try:
        number = int(str(value).strip())
    except ValueError:
        return errors(f"parameter {name} must be a whole number {span}, not {value!r}")
    if number < low or (high is not None and number > high):
        return errors(f"parameter {name} must be {span}, not {number}")
    return []


def object_param(action: Action, name: str, *, optional: bool = False) -> list[Finding]:
    value = action.parameters.get(name)
    if value is None and optional:
        return []
    return [] if isinstance(value, dict) else errors(f"parameter {name} must be an object, not {value!r}")


def conditions_exactly(action: Action, operands: Iterable[str]) -> list[Finding]:
    """Blocks whose result is an enumeration list one Equals condition per value, no others."""
    wanted = set(operands)
    found = [c.operand for c in action.conditions]
    problems: list[Finding] = []
    missing = sorted(wanted - set(found))
    extra = sorted(set(found) - wanted)
    if missing:
        problems.append(Finding(f"needs the conditions {', '.join(missing)}"))
    if extra:
        problems.append(Finding(f"has conditions {', '.join(extra)}, which this block never produces"))
    problems += errors(*(f"condition {c.operand!r} must use Equals, not {c.operator}" for c in action.conditions
                         if c.operator != "Equals"))
    return problems
