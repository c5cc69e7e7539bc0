"""A short human label per block for failure output: the prompt text, the Lambda or queue name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..flow.library import arn_id
from ..flow.model import Action

if TYPE_CHECKING:
    from .context import RunContext

_MAX = 40


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX else text[: _MAX - 1] + "…"


def label(action: Action, ctx: RunContext | None = None) -> str:
    p = action.parameters
    t = action.type
    if t == "UpdateContactMediaStreamingBehavior":
        state = p.get("MediaStreamingState")
        return "Start media streaming" if state == "Enabled" else "Stop media streaming" if state == "Disabled" else ""
    if t == "InvokeLambdaFunction":
        ref = str(p.get("LambdaFunctionARN", ""))
        if ctx is not None and ref and not ref.startswith("$"):
            return _short(ctx.resource_name(ref, action, "LambdaFunctionARN", "lambda"))
        return _short(ref.split(":function:")[-1].split(":")[0])
    for key, param in (("queue", "QueueId"), ("flow", "ContactFlowId"), ("flow", "FlowModuleId"),
                       ("hours", "HoursOfOperationId")):
        value = p.get(param)
        if isinstance(value, str) and value:
            ref = value
            display: str | None = None
            if ctx is not None:
                display = ctx.resource_name(ref, action, param, key) if not ref.startswith("$") else None
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
