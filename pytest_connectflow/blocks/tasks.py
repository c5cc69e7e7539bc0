"""Create task (CreateTask): a new TASK contact that runs a flow of its own."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..engine import values
from ..engine.context import RunContext
from ..engine.outcome import Outcome, success
from ..flow.model import Action
from .messaging import InvalidParameter, guarded, mapping, new_contact_id, optional_text, records, required_text
from .registry import BlockSpec

TASKS = "Tasks"  # contact.data["Tasks"]: every task this contact created, in order
# The reference types of StartTaskContact (API Reference "Reference"); the console offers URL,
# STRING, NUMBER, EMAIL, DATE and ATTACHMENT.
REFERENCE_TYPES = frozenset({"URL", "ATTACHMENT", "NUMBER", "STRING", "DATE", "EMAIL"})
MAX_DELAY_SECONDS = 518400  # 6 days (Flow language reference "CreateTask", DelaySeconds)
MAX_NAME = 512  # StartTaskContact Name
MAX_DESCRIPTION = 4096  # StartTaskContact Description
_INTEGER_RE = re.compile(r"^[0-9]+$")


def _references(ctx: RunContext, raw: Any) -> dict[str, dict[str, str]]:
    """References {name: {Value, Type}}, names and values static or dynamic."""
    out: dict[str, dict[str, str]] = {}
    for key, spec in mapping(raw, "References", required=False).items():
        name = ctx.resolve(key) or ""
        if not name:
            raise InvalidParameter(f"the reference name {key!r} is empty")
        entry = mapping(spec, f"References.{name}")
        kind = required_text(ctx, entry.get("Type"), f"References.{name}.Type")
        if kind not in REFERENCE_TYPES:
            raise InvalidParameter(f"References.{name}.Type must be one of {', '.join(sorted(REFERENCE_TYPES))}, "
                                   f"not {kind!r}")
        out[name] = {"Value": ctx.resolve(entry.get("Value")) or "", "Type": kind}
    return out


def _attributes(ctx: RunContext, raw: Any) -> dict[str, str]:
    """Attributes {key: value}: "Both the key and value may be defined statically or dynamically"."""
    out: dict[str, str] = {}
    for key, value in mapping(raw, "Attributes", required=False).items():
        name = ctx.resolve(key) or ""
        if not name:
            raise InvalidParameter(f"the attribute key {key!r} is empty")
        out[name] = ctx.resolve(value) or ""
    return out


def _schedule(ctx: RunContext, action: Action) -> dict[str, str]:
    """DelaySeconds (1 to 518,400) or ScheduledTime (epoch seconds, as the console sets it from an
    attribute, or ISO 8601), never both."""
    delay = optional_text(ctx, action.parameters.get("DelaySeconds"))
    scheduled = optional_text(ctx, action.parameters.get("ScheduledTime"))
    if delay is not None and scheduled is not None:
        raise InvalidParameter("DelaySeconds and ScheduledTime cannot both be set")
    if delay is not None:
        if not _INTEGER_RE.match(delay) or not 1 <= int(delay) <= MAX_DELAY_SECONDS:
            raise InvalidParameter(f"DelaySeconds must be a whole number from 1 to {MAX_DELAY_SECONDS}, "
                                   f"not {delay!r}")
        return {"DelaySeconds": delay}
    if scheduled is not None:
        if not _INTEGER_RE.match(scheduled):
            try:
                datetime.fromisoformat(scheduled.replace("Z", "+00:00"))
            except ValueError:
                raise InvalidParameter(
                    f"ScheduledTime {scheduled!r} is neither epoch seconds nor an ISO 8601 time"
                ) from None
        return {"ScheduledTime": scheduled}
    return {}


def run_create_task(ctx: RunContext, action: Action) -> Outcome:
    params = action.parameters
    name = required_text(ctx, params.get("Name"), "Name")
    if len(name) > MAX_NAME:
        raise InvalidParameter(f"Name is {len(name)} characters, over the {MAX_NAME}-character limit")
    description = optional_text(ctx, params.get("Description"))
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidParameter(f"Description is {len(description)} characters, over the "
                               f"{MAX_DESCRIPTION}-character limit")
    # TaskTemplateId is static; a template may name the flow itself (StartTaskContact: a
    # template with a flow needs no ContactFlowId).
    template = params.get("TaskTemplateId") or None
    if template is not None and (not isinstance(template, str) or values.is_reference(template)):
        raise InvalidParameter(f"TaskTemplateId must be set statically, not {template!r}")
    raw_flow = params.get("ContactFlowId")
    flow_name = None
    if raw_flow in (None, "") and template is None:
        raise InvalidParameter("ContactFlowId is missing (and no TaskTemplateId names a flow)")
    if raw_flow not in (None, ""):
        ref = ctx.resolve(raw_flow)
        flow = ctx.resolve_flow(ref, action, "ContactFlowId")
        if flow is None:
            # As for Transfer to flow: a flow that does not exist takes Error, noted for the run.
            shown = ref or raw_flow
            ctx.note(f"{ctx.where(action)}: ContactFlowId {shown!r} names no loaded flow")
            raise InvalidParameter(f"ContactFlowId {shown!r} names no loaded flow")
        flow_type = ctx.flow_type_of(flow)
        if flow.is_module or (flow_type is not None and flow_type != "CONTACT_FLOW"):
            # A task runs in an inbound flow, as every new contact does.
            raise InvalidParameter(f"ContactFlowId {flow.name!r} is {flow_type or 'a flow module'}, "
                                   "not an inbound flow (CONTACT_FLOW)")
        flow_name = flow.name
    attributes = _attributes(ctx, params.get("Attributes"))
    references = _references(ctx, params.get("References"))
    schedule = _schedule(ctx, action)
    tasks = records(ctx, TASKS)
    contact_id = new_contact_id(ctx, "task", len(tasks))
    tasks.append({
        "ContactId": contact_id,
        "Channel": "TASK",
        "Name": name,
        "Description": description,
        "ContactFlow": flow_name,
        "TaskTemplateId": template,
        "Attributes": attributes,
        "References": references,
        **schedule,
    })
    # Admin Guide "Create task": on Success "it responds with the contact ID of the newly created
    # task", read later as the system attribute Task Contact id ($.Task.ContactId).
    ctx.contact.data["Task"] = {"ContactId": contact_id}
    when = f", {next(iter(schedule))} {next(iter(schedule.values()))}" if schedule else ""
    return success(f"task {name!r} ({contact_id}) runs {flow_name or 'its template flow'}{when}")


SPECS: tuple[BlockSpec, ...] = (
    BlockSpec(
        action_type="CreateTask",
        run=guarded(run_create_task),
        console_name="Create task",
        branches=("Success", "NoMatchingError"),
        model="Records a child TASK contact (Name, Description, flow, Attributes, References, "
        "DelaySeconds or ScheduledTime) in contact.data['Tasks'] and sets $.Task.ContactId to its "
        "Id; the task's flow is not run. Error when ContactFlowId names no loaded inbound flow "
        "(noted) or a parameter is missing or malformed.",
        family="tasks",
    ),
)
