"""Customer profiles block: get, create and update a profile, associate the contact with one, get
a profile object or calculated attributes, check segment membership. Every action calls Amazon
Connect Customer Profiles, so its outcome comes from mocks.profiles; what it loads goes into
$.Customer (only the fields ProfileResponseData lists, plus the profile Id and ARN)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ..engine.context import RunContext
from ..engine.outcome import Outcome, error, result, success
from ..errors import MockError
from ..flow.library import arn_id
from ..flow.model import Action
from ..mocks.lex import connect_values
from ..mocks.services import ServiceAnswer, find_answer
from .registry import BlockSpec

KIND = "profiles"
FAMILY = "customer profiles"
MAX_VALUE_LENGTH = 255  # "The request values cannot be over 255 characters" (block page)
MAX_IDENTIFIERS = 5  # "up to five search identifiers"

_ADDRESS = ("Address1", "Address2", "Address3", "Address4", "City", "County", "Country", "PostalCode",
            "Province", "State")
# The standard profile fields the Flow language reference lists for ProfileRequestData and
# ProfileResponseData (GetCustomerProfile, CreateCustomerProfile), plus "Attributes.<key>".
PROFILE_FIELDS = frozenset(
    {
        "FirstName", "MiddleName", "LastName", "PhoneNumber", "EmailAddress", "AccountNumber",
        "AdditionalInformation", "PartyType", "BusinessName", "BirthDate", "Gender", "MobilePhoneNumber",
        "HomePhoneNumber", "BusinessPhoneNumber", "BusinessEmailAddress", "PersonalEmailAddress",
        *_ADDRESS,
        *(f"{kind}{part}" for kind in ("Shipping", "Mailing", "Billing") for part in _ADDRESS),
    }
)
# GetCustomerProfileObject: object type → the namespace under $.Customer and the id always kept.
OBJECT_TYPES = {"_asset": ("Asset", "AssetId"), "_order": ("Order", "OrderId"), "_case": ("Case", "CaseId")}
# Keys of GetCustomerProfile's ProfileRequestData that are not search identifiers.
_SEARCH_KEYS = frozenset({"IdentifierName", "IdentifierValue", "IdentiferValue", "SearchCriteria", "LogicalOperator"})


# --- shared helpers ----------------------------------------------------------------------------


def _request(action: Action) -> dict[str, Any] | str:
    raw = action.parameters.get("ProfileRequestData")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        return f"ProfileRequestData must be a map, not {raw!r}"
    return raw


def _response_fields(action: Action) -> list[str] | str:
    raw = action.parameters.get("ProfileResponseData")
    if raw is None:
        return []
    if isinstance(raw, dict):  # the reference page draws it as an object of field names
        raw = list(raw)
    if not isinstance(raw, list) or not all(isinstance(f, str) for f in raw):
        return f"ProfileResponseData must be a list of field names, not {raw!r}"
    return [f for f in raw if f]


def _value(ctx: RunContext, raw: Any) -> str | None:
    """A request value as Connect sends it; None when unset or empty."""
    value = ctx.resolve(raw) if raw is not None else None
    return value if value else None


def _too_long(fields: Mapping[str, str]) -> str | None:
    for name, value in fields.items():
        if len(value) > MAX_VALUE_LENGTH:
            return (f"the value of {name} has {len(value)} characters; "
                    f"Customer Profiles takes at most {MAX_VALUE_LENGTH}")
    return None


def _get_path(data: Mapping[str, Any], name: str) -> Any:
    """`Attributes.tier` → data["Attributes.tier"], else data["Attributes"]["tier"]."""
    if name in data:
        return data[name]
    node: Any = data
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _set_path(target: dict[str, Any], name: str, value: Any) -> None:
    *parents, last = name.split(".")
    node = target
    for part in parents:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[last] = value


def _customer(ctx: RunContext) -> dict[str, Any]:
    customer = ctx.contact.data.get("Customer")
    if not isinstance(customer, dict):
        customer = ctx.contact.data["Customer"] = {}
    return customer


def _fake_id(ctx: RunContext, action: Action) -> str:
    """A repeatable Customer Profiles style Id (32 hex digits) for a mock that gives none."""
    seed = f"connectflow/{ctx.contact.contact_id}/{ctx.flow.name}/{action.identifier}/{ctx.step}"
    return uuid.uuid5(uuid.NAMESPACE_URL, seed).hex


def _profile_arn(ctx: RunContext, profile_id: str) -> str:
    instance = arn_id(ctx.instance.arn)
    return (
        f"arn:aws:profile:{ctx.instance.region}:{ctx.instance.account}:"
        f"domains/amazon-connect-{instance}/profiles/{profile_id}"
    )


def _answer(
    ctx: RunContext,
    action: Action,
    errors: Sequence[str],
    resources: Sequence[str] = (),
    request: Mapping[str, Any] | None = None,
    *,
    takes_result: bool = False,
) -> ServiceAnswer:
    """The mock's answer for this run, checked against what this action can do."""
    answer = find_answer(ctx, action, KIND, resources, request)
    allowed = ("NoMatchingError", *errors)
    where = f"mocks.{KIND} answer for {action.identifier!r} ({action.type})"
    if answer.error is not None and answer.error not in allowed:
        hint = f" (did you mean {answer.error}Error?)" if f"{answer.error}Error" in allowed else ""
        raise MockError(f"{where}: error {answer.error!r} is not an error of {action.type}{hint}; "
                        f"it can take: true (NoMatchingError){''.join(', ' + e for e in errors)}")
    if answer.result is not None and not takes_result:
        raise MockError(f"{where}: {action.type} produces no result to branch on; "
                        "give the profile under 'data' (or 'error')")
    return answer


