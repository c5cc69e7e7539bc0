"""Cases block: create, get and update Amazon Connect Cases. Each action calls Cases, so its
outcome comes from mocks.cases; Create and Get case fill $.Case."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, success
from ..errors import MockError
from ..flow.model import Action
from ..mocks.lex import connect_values
from ..mocks.services import ServiceAnswer, find_answer
from .registry import BlockSpec

KIND = "cases"
FAMILY = "cases"


def _flag(action: Action, name: str) -> bool:
    return str(action.parameters.get(name, "false")).strip().lower() == "true"


def _fields(ctx: RunContext, action: Action) -> tuple[dict[str, str], list[str]] | str:
    """CaseRequestFields resolved (embedded references rendered), and the names not sent because
    their value is unset or empty."""
    raw = action.parameters.get("CaseRequestFields")
    if raw is None:
        return {}, []
    if not isinstance(raw, dict):
        return f"CaseRequestFields must be a map of case field → value, not {raw!r}"
    sent: dict[str, str] = {}
    unset: list[str] = []
    for name, value in raw.items():
        resolved = ctx.resolve(value)
        if resolved:
            sent[str(name)] = resolved
        else:
            unset.append(str(name))
    return sent, unset


def _fake_case_id(ctx: RunContext, action: Action) -> str:
    """A repeatable Cases style Id (a UUID) for a mock that gives none."""
    seed = f"connectflow/{ctx.contact.contact_id}/{ctx.flow.name}/{action.identifier}/{ctx.step}"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, seed))


def _answer(
    ctx: RunContext, action: Action, errors: Sequence[str], resources: Sequence[str], request: Mapping[str, Any]
) -> ServiceAnswer:
    """The mock's answer for this run, checked against what this action can do."""
    answer = find_answer(ctx, action, KIND, resources, request)
    where = f"mocks.{KIND} answer for {action.identifier!r} ({action.type})"
    allowed = ("NoMatchingError", "ContactNotLinked", *errors)
    if answer.error is not None and answer.error not in allowed:
        hint = ""
        if answer.error.endswith("Error") and answer.error[: -len("Error")] in allowed:
            hint = f" (Cases spells it {answer.error[: -len('Error')]})"
        raise MockError(f"{where}: error {answer.error!r} is not an error of {action.type}{hint}; "
                        f"it can take: true (NoMatchingError), {', '.join(allowed[1:])}")
    if answer.error == "ContactNotLinked" and not _flag(action, "LinkContactToCase"):
        raise MockError(f"{where}: ContactNotLinked happens only when the block links the contact "
                        "(LinkContactToCase is not true)")
    if answer.result is not None:
        raise MockError(f"{where}: {action.type} produces no result to branch on; "
                        "give the case fields under 'data' (or 'error')")
    return answer


def _finish(answer: ServiceAnswer, note: str) -> Outcome:
    # ContactNotLinked is a partial success: the case was created or found, only the link failed.
    if answer.error == "ContactNotLinked":
        return error("ContactNotLinked", f"{note}; the contact was not linked")
    return success(note)


def _unset_note(unset: Sequence[str]) -> str:
    return f"; not sent (unset): {', '.join(unset)}" if unset else ""


def run_create_case(ctx: RunContext, action: Action) -> Outcome:
    template = ctx.resolve(action.parameters.get("CaseTemplateId")) if action.parameters.get("CaseTemplateId") else None
    if not template:
        return error(note=f"CaseTemplateId {action.parameters.get('CaseTemplateId')!r} is missing or unset")
    fields = _fields(ctx, action)
    if isinstance(fields, str):
        return error(note=fields)
    sent, unset = fields
    link = _flag(action, "LinkContactToCase")
    answer = _answer(ctx, action, (), (template,),
                     {"action": action.type, "template": template, "fields": sent, "link": link})
    if answer.error and answer.error != "ContactNotLinked":
        return error(answer.error, f"no case was created from template {template}{_unset_note(unset)}")
    case: dict[str, Any] = connect_values(dict(answer.data))
    case["case_id"] = str(answer.data.get("case_id") or _fake_case_id(ctx, action))
    ctx.contact.data["Case"] = case
    return _finish(answer, f"created case {case['case_id']} from template {template}{_unset_note(unset)}")


