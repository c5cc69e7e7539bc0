"""Read a scenario file: YAML with lines, checked against the shipped JSON Schema.

What makes the whole file unreadable (YAML syntax, the top level, `flows`, `instance`) is a
file error; anything wrong inside one scenario fails that scenario only.
"""

from __future__ import annotations

import difflib
import gc
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ScenarioError
from .model import Expectation, Scenario, ScenarioFile
from .yaml_source import Path_, SourceIndex, load_yaml

if TYPE_CHECKING:
    import jsonschema_rs
    from jsonschema import Draft202012Validator, ValidationError


@cache
def schema() -> dict[str, Any]:
    """The scenario file JSON Schema shipped in the package (also usable by editors)."""
    text = resources.files("pytest_connectflow.scenario").joinpath("schema.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def _validator(definition: str | None) -> Draft202012Validator:
    """jsonschema's validator, for the wording and place of a problem (only a file with one pays
    for it): `definition` None is the file without its scenarios, else a `$defs` entry."""
    from jsonschema import Draft202012Validator  # imported only when a file has a problem

    full = schema()
    if definition is None:
        part = dict(full)
        part["properties"] = {**full["properties"], "scenarios": {"type": "array"}}
        return Draft202012Validator(part)
    return Draft202012Validator({"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]})


@cache
def _fast_validator() -> jsonschema_rs.Draft202012Validator:
    import jsonschema_rs  # compiled: it answers "valid?" for a 2,000-scenario file in a millisecond

    return jsonschema_rs.Draft202012Validator(schema())


def file_is_valid(data: Any) -> bool:
    """Whether the whole file, scenarios included, meets the schema: the common case, decided in
    one fast pass. False sends the file through jsonschema, which finds and words each problem."""
    try:
        return _fast_validator().is_valid(data)
    except (ValueError, TypeError, OverflowError):  # a value JSON has no type for (`!!binary`)
        return False


def _describe(error: ValidationError, index: SourceIndex, base: Path_) -> ScenarioError:
    path = (*base, *error.absolute_path)
    dotted = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "top level"
    schema_part = error.schema if isinstance(error.schema, Mapping) else {}
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = list(schema_part.get("properties", {}))
        unknown = [k for k in error.instance if k not in allowed]
        key = unknown[0] if unknown else "?"
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        where = index.where((*path, key))
        place = f" in {dotted}" if path else ""
        return ScenarioError(
            f"unknown key {key!r}{place}{hint}; allowed keys: {', '.join(allowed)}", where=where
        )
    if error.validator == "required":
        return ScenarioError(f"{dotted}: {error.message}", where=index.where(path))
    if error.validator == "enum":
        allowed_values: Any = error.validator_value
        options = ", ".join(str(o) for o in allowed_values)
        return ScenarioError(f"{dotted}: {error.instance!r} is not one of: {options}", where=index.where(path))
    if error.validator == "type":
        value = error.validator_value
        wanted = " or ".join(value) if isinstance(value, list) else str(value)
        return ScenarioError(
            f"{dotted}: expected {wanted}, got {type(error.instance).__name__} {error.instance!r}",
            where=index.where(path),
        )
    return ScenarioError(f"{dotted}: {error.message}", where=index.where(path))


def check(value: Any, definition: str | None, index: SourceIndex, base: Path_) -> ScenarioError | None:
    from jsonschema.exceptions import best_match

    errors = list(_validator(definition).iter_errors(value))
    if not errors:
        return None
    # The first error in document order is the one a user fixes first.
    error = best_match(sorted(errors, key=lambda e: index.line((*base, *e.absolute_path))))
    return _describe(error, index, base) if error is not None else None


def load_scenario_file(path: Path, display: str | None = None) -> ScenarioFile:
    """Load a scenario file; `display` is how messages name it (default: the path)."""
    # Loading makes tens of thousands of objects that all live on (nodes, lines, scenarios) and
    # form no cycles: the cyclic garbage collector would only walk them again and again, a quarter
    # of the time of a big file. It is paused while the file loads, as it was before.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load_scenario_file(path, display)
    finally:
        if paused:
            gc.enable()


def _load_scenario_file(path: Path, display: str | None) -> ScenarioFile:
    result = ScenarioFile(path)
    shown = display or str(path)
    try:
        text = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        result.error = ScenarioError(f"cannot read the file: {exc}", where=shown)
        return result
    try:
        data, index = load_yaml(text, shown)
    except ScenarioError as exc:
        result.error = exc
        return result
    result.index = index
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        result.error = ScenarioError(
            f"a scenario file must be a mapping with a 'scenarios' list; this one is {kind}",
            where=f"{shown}:1",
        )
        return result
    # One pass over the whole file decides the common case, a valid file; only a file with a problem
    # is checked part by part, so the problem fails just the scenario it is in.
    valid = file_is_valid(data)
    problem = None if valid else check(data, None, index, ())
    if problem is not None:
        result.error = problem
        return result
    flows = data.get("flows")
    if flows is not None:
        items = [flows] if isinstance(flows, str) else flows
        try:
            result.flows = [(path.parent / item).resolve() for item in items]
            missing = [p for p in result.flows if not p.exists()]
        except (OSError, ValueError) as exc:  # a NUL byte, a name too long for the file system
            result.error = ScenarioError(f"flows: not a usable path ({exc})", where=index.where(("flows",)))
            return result
        if missing:
            result.error = ScenarioError(
                f"flows: {missing[0]} does not exist", where=index.where(("flows",))
            )
            return result
    result.instance = data.get("instance") or {}
    seen: dict[str, int] = {}
    for position, raw in enumerate(data.get("scenarios") or []):
        scenario = _scenario(raw, position, path, index, checked=valid)
        first = seen.get(scenario.name)
        if first is not None and scenario.error is None:
            scenario = _with_error(
                scenario,
                ScenarioError(
                    f"duplicate scenario name {scenario.name!r} (first at line {first})",
                    where=index.where(("scenarios", scenario.position)),
                ),
            )
        seen.setdefault(scenario.name, scenario.line)
        result.scenarios.append(scenario)
    if not result.scenarios:
        result.error = ScenarioError("the file has no scenarios", where=index.where(("scenarios",)))
    return result


def _with_error(scenario: Scenario, error: ScenarioError) -> Scenario:
    return Scenario(
        name=scenario.name, file=scenario.file, line=scenario.line, index=scenario.index,
        position=scenario.position, error=error,
    )


def _scenario(raw: Any, position: int, path: Path, index: SourceIndex, checked: bool = False) -> Scenario:
    base: Path_ = ("scenarios", position)
    line = index.line(base)
    name = f"scenario {position + 1}"
    if isinstance(raw, dict) and raw.get("name") is not None:
        name = str(index.text((*base, "name"), raw["name"]))
    shell = Scenario(name=name, file=path, line=line, index=index, position=position)
    if not isinstance(raw, dict):
        return _with_error(shell, ScenarioError("a scenario must be a mapping", where=index.where(base)))
    problem = None if checked else check(raw, "scenario", index, base)
    if problem is not None:
        return _with_error(shell, problem)
    expect = raw.get("expect") or {}
    expectations = tuple(
        Expectation(
            key,
            _expect_value(key, value, index, (*base, "expect", key)),
            index.line((*base, "expect", key)),
            {str(k): index.line((*base, "expect", key, k)) for k in value} if isinstance(value, dict) else {},
        )
        for key, value in expect.items()
    )
    mocks = raw.get("mocks") or {}
    return Scenario(
        name=name,
        file=path,
        line=line,
        index=index,
        position=position,
        flow=str(index.text((*base, "flow"), raw["flow"])),
        channel=raw.get("channel", "VOICE"),
        contact=_contact(raw.get("contact") or {}, index, (*base, "contact")),
        clock=raw.get("clock"),
        journey=raw.get("journey"),
        native=raw.get("native"),
        attributes=index.text((*base, "attributes"), raw.get("attributes") or {}),
        inputs=tuple(index.text((*base, "inputs"), raw.get("inputs") or [])),
        lambdas=_lambda_mocks(mocks.get("lambdas") or {}, index, (*base, "mocks", "lambdas")),
        hours=dict(mocks.get("hours") or {}),
        queues=dict(mocks.get("queues") or {}),
        distribution=index.text((*base, "mocks", "distribution"), mocks.get("distribution") or {}),
        services={
            kind: _service_mocks(value or {}, index, (*base, "mocks", kind))
            for kind, value in mocks.items()
            if kind not in ("lambdas", "hours", "queues", "distribution")
        },
        instance=raw.get("instance") or {},
        expectations=expectations,
    )


def _contact(raw: Mapping[str, Any], index: SourceIndex, path: Path_) -> dict[str, Any]:
    """Contact settings: names and endpoints as written; the media stream preset as typed."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        out[key] = value if key == "media_streaming" else index.text((*path, key), value)
    return out


def _expect_value(key: str, value: Any, index: SourceIndex, path: Path_) -> Any:
    if key in ("path", "branches", "attributes", "queue", "lambda_calls", "messages", "messages_include", "flows"):
        return index.text(path, value)
    return value


_CONTROL_KEYS = ("error", "timeout")


def _service_mocks(raw: Mapping[str, Any], index: SourceIndex, base: Path_) -> dict[str, Any]:
    """Answers as Connect sees them: values as written, except the control keys error/timeout."""

    def one(value: Any, path: Path_) -> Any:
        if not isinstance(value, dict):
            return index.text(path, value)
        return {k: v if k in _CONTROL_KEYS else index.text((*path, k), v) for k, v in value.items()}

    out: dict[str, Any] = {}
    for name, value in raw.items():
        path = (*base, name)
        if isinstance(value, list):
            out[str(name)] = [one(v, (*path, i)) for i, v in enumerate(value)]
        else:
            out[str(name)] = one(value, path)
    return out


def _lambda_mocks(raw: Mapping[str, Any], index: SourceIndex, base: Path_) -> dict[str, Any]:
    """Results as Connect sees them: values as written, except the control keys error/return."""

    def one(value: Any, path: Path_) -> Any:
        if isinstance(value, dict) and set(value) == {"error"}:
            return {"error": value["error"]}
        if isinstance(value, dict) and set(value) == {"return"}:
            return {"return": index.text((*path, "return"), value["return"])}
        return index.text(path, value)

    out: dict[str, Any] = {}
    for name, value in raw.items():
        path = (*base, name)
        if isinstance(value, list):
            out[str(name)] = [one(v, (*path, i)) for i, v in enumerate(value)]
        else:
            out[str(name)] = one(value, path)
    return out