def _load(
    customer: dict[str, Any], data: Mapping[str, Any], fields: Sequence[str], fallback: Mapping[str, Any]
) -> list[str]:
    """Copy the listed fields into $.Customer (from the answer, else from the request sent);
    return the names loaded."""
    loaded = []
    for name in fields:
        value = _get_path(data, name)
        if value is None:
            value = fallback.get(name)
        if value is not None:
            _set_path(customer, name, connect_values(value))
            loaded.append(name)
    return loaded


def _not_loaded(data: Mapping[str, Any], fields: Sequence[str], always: Sequence[str]) -> list[str]:
    """Fields the mock returned that ProfileResponseData does not ask for (so stay unset)."""
    listed = {f.split(".", 1)[0] for f in fields} | set(always)
    return [k for k in data if k not in listed and k not in fields]


def _note(head: str, loaded: Sequence[str], skipped: Sequence[str]) -> str:
    parts = [head]
    if loaded:
        parts.append("loaded " + ", ".join(loaded))
    if skipped:
        parts.append("not in ProfileResponseData: " + ", ".join(skipped))
    return "; ".join(parts)


def _profile_fields(ctx: RunContext, request: Mapping[str, Any], skip: Sequence[str] = ()) -> dict[str, str] | str:
    """Create/Update: the profile fields sent (unset values are not sent)."""
    fields: dict[str, str] = {}
    for name, raw in request.items():
        if name in skip:
            continue
        if name not in PROFILE_FIELDS and not name.startswith("Attributes."):
            return f"{name!r} is not a Customer Profiles field"
        value = _value(ctx, raw)
        if value is not None:
            fields[name] = value
    return _too_long(fields) or fields


# --- Get profile -------------------------------------------------------------------------------


def _search_identifiers(ctx: RunContext, request: Mapping[str, Any]) -> dict[str, str] | str:
    """The search identifiers with a value: IdentifierName/IdentifierValue, SearchCriteria, or
    (older exports) field: value pairs such as {"PhoneNumber": "$.CustomerEndpoint.Address"}."""
    found: dict[str, str] = {}
    if "IdentifierName" in request:
        name = _value(ctx, request.get("IdentifierName"))
        value = _value(ctx, request.get("IdentifierValue", request.get("IdentiferValue")))
        if name and value:
            found[name] = value
    criteria = request.get("SearchCriteria")
    if criteria is not None:
        if not isinstance(criteria, list):
            return f"SearchCriteria must be a list, not {criteria!r}"
        if len(criteria) > MAX_IDENTIFIERS:
            return f"SearchCriteria has {len(criteria)} identifiers; at most {MAX_IDENTIFIERS} are allowed"
        if len(criteria) > 1 and str(request.get("LogicalOperator", "")).upper() not in ("AND", "OR"):
            return "SearchCriteria with several identifiers needs LogicalOperator AND or OR"
        for item in criteria:
            if isinstance(item, dict):
                name = _value(ctx, item.get("IdentifierName"))
                value = _value(ctx, item.get("IdentifierValue"))
                if name and value:
                    found[name] = value
    for name, raw in request.items():
        if name not in _SEARCH_KEYS:
            value = _value(ctx, raw)
            if value is not None:
                found[name] = value
    if not found:
        return "no search identifier has a value (ProfileRequestData needs at least one)"
    return _too_long(found) or found