def run_get_case(ctx: RunContext, action: Action) -> Outcome:
    fields = _fields(ctx, action)
    if isinstance(fields, str):
        return error(note=fields)
    criteria, unset = fields
    customer = ctx.resolve(action.parameters.get("CustomerId")) if action.parameters.get("CustomerId") else None
    if customer:
        criteria = {"customer_id": customer, **criteria}
    if not criteria:
        return error(note="Get case needs at least one search criterion with a value" + _unset_note(unset))
    response = action.parameters.get("CaseResponseFields") or []
    if not isinstance(response, list) or not all(isinstance(f, str) for f in response):
        return error(note=f"CaseResponseFields must be a list of case field names, not {response!r}")
    last_updated = _flag(action, "GetLastUpdatedCase")
    answer = _answer(ctx, action, ("MultipleFound", "NoneFound"), list(criteria.values()),
                     {"action": action.type, "criteria": criteria, "last_updated": last_updated,
                      "link": _flag(action, "LinkContactToCase")})
    if answer.error == "MultipleFound" and last_updated:
        raise MockError(f"mocks.{KIND} answer for {action.identifier!r}: MultipleFound cannot happen with "
                        "GetLastUpdatedCase true (the last updated case is taken)")
    searched = ", ".join(f"{k}={v}" for k, v in criteria.items())
    if answer.error and answer.error != "ContactNotLinked":
        return error(answer.error, f"searched {searched}")
    # The case Id is always kept (flows read $.Case.case_id without asking for it); other fields
    # only when CaseResponseFields lists them.
    case: dict[str, Any] = {"case_id": str(answer.data.get("case_id") or _fake_case_id(ctx, action))}
    for name in response:
        if answer.data.get(name) is not None:
            case[name] = connect_values(answer.data[name])
    ctx.contact.data["Case"] = case
    skipped = [k for k in answer.data if k not in response and k != "case_id"]
    note = f"found case {case['case_id']} ({searched})"
    if skipped:
        note += f"; not in CaseResponseFields: {', '.join(skipped)}"
    return _finish(answer, note)


def run_update_case(ctx: RunContext, action: Action) -> Outcome:
    raw_id = action.parameters.get("CaseId")
    case_id = ctx.resolve(raw_id) if raw_id else None
    if not case_id:
        return error(note=f"CaseId {raw_id!r} is missing or unset")
    fields = _fields(ctx, action)
    if isinstance(fields, str):
        return error(note=fields)
    sent, unset = fields
    answer = _answer(ctx, action, (), (case_id,),
                     {"action": action.type, "case_id": case_id, "fields": sent,
                      "link": _flag(action, "LinkContactToCase")})
    if answer.error and answer.error != "ContactNotLinked":
        return error(answer.error, f"case {case_id} was not updated{_unset_note(unset)}")
    changed = ", ".join(f"{k}={v}" for k, v in sent.items()) or "no fields"
    return _finish(answer, f"updated case {case_id}: {changed}{_unset_note(unset)}")


SPECS = (
    BlockSpec(
        action_type="CreateCase",
        run=run_create_case,
        console_name="Cases",
        branches=("Success", "ContactNotLinked", "NoMatchingError"),
        model="Creates a case from CaseTemplateId (Error when unset) with the CaseRequestFields that have a "
        "value; the mock decides the outcome. $.Case is replaced by the mock's data and case_id (from the "
        "mock, else generated). ContactNotLinked (LinkContactToCase true) still fills $.Case.",
        mocks=f"mocks.{KIND} by block (or the template Id): data, error",
        family=FAMILY,
    ),
    BlockSpec(
        action_type="GetCase",
        run=run_get_case,
        console_name="Cases",
        branches=("Success", "ContactNotLinked", "MultipleFound", "NoneFound", "NoMatchingError"),
        model="Searches cases by CustomerId and the CaseRequestFields that have a value (Error without any); "
        "the mock's data is the case found: $.Case is replaced by its case_id and the fields "
        "CaseResponseFields lists. error: MultipleFound / NoneFound / ContactNotLinked / true.",
        mocks=f"mocks.{KIND} by block (or a search value): data, error",
        family=FAMILY,
    ),
    BlockSpec(
        action_type="UpdateCase",
        run=run_update_case,
        console_name="Cases",
        branches=("Success", "ContactNotLinked", "NoMatchingError"),
        model="Updates case CaseId (Error when unset) with the CaseRequestFields that have a value; the mock "
        "decides Success, ContactNotLinked or Error. Writes nothing ($.Case keeps what Get/Create loaded).",
        mocks=f"mocks.{KIND} by block (or the case Id): error",
        family=FAMILY,
    ),
)
