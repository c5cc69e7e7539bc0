"""Flow language (Version 2019-10-30) documents into the model."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import FlowLoadError
from .model import Action, Condition, ErrorTransition, Flow
from .placeholders import PLACEHOLDER_RE as PLACEHOLDER_RE  # moved there; still importable from here
from .placeholders import substitute, unresolved_in, unresolved_warnings

# Amazon Connect's limits on what CreateContactFlow / UpdateContactFlowContent accept.
MAX_CONTENT_CHARACTERS = 256_000
MAX_ACTIONS = 250

_IDENTIFIER_RE = re.compile(r'"Identifier"\s*:\s*"((?:[^"\\]|\\.)*)"')


def identifier_lines(text: str) -> dict[str, int]:
    """Line of each `"Identifier": "..."` in a JSON text (first occurrence wins)."""
    lines: dict[str, int] = {}
    newlines = [m.start() for m in re.finditer("\n", text)]
    import bisect

    for match in _IDENTIFIER_RE.finditer(text):
        ident = match.group(1)
        if ident not in lines:
            lines[ident] = bisect.bisect_right(newlines, match.start()) + 1
    return lines


def _fail(source: Path, pointer: str, message: str, line: int | None = None) -> FlowLoadError:
    where = f"{source}:{line}" if line else str(source)
    return FlowLoadError(f"{message} (at {pointer or '/'})", where=where)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def parse_action(
    raw: Any, index: int, source: Path, base: str, lines: Mapping[str, int], meta: Mapping[str, Any]
) -> Action:
    pointer = f"{base}/Actions/{index}"
    if not isinstance(raw, dict):
        raise _fail(source, pointer, "an action must be a JSON object")
    ident = raw.get("Identifier")
    if not isinstance(ident, str) or not ident:
        raise _fail(source, pointer, "an action needs a non-empty string 'Identifier'")
    line = lines.get(ident)
    action_type = raw.get("Type")
    if not isinstance(action_type, str) or not action_type:
        raise _fail(source, f"{pointer}/Type", f"action {ident!r} has no 'Type'", line)
    params = raw.get("Parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise _fail(source, f"{pointer}/Parameters", f"action {ident!r}: Parameters must be an object", line)
    transitions = raw.get("Transitions", {}) or {}
    if not isinstance(transitions, dict):
        raise _fail(source, f"{pointer}/Transitions", f"action {ident!r}: Transitions must be an object", line)
    for key in ("Conditions", "Errors"):
        if not isinstance(transitions.get(key) or [], list):
            raise _fail(source, f"{pointer}/Transitions/{key}", f"action {ident!r}: {key} must be a list", line)
    conditions: list[Condition] = []
    for c_index, entry in enumerate(transitions.get("Conditions") or []):
        c_pointer = f"{pointer}/Transitions/Conditions/{c_index}"
        cond = entry.get("Condition") if isinstance(entry, dict) else None
        if not isinstance(cond, dict):
            raise _fail(source, c_pointer, f"action {ident!r}: a condition needs a 'Condition' object", line)
        operands = cond.get("Operands") or []
        if not isinstance(operands, list):
            raise _fail(source, f"{c_pointer}/Condition/Operands", f"action {ident!r}: Operands must be a list", line)
        conditions.append(
            Condition(
                operator=_str(cond.get("Operator")),
                operands=tuple(_str(o) for o in operands),
                next_action=_str(entry.get("NextAction")),
            )
        )
    errors: list[ErrorTransition] = []
    for e_index, entry in enumerate(transitions.get("Errors") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("ErrorType"), str):
            raise _fail(
                source, f"{pointer}/Transitions/Errors/{e_index}",
                f"action {ident!r}: an error entry needs a string 'ErrorType'", line,
            )
        errors.append(ErrorTransition(entry["ErrorType"], _str(entry.get("NextAction"))))
    next_action = transitions.get("NextAction")
    return Action(
        identifier=ident,
        type=action_type,
        parameters=params,
        next_action=None if next_action is None else _str(next_action),
        conditions=tuple(conditions),
        errors=tuple(errors),
        pointer=pointer,
        line=line,
        metadata=meta.get(ident) or {},
    )


def parse_flow_document(
    doc: Any,
    *,
    source: Path,
    name: str,
    text: str,
    base: str = "",
    declared_type: str | None = None,
    is_module: bool = False,
    flow_id: str | None = None,
    arn: str | None = None,
    alone_in_file: bool = True,
    shape: str = "flow-language",
    placeholders: Mapping[str, str] | None = None,
) -> Flow:
    """Build a Flow from a parsed Flow-language document (`text` is the JSON it came from).

    `placeholders` (instance.placeholders) are substituted first; those left unresolved in a
    block's parameters are recorded on the block and warned about.
    """
    if not isinstance(doc, dict):
        raise _fail(source, base, "a flow must be a JSON object")
    limits = _limit_warnings(doc, text)
    if placeholders:
        doc = substitute(doc, placeholders)
    actions_raw = doc.get("Actions")
    if not isinstance(actions_raw, list):
        raise _fail(source, f"{base}/Actions", "a flow needs an 'Actions' list")
    metadata = _object(doc.get("Metadata"))
    action_meta = _object(metadata.get("ActionMetadata"))
    lines = identifier_lines(text) if text else {}
    actions: dict[str, Action] = {}
    for index, raw in enumerate(actions_raw):
        action = parse_action(raw, index, source, base, lines, action_meta)
        unresolved = unresolved_in(action)
        if unresolved:
            action = replace(action, unresolved=unresolved)
        if action.identifier in actions:
            raise _fail(
                source, f"{base}/Actions/{index}/Identifier",
                f"duplicate action Identifier {action.identifier!r}", action.line,
            )
        actions[action.identifier] = action
    start = doc.get("StartAction")
    start = start if isinstance(start, str) else ""
    settings = _object(doc.get("Settings"))
    warnings = limits + _structure_warnings(start, actions, source)
    for action in actions.values():
        warnings += unresolved_warnings(action)
    return Flow(
        name=name,
        actions=actions,
        start_action=start,
        source=source,
        declared_type=declared_type,
        is_module=is_module or bool(settings),
        id=flow_id,
        arn=arn,
        stem=source.stem,
        alone_in_file=alone_in_file,
        settings=settings,
        shape=shape,
        warnings=tuple(warnings),
    )


def _limit_warnings(doc: Mapping[str, Any], text: str) -> list[str]:
    """Loadable and runnable here, but Connect would refuse to save it. The size is that of the
    text as written (what a deployment sends), else of the document as compact JSON."""
    warnings: list[str] = []
    size = len(text) if text else len(json.dumps(doc, ensure_ascii=False, separators=(",", ":"), default=str))
    if size > MAX_CONTENT_CHARACTERS:
        warnings.append(
            f"the flow's Content is {size:,} characters, over the {MAX_CONTENT_CHARACTERS:,} Amazon Connect "
            "accepts: Connect would refuse to save it"
        )
    actions = doc.get("Actions")
    if isinstance(actions, list) and len(actions) > MAX_ACTIONS:
        warnings.append(
            f"the flow has {len(actions)} actions, over the {MAX_ACTIONS} blocks Amazon Connect accepts "
            "in one flow: Connect would refuse to save it"
        )
    return warnings


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _structure_warnings(start: str, actions: Mapping[str, Action], source: Path) -> list[str]:
    """What the console exports for unconnected blocks: valid, but not runnable from there."""
    warnings: list[str] = []
    if not start:
        warnings.append("StartAction is empty: the flow cannot run from its start")
    elif start not in actions:
        warnings.append(f"StartAction {start!r} names no action")
    for action in actions.values():
        targets = [action.next_action] if action.next_action is not None else []
        targets += [c.next_action for c in action.conditions] + [e.next_action for e in action.errors]
        for target in targets:
            if target == "" or target == "$end":
                continue  # an unconnected branch: reported when a run takes it
            if target not in actions:
                warnings.append(
                    f"action {action.identifier!r} ({action.type}) has a transition to {target!r}, "
                    "which names no action"
                )
    return warnings


def metadata_type(doc: Mapping[str, Any]) -> str | None:
    meta = doc.get("Metadata")
    if isinstance(meta, dict) and isinstance(meta.get("type"), str):
        return str(meta["type"])
    return None


def metadata_name(doc: Mapping[str, Any]) -> str | None:
    meta = doc.get("Metadata")
    if isinstance(meta, dict) and isinstance(meta.get("name"), str) and meta["name"].strip():
        return str(meta["name"])
    return None