def run_get_profile(ctx: RunContext, action: Action) -> Outcome:
    request, fields = _request(action), _response_fields(action)
    if isinstance(request, str) or isinstance(fields, str):
        return error(note=request if isinstance(request, str) else str(fields))
    identifiers = _search_identifiers(ctx, request)
    if isinstance(identifiers, str):
        return error(note=identifiers)
    answer = _answer(ctx, action, ("MultipleFoundError", "NoneFoundError"), list(identifiers.values()),
                     {"action": action.type, "identifiers": identifiers,
                      "logical_operator": request.get("LogicalOperator")})
    searched = ", ".join(f"{k}={v}" for k, v in identifiers.items())
    if answer.error:
        return error(answer.error, f"searched {searched}")
    # A new profile replaces what an earlier Get or Create loaded.
    customer: dict[str, Any] = {}
    ctx.contact.data["Customer"] = customer
    profile_id = str(_get_path(answer.data, "ProfileId") or _fake_id(ctx, action))
    customer["ProfileId"] = profile_id
    customer["ProfileARN"] = str(_get_path(answer.data, "ProfileARN") or _profile_arn(ctx, profile_id))
    loaded = _load(customer, answer.data, fields, {})
    skipped = _not_loaded(answer.data, fields, ("ProfileId", "ProfileARN"))
    return success(_note(f"found profile {profile_id} ({searched})", loaded, skipped))


# --- Create / update profile -------------------------------------------------------------------


def run_create_profile(ctx: RunContext, action: Action) -> Outcome:
    request, fields = _request(action), _response_fields(action)
    if isinstance(request, str) or isinstance(fields, str):
        return error(note=request if isinstance(request, str) else str(fields))
    sent = _profile_fields(ctx, request)
    if isinstance(sent, str):
        return error(note=sent)
    answer = _answer(ctx, action, (), (), {"action": action.type, "fields": sent})
    if answer.error:
        return error(answer.error, "Customer Profiles did not create the profile")
    customer: dict[str, Any] = {}
    ctx.contact.data["Customer"] = customer
    profile_id = str(_get_path(answer.data, "ProfileId") or _fake_id(ctx, action))
    customer["ProfileId"] = profile_id
    customer["ProfileARN"] = str(_get_path(answer.data, "ProfileARN") or _profile_arn(ctx, profile_id))
    # The new profile holds what was sent; the mock's data wins where it says otherwise.
    loaded = _load(customer, answer.data, fields, sent)
    return success(_note(f"created profile {profile_id}", loaded, []))


def run_update_profile(ctx: RunContext, action: Action) -> Outcome:
    request, fields = _request(action), _response_fields(action)
    if isinstance(request, str) or isinstance(fields, str):
        return error(note=request if isinstance(request, str) else str(fields))
    profile_id = _value(ctx, request.get("ProfileId")) or _value(ctx, "$.Customer.ProfileId")
    if profile_id is None:
        return error(note="no profile to update: ProfileRequestData has no ProfileId and $.Customer.ProfileId is unset")
    sent = _profile_fields(ctx, request, skip=("ProfileId",))
    if isinstance(sent, str):
        return error(note=sent)
    answer = _answer(ctx, action, (), (profile_id,), {"action": action.type, "profile_id": profile_id, "fields": sent})
    if answer.error:
        return error(answer.error, f"profile {profile_id} was not updated")
    customer = _customer(ctx)
    customer["ProfileId"] = profile_id
    customer.setdefault("ProfileARN", _profile_arn(ctx, profile_id))
    loaded = _load(customer, answer.data, fields, sent)
    return success(_note(f"updated profile {profile_id} ({', '.join(sent) or 'no fields'})", loaded, []))


