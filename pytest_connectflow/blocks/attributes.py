"""Set contact attributes (UpdateContactAttributes) and flow attributes (UpdateFlowAttributes)."""

from __future__ import annotations

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
    merged = {**ctx.contact.attributes, **updates}
    # A UTF-8 character takes at most 4 bytes: count the bytes only when that bound is reached.
    if 4 * (sum(map(len, merged)) + sum(map(len, merged.values()))) > MAX_ATTRIBUTES_BYTES:
        size = sum(len(k.encode()) + len(v.encode()) for k, v in merged.items())
        if size > MAX_ATTRIBUTES_BYTES:
            return error(note=f"attributes would take {size} bytes, over the 32,768-byte limit")
    ctx.contact.attributes = merged
    return success(", ".join([f"{k}={v!r}" for k, v in updates.items()]))


def run_flow_attributes(ctx: RunContext, action: Action) -> Outcome:
    raw = action.parameters.get("FlowAttributes")
    if not isinstance(raw, dict):
        return error(note="FlowAttributes must be an object")
    updates: dict[str, str] = {}
    for key, spec in raw.items():
        value = spec.get("Value") if isinstance(spec, dict) else spec
        updates[str(key)] = ctx.resolve(value) or ""
    ctx.frame.flow_attributes.update(updates)
    return success(", ".join(f"{k}={v!r}" for k, v in updates.items()))


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
