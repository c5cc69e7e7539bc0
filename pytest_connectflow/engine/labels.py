"""A short human label per block for failure output: the prompt text, the Lambda or queue name."""

from __future__ import annotations

from ..flow.library import arn_id
from ..flow.model import Action
from .instance import Instance
from .names import resource_name

_MAX = 40


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX else text[: _MAX - 1] + "…"


def label(action: Action, instance: Instance | None = None) -> str:
    """A short label of a block (computed only when a trace is shown)."""
    p = action.parameters
    t = action.type
    if t == "UpdateContactMediaStreamingBehavior":
        state = p.get("MediaStreamingState")
        return "Start media streaming" if state == "Enabled" else "Stop media streaming" if state == "Disabled" else ""
    if t == "InvokeLambdaFunction":
        ref = str(p.get("LambdaFunctionARN", ""))
        if ref and not ref.startswith("$"):
            return _short(resource_name(instance, ref, action, "LambdaFunctionARN", "lambda"))
        return _short(ref.split(":function:")[-1].split(":")[0])
    for key, param in (("queue", "QueueId"), ("flow", "ContactFlowId"), ("flow", "FlowModuleId"),
                       ("hours", "HoursOfOperationId")):
        value = p.get(param)
        if isinstance(value, str) and value:
            ref = value
            display = None if ref.startswith("$") else resource_name(instance, ref, action, param, key)
            return _short(display or (ref if ref.startswith("$") else arn_id(ref)))
    for key in ("Text", "SSML"):
        value = p.get(key)
        if isinstance(value, str) and value.strip():
            return _short(value)
    if isinstance(p.get("PromptId"), str):
        return _short("prompt " + arn_id(p["PromptId"]))
    if t == "Compare" and isinstance(p.get("ComparisonValue"), str):
        return _short(p["ComparisonValue"])
    return ""
