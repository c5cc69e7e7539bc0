"""JSONPath references ($.Attributes.x, $.External.y, ...) and values as Amazon Connect sees them.

Every value Connect sees is a string; an unset reference renders as an empty string in text and
is None for Compare (which then matches no condition).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

# `$.` then segments: dot segments of letters, digits, `_` and `-`; or bracket segments `['...']`.
# A `.` not followed by such a character ends the reference ("Hi $.Attributes.name." keeps the dot).
_SEGMENT = r"(?:\.[A-Za-z0-9_-]+|\.?\[\s*'[^']*'\s*\]|\.?\[\s*\"[^\"]*\"\s*\]|\[\d+\])"
REFERENCE_RE = re.compile(r"\$(?:" + _SEGMENT + r")+")
_PART_RE = re.compile(r"\.([A-Za-z0-9_-]+)|\.?\[\s*'([^']*)'\s*\]|\.?\[\s*\"([^\"]*)\"\s*\]|\[(\d+)\]")


def split_reference(ref: str) -> list[str]:
    """`$.Attributes['my key'].x` → ['Attributes', 'my key', 'x']."""
    return list(_split(ref))


@lru_cache(maxsize=8192)
def _split(ref: str) -> tuple[str, ...]:
    # Flows hold a bounded set of reference texts: parse each once per process.
    return tuple(next(g for g in m.groups() if g is not None) for m in _PART_RE.finditer(ref[1:]))


def is_reference(value: Any) -> bool:
    """True when `value` is exactly one reference (not text that embeds one)."""
    if not isinstance(value, str):
        return False
    match = REFERENCE_RE.fullmatch(value.strip())
    return match is not None


def to_text(value: Any) -> str | None:
    """A value as the string Connect would see; None stays None (unset)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def walk(root: Any, parts: Sequence[str]) -> Any:
    """Follow keys (and list indexes) into nested data; None when a key is missing."""
    node = root
    for part in parts:
        if isinstance(node, Mapping):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
        if node is None:
            return None
    return node


Lookup = Callable[[Sequence[str]], Any]


def resolve(value: Any, lookup: Lookup) -> str | None:
    """A parameter value: a whole reference resolves to its value (None when unset); text with
    embedded references renders them (unset → empty string); other values become strings."""
    if value.__class__ is str:  # most values (`__class__ is`: cheaper than isinstance, per block)
        if "$" not in value:
            return value
        whole = whole_reference(value)
        if whole is None:
            return render(value, lookup)
        found = lookup(whole)
        return found if found.__class__ is str else to_text(found)
    return to_text(value)


@lru_cache(maxsize=8192)
def whole_reference(value: str) -> tuple[str, ...] | None:
    stripped = value.strip()
    if stripped.startswith("$") and REFERENCE_RE.fullmatch(stripped):
        return _split(stripped)
    return None


@lru_cache(maxsize=8192)
def template(text: str) -> tuple[tuple[str, tuple[str, ...] | None], ...]:
    """Text cut once into literal pieces and references: (literal, None) or ("", parts)."""
    pieces: list[tuple[str, tuple[str, ...] | None]] = []
    position = 0
    for match in REFERENCE_RE.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], None))
        pieces.append(("", _split(match.group(0))))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], None))
    return tuple(pieces)


def render(text: str, lookup: Lookup) -> str:
    """Text with every embedded reference replaced by its value (unset → empty string)."""
    if "$" not in text:
        return text
    # A plain loop, not a generator: this runs for every prompt a flow plays.
    out: list[str] = []
    for literal, parts in template(text):
        if parts is None:
            out.append(literal)
        else:
            value = lookup(parts)
            out.append(value if value.__class__ is str else (to_text(value) or ""))
    return "".join(out)
