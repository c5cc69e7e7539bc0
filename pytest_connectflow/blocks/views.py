"""Show view (ShowView): renders a view (step-by-step guide page, form) to the agent or in the
customer's chat; what the user chose comes from mocks.views and fills $.Views."""

from __future__ import annotations

import re
from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result
from ..errors import MockError
from ..flow.library import arn_id
from ..flow.model import Action
from ..mocks.lex import connect_values
from ..mocks.services import find_answer
from .registry import CUSTOMER_QUEUE, INBOUND, BlockSpec

KIND = "views"
# A view ARN or Id may carry a version qualifier: `...:view/ID:$LATEST`, `...:view/ID:3`.
_QUALIFIER_RE = re.compile(r":(\$LATEST|\d+)$")


def _render_deep(ctx: RunContext, value: Any) -> Any:
    """ViewData with every reference resolved, at any depth (keys and values may be dynamic)."""
    if isinstance(value, dict):
        return {str(k): _render_deep(ctx, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_deep(ctx, v) for v in value]
    if isinstance(value, str):
        return ctx.resolve(value)
    return value


def _display_name(action: Action) -> str | None:
    """The view's name as the console shows it (ActionMetadata ...ViewResource.Id.displayName)."""
    params = action.metadata.get("parameters")
    resource = params.get("ViewResource") if isinstance(params, dict) else None
    id_meta = resource.get("Id") if isinstance(resource, dict) else None
    name = id_meta.get("displayName") if isinstance(id_meta, dict) else None
    return name if isinstance(name, str) and name else None


def _view_names(action: Action, view: str) -> list[str]:
    """How a test may name the view: as written, without its version qualifier, the view Id of an
    ARN, and the name the console shows (Form, Confirmation...)."""
    unqualified = _QUALIFIER_RE.sub("", view)
    names = [view, unqualified, arn_id(unqualified)]
    display = _display_name(action)
    if display:
        names.append(display)
    return list(dict.fromkeys(names))


def run_show_view(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    resource = params.get("ViewResource")
    raw = resource.get("Id") if isinstance(resource, dict) else None
    view = ctx.resolve(raw) if isinstance(raw, str) and raw.strip() else None
    if not view:
        return error(note=f"ViewResource.Id {raw!r} is missing or unset")
    limit = params.get("InvocationTimeLimitSeconds")
    if limit is not None:
        try:
            seconds = int(str(ctx.resolve(limit)))
        except ValueError:
            return error(note=f"InvocationTimeLimitSeconds {limit!r} is not a number of seconds")
        if seconds <= 0:
            return error(note=f"InvocationTimeLimitSeconds {seconds} is not a positive number of seconds")
    data = params.get("ViewData")
    if data is not None and not isinstance(data, dict):
        return error(note=f"ViewData must be a map, not {data!r}")
    names = _view_names(action, view)
    answer = find_answer(ctx, action, KIND, names,
                         {"view": view, "version": (resource or {}).get("Version"),
                          "data": _render_deep(ctx, data or {})})
    # The last view's result is gone as soon as another view is shown.
    ctx.contact.data["Views"] = {}
    where = f"mocks.{KIND} answer for {action.identifier!r}"
    if answer.error is not None and answer.error not in ("NoMatchingError", "TimeLimitExceeded"):
        raise MockError(f"{where}: error {answer.error!r} is not an error of ShowView; "
                        "use true (NoMatchingError) or TimeLimitExceeded")
    label = _display_name(action) or view
    if answer.error == "TimeLimitExceeded":
        return error("TimeLimitExceeded", f"{label}: no action before the time limit")
    if answer.error:
        return error(note=f"{label} could not be shown")
    if answer.result is None:
        raise MockError(f"{where}: give the action the user chose as result (Next, Back...) "
                        "or error: TimeLimitExceeded")
    ctx.contact.data["Views"] = {"Action": answer.result, "ViewResultData": connect_values(dict(answer.data))}
    return result(answer.result, f"{label}: {answer.result}")


SPECS = (
    BlockSpec(
        action_type="ShowView",
        run=run_show_view,
        console_name="Show view",
        branches=("<view action>", "NoMatchingCondition", "TimeLimitExceeded", "NoMatchingError"),
        channels=frozenset({"VOICE", "CHAT", "EMAIL"}),
        flow_types=INBOUND | CUSTOMER_QUEUE,
        model="Shows ViewResource (Error when its Id is unset or InvocationTimeLimitSeconds is not a number); "
        "the mock's result is the action chosen (Next, Back, ...), tested against the Conditions, and "
        "$.Views becomes {Action, ViewResultData: the mock's data}. error: TimeLimitExceeded / true. "
        "TASK takes Error.",
        mocks=f"mocks.{KIND} by block, or by view (Id/ARN, without version, console name): result, data",
        family="views",
    ),
)
