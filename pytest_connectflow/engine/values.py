"""JSONPath references ($.Attributes.x, $.External.y, ...) and values as Amazon Connect sees them.

Every value Connect sees is a string; an unset reference renders as an empty string in text and
is None for Compare (which then matches no condition).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
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


def walk(root: Any, parts: list[str]) -> Any:
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


Lookup = Callable[[list[str]], Any]


def resolve(value: Any, lookup: Lookup) -> str | None:
    """A parameter value: a whole reference resolves to its value (None when unset); text with
    embedded references renders them (unset → empty string); other values become strings."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("$") and REFERENCE_RE.fullmatch(stripped):
            return to_text(lookup(split_reference(stripped)))
        if "$" in value:
            return render(value, lookup)
        return value
    return to_text(value)


def render(text: str, lookup: Lookup) -> str:
    """Text with every embedded reference replaced by its value (unset → empty string)."""
    if "$" not in text:
        return text

    def substitute(match: re.Match[str]) -> str:
        return to_text(lookup(split_reference(match.group(0)))) or ""

    return REFERENCE_RE.sub(substitute, text)
