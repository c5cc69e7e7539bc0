"""The loaded flows and how they are named: flows by name, file stem, Id or ARN; blocks by
Identifier, unique UUID prefix or `Flow name/Identifier` (DESIGN.md, "Names")."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import AmbiguousNameError, BlockNotFoundError, FlowNotFoundError
from .loaders import LoadReport, load_path
from .model import Action, Flow

_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
MIN_PREFIX = 8


def is_uuid(value: str) -> bool:
    return bool(_UUID_RE.match(value))


def arn_id(value: str) -> str:
    """The last segment of an ARN (`.../contact-flow/ID` → `ID`), or the value itself."""
    return value.rsplit("/", 1)[-1] if value.startswith("arn:") else value


@dataclass(frozen=True)
class BlockRef:
    """A block a user named: the flows and Identifiers it may mean."""

    text: str
    candidates: tuple[tuple[str, str], ...]  # (flow name, Identifier)

    def matches(self, flow_name: str, identifier: str) -> bool:
        return (flow_name, identifier) in self.candidates


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class FlowLibrary:
    """Every loaded flow, with lookups by each of its names. Built once, never changed."""

    def __init__(
        self, flows: Sequence[Flow], report: LoadReport | None = None, placeholders: Mapping[str, str] | None = None
    ) -> None:
        self.flows = tuple(flows)
        self.report = report or LoadReport()
        # The mapping the flows were loaded with: a mock may be keyed by a placeholder it resolves.
        self.placeholders: Mapping[str, str] = dict(placeholders or {})
        self._by_key: dict[str, list[Flow]] = {}
        for flow in self.flows:
            keys = {flow.name}
            if flow.alone_in_file and flow.stem:
                keys.add(flow.stem)
            if flow.id:
                keys.add(flow.id)
            if flow.arn:
                keys.add(flow.arn)
                keys.add(arn_id(flow.arn))
            for key in keys:
                self._by_key.setdefault(key, []).append(flow)
        self._identifiers: dict[str, list[Flow]] = {}
        for flow in self.flows:
            for ident in flow.actions:
                self._identifiers.setdefault(ident, []).append(flow)

    # flows -----------------------------------------------------------------------------------
    def find(self, ref: str) -> Flow:
        """The flow named `ref` (name, file stem, Id or ARN); an error names what was possible."""
        flow = self.lookup(ref)
        if flow is None:
            names = sorted(f.name for f in self.flows)
            listing = "".join(f"\n  - {n}" for n in names[:30]) or " (no flows are loaded)"
            raise FlowNotFoundError(
                f"no loaded flow is named {ref!r}{_suggest(ref, names)}; loaded flows:{listing}"
            )
        return flow

    def lookup(self, ref: str) -> Flow | None:
        """Like find, but None when nothing fits; two fits are still an error."""
        found = self._by_key.get(ref) or self._by_key.get(arn_id(ref)) if ref else None
        if not found:
            return None
        unique = list(dict.fromkeys(found))
        if len(unique) > 1:
            listing = "".join(f"\n  - {f.name} ({f.source})" for f in unique)
            raise AmbiguousNameError(f"the name {ref!r} fits {len(unique)} loaded flows:{listing}")
        return unique[0]

    def resolve_reference(self, value: str, display_name: str | None = None) -> Flow | None:
        """A flow reference inside a flow (ContactFlowId, FlowModuleId, an event hook): by ARN or Id,
        else by the display name the console keeps in the block's metadata."""
        flow = self.lookup(value) if value else None
        if flow is None and display_name:
            flow = self.lookup(display_name)
        return flow

    # blocks ----------------------------------------------------------------------------------
    def block(self, text: str) -> BlockRef:
        """Resolve a block name used in a test to its possible (flow, Identifier) pairs."""
        if text in self._identifiers:
            return BlockRef(text, tuple((f.name, text) for f in self._identifiers[text]))
        if "/" in text:
            flow_part, ident = text.rsplit("/", 1)
            flow = self.lookup(flow_part)
            if flow is not None:
                matches = [i for i in flow.actions if i == ident] or (
                    [i for i in flow.actions if is_uuid(i) and i.startswith(ident)]
                    if len(ident) >= MIN_PREFIX
                    else []
                )
                if len(matches) == 1:
                    return BlockRef(text, ((flow.name, matches[0]),))
                if len(matches) > 1:
                    raise AmbiguousNameError(self._ambiguous(text, [(flow, m) for m in matches]))
                raise BlockNotFoundError(
                    f"flow {flow.name!r} has no block {ident!r}{_suggest(ident, flow.actions)}"
                )
        if len(text) >= MIN_PREFIX:
            idents = [i for i in self._identifiers if is_uuid(i) and i.startswith(text)]
            if len(idents) == 1:
                ident = idents[0]
                return BlockRef(text, tuple((f.name, ident) for f in self._identifiers[ident]))
            if len(idents) > 1:
                pairs = [(f, i) for i in idents for f in self._identifiers[i]]
                raise AmbiguousNameError(self._ambiguous(text, pairs))
        raise BlockNotFoundError(
            f"no block of the loaded flows is named {text!r}{_suggest(text, self._identifiers)}"
        )

    @staticmethod
    def _ambiguous(text: str, pairs: Sequence[tuple[Flow, str]]) -> str:
        listing = "".join(f"\n  - {flow.name}/{ident}" for flow, ident in pairs)
        return f"the block name {text!r} fits more than one block; name one of:{listing}"

    def action(self, flow_name: str, identifier: str) -> Action | None:
        flow = self.lookup(flow_name)
        return None if flow is None else flow.actions.get(identifier)


def load_library(paths: Sequence[Path] | Path, placeholders: Mapping[str, str] | None = None) -> FlowLibrary:
    """The flows under `paths`, with `placeholders` (instance.placeholders) substituted."""
    report = load_path(paths, placeholders)
    return FlowLibrary(report.flows, report, placeholders)