# --- Associate contact -------------------------------------------------------------------------


def run_associate_contact(ctx: RunContext, action: Action) -> Outcome:
    request = _request(action)
    if isinstance(request, str):
        return error(note=request)
    profile_id = _value(ctx, request.get("ProfileId"))
    contact_id = _value(ctx, request.get("ContactId"))
    if profile_id is None or contact_id is None:
        return error(note="ProfileRequestData needs a ProfileId and a ContactId with values")
    answer = _answer(ctx, action, (), (profile_id,),
                     {"action": action.type, "profile_id": profile_id, "contact_id": contact_id})
    if answer.error:
        return error(answer.error, f"contact {contact_id} was not associated with profile {profile_id}")
    return success(f"contact {contact_id} associated with profile {profile_id}")


# --- Profile object / calculated attributes / segment ------------------------------------------


def _profile_id(ctx: RunContext, request: Mapping[str, Any]) -> str | None:
    return _value(ctx, request.get("ProfileId"))


def run_get_profile_object(ctx: RunContext, action: Action) -> Outcome:
    request, fields = _request(action), _response_fields(action)
    if isinstance(request, str) or isinstance(fields, str):
        return error(note=request if isinstance(request, str) else str(fields))
    profile_id = _profile_id(ctx, request)
    object_type = _value(ctx, request.get("ObjectType"))
    if profile_id is None or object_type is None:
        return error(note="ProfileRequestData needs a ProfileId and an ObjectType with values")
    if object_type not in OBJECT_TYPES:
        return error(note=f"ObjectType {object_type!r} is not one of {', '.join(OBJECT_TYPES)}")
    # The reference page spells the key "UseLatset"; exports may carry either spelling.
    latest = str(request.get("UseLatest", request.get("UseLatset", ""))).strip().lower() == "true"
    name = _value(ctx, request.get("IdentifierName"))
    value = _value(ctx, request.get("IdentifierValue"))
    if not latest and not (name and value):
        return error(note="ProfileRequestData needs UseLatest true, or an IdentifierName and IdentifierValue")
    answer = _answer(ctx, action, ("NoneFoundError",), (profile_id,),
                     {"action": action.type, "profile_id": profile_id, "object_type": object_type,
                      "use_latest": latest, "identifier": {name: value} if name and value else {}})
    if answer.error:
        return error(answer.error, f"no {object_type} object of profile {profile_id}")
    namespace, id_field = OBJECT_TYPES[object_type]
    # Response fields carry the namespace as a prefix: AssetStatus → $.Customer.Asset.Status.
    wanted = [f[len(namespace):] for f in fields if f.startswith(namespace) and len(f) > len(namespace)]
    target: dict[str, Any] = {}
    target[id_field] = str(_get_path(answer.data, id_field) or _fake_id(ctx, action))
    loaded = _load(target, answer.data, wanted, {})
    _customer(ctx)[namespace] = target
    skipped = _not_loaded(answer.data, wanted, (id_field,))
    return success(_note(f"{object_type} object {target[id_field]} of profile {profile_id}",
                         [f"{namespace}.{n}" for n in loaded], skipped))


def run_get_calculated_attributes(ctx: RunContext, action: Action) -> Outcome:
    request, fields = _request(action), _response_fields(action)
    if isinstance(request, str) or isinstance(fields, str):
        return error(note=request if isinstance(request, str) else str(fields))
    profile_id = _profile_id(ctx, request)
    if profile_id is None:
        return error(note="ProfileRequestData needs a ProfileId with a value")
    prefix = "CalculatedAttributes."
    names = [f[len(prefix):] for f in fields if f.startswith(prefix)]
    answer = _answer(ctx, action, ("NoneFoundError",), (profile_id,),
                     {"action": action.type, "profile_id": profile_id, "names": names})
    if answer.error:
        return error(answer.error, f"no calculated attributes for profile {profile_id}")
    customer = _customer(ctx)
    calculated = customer.get("CalculatedAttributes")
    if not isinstance(calculated, dict):
        calculated = customer["CalculatedAttributes"] = {}
    loaded = _load(calculated, answer.data, names, {})
    skipped = [k for k in answer.data if k not in names]
    return success(_note(f"calculated attributes of profile {profile_id}",
                         [prefix + n for n in loaded], skipped))


