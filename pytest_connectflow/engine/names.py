"""Readable names of the resources blocks use: the instance resources file, else the display
text the console keeps in ActionMetadata (never used for routing), else the ARN's last segment."""

from __future__ import annotations

from ..flow.library import arn_id
from ..flow.model import Action
from .instance import Instance


def display_name(action: Action, parameter: str) -> str | None:
    """The resource name the console keeps in ActionMetadata for a parameter."""
    meta = action.metadata
    for key in ("queue", "ContactFlow", "contactFlow", "Hours", "hoursOfOperation"):
        entry = meta.get(key)
        if isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry["text"]:
            return str(entry["text"])
    if isinstance(meta.get("contactFlowModuleName"), str) and meta["contactFlowModuleName"]:
        return str(meta["contactFlowModuleName"])
    params = meta.get("parameters")
    if isinstance(params, dict):
        entry = params.get(parameter)
        if isinstance(entry, dict) and isinstance(entry.get("displayName"), str) and entry["displayName"]:
            return str(entry["displayName"])
    return None


def lambda_function_name(ref: str) -> str:
    """`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS]` → NAME; a plain name stays."""
    if ref.startswith("arn:") and ":function:" in ref:
        return ref.split(":function:", 1)[1].split(":", 1)[0]
    return ref


def resource_name(instance: Instance | None, ref: str, action: Action, parameter: str, kind: str) -> str:
    """A resource's name: the instance file, else the console's display text, else the last
    segment of the ARN (the function name for a Lambda ARN)."""
    if kind == "lambda":
        found = instance.find(instance.lambdas, ref) if instance is not None else None
        return found.name if found else lambda_function_name(ref)
    resources = {"queue": instance.queues, "hours": instance.hours}.get(kind) if instance is not None else None
    if resources is not None and instance is not None:
        found = instance.find(resources, ref)
        if found:
            return found.name
    return display_name(action, parameter) or arn_id(ref)
