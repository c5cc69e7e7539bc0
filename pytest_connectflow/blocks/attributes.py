"""Set contact attributes (UpdateContactAttributes) and flow attributes (UpdateFlowAttributes)."""

from __future__ import annotations

from collections.abc import Mapping

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..flow.model import Action
from . import checks
from .registry import BlockSpec

MAX_ATTRIBUTES_BYTES = 32 * 1024


def run_contact_attributes(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("Attributes")
    if not isinstance(raw, dict):
        return error(note="Attributes must be an object")
    target = str(action.parameters.get("TargetContact", "Current"))
    if target != "Current":
        return error(note=f"TargetContact {target!r}: this contact has no related contact")
    # Resolve every value first, then apply all or nothing.
    updates = ctx.resolve_map(raw)
    if "" in updates:
        return error(note="an attribute key is empty")
    before = ctx.contact.attributes
    merged = {**before, **updates}
    # A bound on the characters of `merged` (the run keeps the last one, for the map this block
    # made: updates only add to it), and a UTF-8 character takes at most 4 bytes: the bytes are
    # counted only near the limit. A map changed in place since (a plugin's block) is counted anew.
    known = ctx.attribute_chars
    if known is not None and known[0] is before and known[1] == len(before):
        chars = known[2]
    else:
        chars = _chars(before)
    for key, value in updates.items():
        chars += len(key) + len(value)
    if 4 * chars > MAX_ATTRIBUTES_BYTES:
        size = sum(len(k.encode()) + len(v.encode()) for k, v in merged.items())
        if size > MAX_ATTRIBUTES_BYTES:
            return error(note=f"attributes would take {size} bytes, over the 32,768-byte limit")
        chars = _chars(merged)
    ctx.contact.attributes = merged
    ctx.attribute_chars = (merged, len(merged), chars)
    return success(_assignments(updates))


def _chars(attributes: Mapping[str, str]) -> int:
    return sum(map(len, attributes)) + sum(map(len, attributes.values()))


def _assignments(updates: dict[str, str]) -> str:
    """The step note: `key='value', ...` (one key, the common case, without the join)."""
    if len(updates) == 1:
        for key, value in updates.items():
            return f"{key}={value!r}"
    return ", ".join([f"{k}={v!r}" for k, v in updates.items()])


def run_flow_attributes(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("FlowAttributes")
    if not isinstance(raw, dict):
        return error(note="FlowAttributes must be an object")
    updates: dict[str, str] = {}
    for key, spec in raw.items():
        value = spec.get("Value") if isinstance(spec, dict) else spec
        updates[str(key)] = ctx.resolve(value) or ""
    ctx.frame.flow_attributes.update(updates)
    return success(_assignments(updates))


def check_contact_attributes(action: Action) -> list[checks.Finding]:
    return checks.object_param(action, "Attributes") + checks.enum(
        action, "TargetContact", ("Current", "Related"), optional=True
    )


def check_flow_attributes(action: Action) -> list[checks.Finding]:
    return checks.object_param(action, "FlowAttributes")


SPECS = (
    BlockSpec(
        action_type="UpdateContactAttributes",
        run=run_contact_attributes,
        console_name="Set contact attributes",
        branches=("Success", "NoMatchingError"),
        model="Resolves every value (unset references become empty strings), then merges them into "
        "$.Attributes all at once; Error past 32,768 bytes in total or for a related contact.",
        family="attributes",
        check=check_contact_attributes,
    ),
    BlockSpec(
        action_type="UpdateFlowAttributes",
        run=run_flow_attributes,
        console_name="Set contact attributes (flow destination)",
        branches=("Success", "NoMatchingError"),
        model="Sets $.FlowAttributes of the current flow run only ({key: {Value: ...}}); "
        "they are not carried to another flow.",
        family="attributes",
        check=check_flow_attributes,
    ),
)