def run_check_segment(ctx: RunContext, action: Action) -> Outcome:
    request = _request(action)
    if isinstance(request, str):
        return error(note=request)
    profile_id = _profile_id(ctx, request)
    segment = _value(ctx, request.get("SegmentName"))
    if profile_id is None or segment is None:
        return error(note="ProfileRequestData needs a ProfileId and a SegmentName with values")
    answer = _answer(ctx, action, (), (profile_id, segment),
                     {"action": action.type, "profile_id": profile_id, "segment": segment}, takes_result=True)
    if answer.error:
        return error(answer.error, f"segment {segment} could not be checked")
    member = (answer.result or "").strip().lower()
    if member not in ("true", "false"):
        raise MockError(f"mocks.{KIND} answer for {action.identifier!r} (CheckSegmentMembershipForCustomerProfile) "
                        f"needs result True or False, not {answer.result!r}")
    value = "True" if member == "true" else "False"
    verb = "is" if value == "True" else "is not"
    return result(value, f"profile {profile_id} {verb} in segment {segment}")


def _spec(action_type: str, run: Any, branches: tuple[str, ...], model: str) -> BlockSpec:
    return BlockSpec(
        action_type=action_type,
        run=run,
        console_name="Customer profiles",
        branches=branches,
        model=model,
        mocks=f"mocks.{KIND} by block (or the profile Id / search value): data, error",
        family=FAMILY,
    )


SPECS = (
    _spec("GetCustomerProfile", run_get_profile, ("Success", "MultipleFoundError", "NoneFoundError", "NoMatchingError"),
          "Searches by up to five identifiers (Error when none has a value); the mock's data is the profile "
          "found: $.Customer is replaced by ProfileId, ProfileARN and the fields ProfileResponseData lists. "
          "error: MultipleFoundError / NoneFoundError / true."),
    _spec("CreateCustomerProfile", run_create_profile, ("Success", "NoMatchingError"),
          "Creates a profile from ProfileRequestData (Error for a field Customer Profiles does not have or a "
          "value over 255 characters); $.Customer gets the new ProfileId (from the mock, else a generated "
          "one), ProfileARN and the listed response fields (the mock's data, else the values sent)."),
    _spec("UpdateCustomerProfile", run_update_profile, ("Success", "NoMatchingError"),
          "Updates the profile named by ProfileRequestData.ProfileId, else $.Customer.ProfileId (Error "
          "without either); the listed response fields are merged into $.Customer."),
    _spec("AssociateContactToCustomerProfile", run_associate_contact, ("Success", "NoMatchingError"),
          "Associates ContactId with ProfileId (both required); the mock decides Success or Error; writes nothing."),
    _spec("GetCustomerProfileObject", run_get_profile_object, ("Success", "NoneFoundError", "NoMatchingError"),
          "Gets the latest (UseLatest) or searched _asset/_order/_case object of ProfileId; the mock's data is "
          "the object: $.Customer.Asset|Order|Case gets its Id and the listed fields (AssetStatus → "
          "$.Customer.Asset.Status)."),
    _spec("GetCalculatedAttributesForCustomerProfile", run_get_calculated_attributes,
          ("Success", "NoneFoundError", "NoMatchingError"),
          "Gets the calculated attributes listed as CalculatedAttributes.<name> for ProfileId from the "
          "mock's data (name → value) into $.Customer.CalculatedAttributes."),
    _spec("CheckSegmentMembershipForCustomerProfile", run_check_segment, ("True", "False", "NoMatchingError"),
          "Checks whether ProfileId is in SegmentName: the mock's result True or False is tested against "
          "the Conditions; writes nothing."),
)
