"""Customer profiles block (GetCustomerProfile, CreateCustomerProfile, UpdateCustomerProfile,
AssociateContactToCustomerProfile, GetCustomerProfileObject, GetCalculatedAttributesForCustomerProfile,
CheckSegmentMembershipForCustomerProfile) answered by mocks.profiles.

FLOW-LANGUAGE.md 5.27 and section 6; the Admin Guide page "Flow block: Customer profiles" and the
Flow language reference pages of each action. The block is allowed on every channel and in every
flow type, so there is no refused flow type to test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
              "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER")
PROFILE = {"ProfileId": "a1b2c3d4e5f60718293a4b5c6d7e8f90", "FirstName": "Ann", "LastName": "Lee",
           "EmailAddress": "ann@example.com", "Attributes": {"tier": "gold", "since": "2019"}}
READBACK = {"id": "$.Customer.ProfileId", "arn": "$.Customer.ProfileARN", "first": "$.Customer.FirstName",
            "last": "$.Customer.LastName", "email": "$.Customer.EmailAddress", "tier": "$.Customer.Attributes.tier",
            "since": "$.Customer.Attributes.since"}
PROFILE_ARN = ("arn:aws:profile:us-east-1:123456789012:domains/amazon-connect-00000000-0000-4000-8000-00000000cafe/"
               "profiles/a1b2c3d4e5f60718293a4b5c6d7e8f90")


def profiles_block(
    flows: FlowFactory,
    action_type: str,
    request: dict[str, Any] | None,
    response: list[str] | None = None,
    identifier: str = "Profile",
    next_action: str = "Save",
    errors: dict[str, str] | None = None,
) -> ActionDict:
    params: dict[str, Any] = {}
    if request is not None:
        params["ProfileRequestData"] = request
    if response is not None:
        params["ProfileResponseData"] = response
    return flows.action(identifier, action_type, params, next_action=next_action,
                        errors=errors if errors is not None else {"NoMatchingError": "Failed"})


def get_profile(flows: FlowFactory, request: dict[str, Any] | None = None,
                response: list[str] | None = None, **kwargs: Any) -> ActionDict:
    return profiles_block(
        flows, "GetCustomerProfile",
        request if request is not None else {"IdentifierName": "_phone",
                                             "IdentifierValue": "$.CustomerEndpoint.Address"},
        response if response is not None else ["FirstName", "LastName", "Attributes.tier"],
        errors={"NoMatchingError": "Failed", "MultipleFoundError": "Several", "NoneFoundError": "None found"},
        **kwargs,
    )


def save(flows: FlowFactory, identifier: str = "Save", readback: dict[str, str] | None = None) -> ActionDict:
    return flows.set_attributes(identifier, readback or READBACK, "Saved")


# --- GetCustomerProfile ---------------------------------------------------------------------------


def test_get_profile_loads_only_the_response_fields(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    result = flows.run("Inbound", mocks={"profiles": {"Profile": {"data": PROFILE}}})

    assert result.branch("Profile") == "Success"
    assert result.path == ["Profile", "Save", "Saved"]
    # EmailAddress and Attributes.since came back but ProfileResponseData does not list them.
    assert result.attributes == {"id": PROFILE["ProfileId"], "arn": PROFILE_ARN, "first": "Ann", "last": "Lee",
                                 "email": "", "tier": "gold", "since": ""}
    assert flows.note(result, "Profile") == (
        f"found profile {PROFILE['ProfileId']} (_phone=+15555550100); loaded FirstName, LastName, "
        "Attributes.tier; not in ProfileResponseData: EmailAddress"
    )


def test_a_profile_without_an_id_in_the_mock_gets_a_repeatable_one(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    sim = flows.simulator()
    first = sim.run("Inbound", mocks={"profiles": {"Profile": {"data": {"FirstName": "Ann"}}}})
    second = sim.run("Inbound", mocks={"profiles": {"Profile": {}}})

    profile_id = first.attributes["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", profile_id)
    assert first.attributes["arn"].endswith(f"/profiles/{profile_id}")
    assert second.attributes["id"] == profile_id
    assert first.attributes["first"] == "Ann"
    assert second.attributes["first"] == ""


@pytest.mark.parametrize(
    ("request_data", "resources", "searched"),
    [
        ({"IdentifierName": "_email", "IdentifierValue": "$.Attributes.email"}, "ann@example.com",
         "_email=ann@example.com"),
        ({"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "$.CustomerEndpoint.Address"},
                             {"IdentifierName": "_account", "IdentifierValue": "$.Attributes.account"}],
          "LogicalOperator": "AND"}, "A-42", "_phone=+15555550100, _account=A-42"),
        ({"PhoneNumber": "$.Attributes.phone"}, "+15555550123", "PhoneNumber=+15555550123"),
    ],
    ids=["identifier", "search-criteria", "older-export-field"],
)
def test_get_profile_searches_by_dynamic_identifiers(
    flows: FlowFactory, request_data: dict[str, Any], resources: str, searched: str
) -> None:
    flows.make("Inbound", [get_profile(flows, request_data), save(flows)])
    attributes = {"email": "ann@example.com", "account": "A-42", "phone": "+15555550123"}
    # Keyed by the search value, as a test can when it does not care which block asks.
    result = flows.run("Inbound", attributes=attributes, mocks={"profiles": {resources: {"data": PROFILE}}})

    assert result.branch("Profile") == "Success"
    assert flows.note(result, "Profile").startswith(f"found profile {PROFILE['ProfileId']} ({searched})")


@pytest.mark.parametrize(
    ("request_data", "note"),
    [
        ({"IdentifierName": "_phone", "IdentifierValue": "$.Attributes.phone"},
         "no search identifier has a value (ProfileRequestData needs at least one)"),
        ({}, "no search identifier has a value (ProfileRequestData needs at least one)"),
        ({"SearchCriteria": [{"IdentifierName": "_phone", "IdentifierValue": "1"},
                             {"IdentifierName": "_email", "IdentifierValue": "a@b.c"}]},
         "SearchCriteria with several identifiers needs LogicalOperator AND or OR"),
        ({"SearchCriteria": [{"IdentifierName": f"k{i}", "IdentifierValue": "v"} for i in range(6)],
          "LogicalOperator": "OR"}, "SearchCriteria has 6 identifiers; at most 5 are allowed"),
        ({"SearchCriteria": "_phone"}, "SearchCriteria must be a list, not '_phone'"),
        ({"IdentifierName": "_account", "IdentifierValue": "x" * 256},
         "the value of _account has 256 characters; Customer Profiles takes at most 255"),
        ("_phone", "ProfileRequestData must be a map, not '_phone'"),
    ],
    ids=["unset-value", "empty", "no-operator", "six-identifiers", "criteria-not-a-list", "too-long", "not-a-map"],
)
def test_get_profile_with_a_bad_request_takes_error_without_a_mock(
    flows: FlowFactory, request_data: Any, note: str
) -> None:
    flows.make("Inbound", [get_profile(flows, request_data), save(flows)])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert result.path == ["Profile", "Failed"]
    assert flows.note(result, "Profile") == note


def test_a_malformed_response_list_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_profile(flows, response="FirstName"), save(flows)])  # type: ignore[arg-type]
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == "ProfileResponseData must be a list of field names, not 'FirstName'"


@pytest.mark.parametrize(
    ("error", "branch", "target"),
    [("MultipleFoundError", "MultipleFoundError", "Several"), ("NoneFoundError", "NoneFoundError", "None found"),
     (True, "NoMatchingError", "Failed")],
    ids=["multiple", "none", "error"],
)
def test_get_profile_errors_come_from_the_mock(flows: FlowFactory, error: Any, branch: str, target: str) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    result = flows.run("Inbound", mocks={"profiles": {"Profile": {"error": error}}})

    assert result.branch("Profile") == branch
    assert result.path == ["Profile", target]
    assert flows.note(result, "Profile") == "searched _phone=+15555550100"
    assert "Customer" not in result.contact.data


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"error": "NoneFound"}, "error 'NoneFound' is not an error of GetCustomerProfile (did you mean "
                                 "NoneFoundError?); it can take: true (NoMatchingError), MultipleFoundError, "
                                 "NoneFoundError"),
        ("gold", "GetCustomerProfile produces no result to branch on; give the profile under 'data'"),
        ({"data": "Ann"}, "'data' must be a map"),
    ],
    ids=["cases-spelling", "result", "data-not-a-map"],
)
def test_a_malformed_answer_fails_the_test(flows: FlowFactory, answer: Any, message: str) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Inbound", mocks={"profiles": {"Profile": answer}})


def test_a_missing_mock_fails_naming_the_block(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", mocks={"profiles": {"Other": {}}})

    message = str(info.value)
    assert "block 'Profile' (GetCustomerProfile) of flow 'Inbound'" in message
    assert "needs a Customer Profiles block answer, which has no mock" in message
    assert "add mocks.profiles keyed by one of: Profile, +15555550100 (mocked: Other)" in message


def test_a_list_answers_one_run_each(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        get_profile(flows, next_action="Save"),
        profiles_block(flows, "CreateCustomerProfile", {"PhoneNumber": "$.CustomerEndpoint.Address"}, [],
                       identifier="None found", next_action="Profile"),
        save(flows),
    ])
    result = flows.run("Inbound", mocks={"profiles": {
        "Profile": [{"error": "NoneFoundError"}, {"data": PROFILE}], "None found": {"data": {"ProfileId": "new-1"}},
    }})

    assert result.branches("Profile") == ["NoneFoundError", "Success"]
    assert result.path == ["Profile", "None found", "Profile", "Save", "Saved"]
    assert result.attributes["id"] == PROFILE["ProfileId"]


def test_a_later_get_replaces_the_profile(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        get_profile(flows, identifier="First", next_action="Profile", response=["FirstName", "EmailAddress"]),
        get_profile(flows, response=["FirstName"]),
        save(flows),
    ])
    result = flows.run("Inbound", mocks={"profiles": {
        "First": {"data": PROFILE}, "Profile": {"data": {"ProfileId": "p-2", "FirstName": "Bo"}},
    }})

    assert result.attributes["id"] == "p-2"
    assert result.attributes["first"] == "Bo"
    assert result.attributes["email"] == ""  # the first profile's fields are gone


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_gets_the_profile(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    result = flows.run("Inbound", channel=channel, mocks={"profiles": {"Profile": {"data": PROFILE}}})

    assert result.branch("Profile") == "Success"
    assert result.attributes["first"] == "Ann"


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_every_flow_type_gets_the_profile(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [get_profile(flows), save(flows)], flow_type=flow_type)
    result = flows.run("Flow", mocks={"profiles": {"Profile": {"data": PROFILE}}})

    assert result.branch("Profile") == "Success"


def test_a_callable_gets_the_search(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_profile(flows), save(flows)])
    seen: list[dict[str, Any]] = []

    def search(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"data": PROFILE}

    result = flows.run("Inbound", mocks={"profiles": {"Profile": search}})

    assert seen == [{"action": "GetCustomerProfile", "identifiers": {"_phone": "+15555550100"},
                     "logical_operator": None}]
    assert result.attributes["first"] == "Ann"


# --- CreateCustomerProfile / UpdateCustomerProfile ------------------------------------------------


def test_create_profile_keeps_the_new_id_and_the_fields_sent(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        profiles_block(flows, "CreateCustomerProfile",
                       {"FirstName": "$.Attributes.first", "LastName": "Lee", "Attributes.tier": "silver",
                        "EmailAddress": "$.Attributes.unset"},
                       ["FirstName", "LastName", "Attributes.tier", "EmailAddress"]),
        save(flows),
    ])
    result = flows.run("Inbound", attributes={"first": "Ann"},
                       mocks={"profiles": {"Profile": {"data": {"ProfileId": "new-1", "LastName": "Lee-Smith"}}}})

    assert result.branch("Profile") == "Success"
    # The mock's data wins over what was sent; an unset value is not sent.
    assert result.attributes == {"id": "new-1", "arn": PROFILE_ARN.replace(PROFILE["ProfileId"], "new-1"),
                                 "first": "Ann", "last": "Lee-Smith", "email": "", "tier": "silver", "since": ""}
    assert flows.note(result, "Profile") == "created profile new-1; loaded FirstName, LastName, Attributes.tier"


def test_create_profile_sends_the_fields_to_a_callable(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "CreateCustomerProfile",
                                          {"HomePhoneNumber": "$.CustomerEndpoint.Address"}, [])])
    seen: list[dict[str, Any]] = []
    flows.run("Inbound", mocks={"profiles": {"Profile": lambda r: seen.append(r) or {}}})

    assert seen == [{"action": "CreateCustomerProfile", "fields": {"HomePhoneNumber": "+15555550100"}}]


@pytest.mark.parametrize(
    ("request_data", "note"),
    [
        ({"Nickname": "Annie"}, "'Nickname' is not a Customer Profiles field"),
        ({"FirstName": "A" * 300}, "the value of FirstName has 300 characters; Customer Profiles takes at most 255"),
    ],
    ids=["unknown-field", "too-long"],
)
def test_create_profile_with_a_bad_field_takes_error(flows: FlowFactory, request_data: dict[str, str],
                                                     note: str) -> None:
    flows.make("Inbound", [profiles_block(flows, "CreateCustomerProfile", request_data, [])])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == note


def test_create_profile_error_comes_from_the_mock(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "CreateCustomerProfile", {"FirstName": "Ann"}, [])])
    result = flows.run("Inbound", mocks={"profiles": {"Profile": {"error": True}}})

    assert result.branch("Profile") == "NoMatchingError"
    assert result.path == ["Profile", "Failed"]


def test_update_profile_updates_the_profile_found_earlier(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        get_profile(flows, identifier="Find", next_action="Profile", response=["FirstName", "LastName"]),
        profiles_block(flows, "UpdateCustomerProfile", {"LastName": "$.Attributes.last", "City": "Paris"},
                       ["LastName", "City"]),
        save(flows, readback={**READBACK, "city": "$.Customer.City"}),
    ])
    seen: list[dict[str, Any]] = []

    def update(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {}

    result = flows.run("Inbound", attributes={"last": "Lee-Smith"},
                       mocks={"profiles": {"Find": {"data": PROFILE}, "Profile": update}})

    assert seen == [{"action": "UpdateCustomerProfile", "profile_id": PROFILE["ProfileId"],
                     "fields": {"LastName": "Lee-Smith", "City": "Paris"}}]
    assert result.attributes["first"] == "Ann"
    assert result.attributes["last"] == "Lee-Smith"
    assert result.attributes["city"] == "Paris"
    assert result.attributes["arn"] == PROFILE_ARN
    assert flows.note(result, "Profile") == (f"updated profile {PROFILE['ProfileId']} (LastName, City); "
                                             "loaded LastName, City")


def test_update_profile_by_its_own_profile_id(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "UpdateCustomerProfile",
                                          {"ProfileId": "$.Attributes.profile", "FirstName": "Ann"}, ["FirstName"]),
                           save(flows)])
    result = flows.run("Inbound", attributes={"profile": "p-9"}, mocks={"profiles": {"p-9": {}}})

    assert result.branch("Profile") == "Success"
    assert result.attributes["id"] == "p-9"
    assert result.attributes["first"] == "Ann"


def test_update_profile_without_a_profile_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "UpdateCustomerProfile", {"FirstName": "Ann"}, ["FirstName"])])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == ("no profile to update: ProfileRequestData has no ProfileId and "
                                             "$.Customer.ProfileId is unset")


# --- AssociateContactToCustomerProfile ------------------------------------------------------------


@pytest.mark.parametrize(("answer", "branch"), [({}, "Success"), ({"error": True}, "NoMatchingError")],
                         ids=["associated", "error"])
def test_associate_contact_takes_the_mocks_outcome(flows: FlowFactory, answer: dict[str, Any], branch: str) -> None:
    flows.make("Inbound", [profiles_block(flows, "AssociateContactToCustomerProfile",
                                          {"ProfileId": "$.Attributes.profile", "ContactId": "$.ContactId"})])
    result = flows.run("Inbound", attributes={"profile": "p-9"}, mocks={"profiles": {"Profile": answer}})

    assert result.branch("Profile") == branch
    assert "Customer" not in result.contact.data


def test_associate_contact_needs_both_ids(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "AssociateContactToCustomerProfile", {"ProfileId": "p-9"})])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == "ProfileRequestData needs a ProfileId and a ContactId with values"


# --- GetCustomerProfileObject / GetCalculatedAttributesForCustomerProfile ---------------------------


def object_block(flows: FlowFactory, request: dict[str, Any], response: list[str]) -> ActionDict:
    return profiles_block(flows, "GetCustomerProfileObject", request, response,
                          errors={"NoMatchingError": "Failed", "NoneFoundError": "None found"})


def test_get_profile_object_loads_the_asset(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        object_block(flows, {"ProfileId": "$.Attributes.profile", "ObjectType": "_asset", "UseLatest": "true"},
                     ["AssetStatus", "AssetModelName", "AssetAttributes.colour"]),
        save(flows, readback={"asset": "$.Customer.Asset.AssetId", "status": "$.Customer.Asset.Status",
                              "model": "$.Customer.Asset.ModelName", "colour": "$.Customer.Asset.Attributes.colour",
                              "price": "$.Customer.Asset.Price"}),
    ])
    result = flows.run("Inbound", attributes={"profile": "p-9"}, mocks={"profiles": {"Profile": {"data": {
        "AssetId": "as-1", "Status": "Active", "ModelName": "X1", "Price": "99", "Attributes": {"colour": "red"},
    }}}})

    assert result.branch("Profile") == "Success"
    assert result.attributes == {"profile": "p-9", "asset": "as-1", "status": "Active", "model": "X1",
                                 "colour": "red", "price": ""}
    assert flows.note(result, "Profile") == ("_asset object as-1 of profile p-9; loaded Asset.Status, "
                                             "Asset.ModelName, Asset.Attributes.colour; "
                                             "not in ProfileResponseData: Price")


def test_get_profile_object_by_identifier_gets_an_order(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        object_block(flows, {"ProfileId": "p-9", "ObjectType": "_order", "IdentifierName": "_orderId",
                             "IdentifierValue": "$.Attributes.order"}, ["OrderStatus"]),
        save(flows, readback={"order": "$.Customer.Order.OrderId", "status": "$.Customer.Order.Status"}),
    ])
    result = flows.run("Inbound", attributes={"order": "o-7"},
                       mocks={"profiles": {"Profile": {"data": {"OrderId": "o-7", "Status": "Shipped"}}}})

    assert result.attributes == {"order": "o-7", "status": "Shipped"}


@pytest.mark.parametrize(
    ("request_data", "note"),
    [
        ({"ObjectType": "_asset", "UseLatest": "true"},
         "ProfileRequestData needs a ProfileId and an ObjectType with values"),
        ({"ProfileId": "p-9", "ObjectType": "_ticket", "UseLatest": "true"},
         "ObjectType '_ticket' is not one of _asset, _order, _case"),
        ({"ProfileId": "p-9", "ObjectType": "_asset"},
         "ProfileRequestData needs UseLatest true, or an IdentifierName and IdentifierValue"),
    ],
    ids=["no-profile", "unknown-type", "no-search"],
)
def test_get_profile_object_with_a_bad_request_takes_error(flows: FlowFactory, request_data: dict[str, str],
                                                           note: str) -> None:
    flows.make("Inbound", [object_block(flows, request_data, [])])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == note


def test_get_profile_object_none_found(flows: FlowFactory) -> None:
    flows.make("Inbound", [object_block(flows, {"ProfileId": "p-9", "ObjectType": "_case", "UseLatest": "true"}, [])])
    result = flows.run("Inbound", mocks={"profiles": {"p-9": {"error": "NoneFoundError"}}})

    assert result.branch("Profile") == "NoneFoundError"
    assert result.path == ["Profile", "None found"]


def test_calculated_attributes_are_loaded_by_name(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        get_profile(flows, identifier="Find", next_action="Profile"),
        profiles_block(flows, "GetCalculatedAttributesForCustomerProfile", {"ProfileId": "$.Customer.ProfileId"},
                       ["CalculatedAttributes._average_spend"],
                       errors={"NoMatchingError": "Failed", "NoneFoundError": "None found"}),
        save(flows, readback={"spend": "$.Customer.CalculatedAttributes._average_spend",
                              "first": "$.Customer.FirstName", "count": "$.Customer.CalculatedAttributes._count"}),
    ])
    result = flows.run("Inbound", mocks={"profiles": {
        "Find": {"data": PROFILE}, "Profile": {"data": {"_average_spend": 42.5, "_count": "3"}},
    }})

    assert result.branch("Profile") == "Success"
    # Merged into the profile found earlier; only the listed attribute is kept.
    assert result.attributes == {"spend": "42.5", "first": "Ann", "count": ""}


@pytest.mark.parametrize(("answer", "branch"), [({"error": "NoneFoundError"}, "NoneFoundError"),
                                                ({"error": True}, "NoMatchingError")], ids=["none", "error"])
def test_calculated_attributes_errors(flows: FlowFactory, answer: dict[str, Any], branch: str) -> None:
    flows.make("Inbound", [profiles_block(flows, "GetCalculatedAttributesForCustomerProfile", {"ProfileId": "p-9"},
                                          ["CalculatedAttributes._x"],
                                          errors={"NoMatchingError": "Failed", "NoneFoundError": "None found"})])
    result = flows.run("Inbound", mocks={"profiles": {"Profile": answer}})

    assert result.branch("Profile") == branch


def test_calculated_attributes_need_a_profile(flows: FlowFactory) -> None:
    flows.make("Inbound", [profiles_block(flows, "GetCalculatedAttributesForCustomerProfile",
                                          {"ProfileId": "$.Customer.ProfileId"}, ["CalculatedAttributes._x"])])
    result = flows.run("Inbound")

    assert result.branch("Profile") == "NoMatchingError"
    assert flows.note(result, "Profile") == "ProfileRequestData needs a ProfileId with a value"


# --- CheckSegmentMembershipForCustomerProfile -----------------------------------------------------


def segment_block(flows: FlowFactory, request: dict[str, Any]) -> ActionDict:
    return flows.action("Segment", "CheckSegmentMembershipForCustomerProfile", {"ProfileRequestData": request},
                        conditions={"True": "Gold", "False": "Standard"}, errors={"NoMatchingError": "Failed"})


@pytest.mark.parametrize(
    ("answer", "branch", "target", "note"),
    [
        ("True", "True", "Gold", "profile p-9 is in segment gold-customers"),
        ({"result": "false"}, "False", "Standard", "profile p-9 is not in segment gold-customers"),
        ({"result": True}, "True", "Gold", "profile p-9 is in segment gold-customers"),
        ({"error": True}, "NoMatchingError", "Failed", "segment gold-customers could not be checked"),
    ],
    ids=["true", "false-text", "python-bool", "error"],
)
def test_segment_membership_branches_true_or_false(
    flows: FlowFactory, answer: Any, branch: str, target: str, note: str
) -> None:
    flows.make("Inbound", [segment_block(flows, {"ProfileId": "$.Attributes.profile",
                                                 "SegmentName": "gold-customers"})])
    result = flows.run("Inbound", attributes={"profile": "p-9"}, mocks={"profiles": {"gold-customers": answer}})

    assert result.branch("Segment") == branch
    assert result.path == ["Segment", target]
    assert flows.note(result, "Segment") == note


def test_segment_membership_needs_a_true_or_false_result(flows: FlowFactory) -> None:
    flows.make("Inbound", [segment_block(flows, {"ProfileId": "p-9", "SegmentName": "gold"})])
    with pytest.raises(MockError, match="needs result True or False, not 'maybe'"):
        flows.run("Inbound", mocks={"profiles": {"Segment": "maybe"}})


def test_segment_membership_needs_a_segment(flows: FlowFactory) -> None:
    flows.make("Inbound", [segment_block(flows, {"ProfileId": "p-9"})])
    result = flows.run("Inbound")

    assert result.branch("Segment") == "NoMatchingError"
    assert flows.note(result, "Segment") == "ProfileRequestData needs a ProfileId and a SegmentName with values"


# --- Modules and YAML -----------------------------------------------------------------------------


def test_a_module_does_not_see_the_callers_profile(flows: FlowFactory) -> None:
    flows.make("Lookup module", [flows.set_attributes("Read", {"inside": "$.Customer.FirstName"}, "Return"),
                                 flows.action("Return", "EndFlowModuleExecution")], module=True)
    flows.make("Inbound", [
        get_profile(flows, next_action="Call"),
        flows.action("Call", "InvokeFlowModule", {"FlowModuleId": flows.flow_arn("Lookup module", module=True)},
                     next_action="Save", errors={"NoMatchingError": "Failed"}),
        save(flows, readback={"after": "$.Customer.FirstName"}),
    ])
    result = flows.run("Inbound", mocks={"profiles": {"Profile": {"data": PROFILE}}})

    assert result.attributes == {"inside": "", "after": "Ann"}


def test_a_yaml_scenario_mocks_profiles(pytester: pytest.Pytester, flows: FlowFactory) -> None:
    path = flows.make("Profile IVR", [get_profile(flows, next_action="Segment"),
                                      segment_block(flows, {"ProfileId": "$.Customer.ProfileId", "SegmentName": "vip"}),
                                      save(flows, "Gold")])
    folder = pytester.mkdir("flows")
    (folder / "ivr.json").write_text(Path(path).read_text())
    pytester.makefile(".connectflow.yaml", test_profiles="""
flows: flows
scenarios:
  - name: a gold customer
    flow: Profile IVR
    mocks:
      profiles:
        Profile: {data: {ProfileId: "0042", FirstName: Ann, Attributes: {tier: 007}}}
        Segment: True
    expect:
      branches: {Profile: Success, Segment: "True"}
      attributes: {id: "0042", first: Ann, tier: "007"}
  - name: nobody found
    flow: Profile IVR
    mocks:
      profiles:
        Profile: {error: NoneFoundError}
    expect:
      branches: {Profile: NoneFoundError}
      path: [Profile, None found]
""")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# --- Real flows from the corpus -------------------------------------------------------------------

AGENT_HOLD_CATALOGUE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"


def started_at(flows: FlowFactory, name: str, block: str) -> Path:
    """A copy of a corpus catalogue export (empty StartAction) that starts at `block`."""
    document = json.loads(flows.corpus_path(name).read_text(encoding="utf-8"))
    document["StartAction"] = block
    path = flows.root / f"{name}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("block", "mock", "branch", "note"),
    [
        ("customer-profiles-associate-contact-to-profile", {}, "Success",
         "contact contactid123 associated with profile profile123"),
        ("customer-profiles-get-customer-profile", {"error": "NoneFoundError"}, "NoneFoundError",
         "no _asset object of profile profileid123"),
        ("customer-profiles-get-calculated-attributes", {"data": {"_assets_price_average": "12.5"}}, "Success",
         "calculated attributes of profile profileid123; loaded CalculatedAttributes._assets_price_average"),
        ("customer-profiles-check-segment-membership", {"result": "False"}, "False",
         "profile 12312312312312312312312312312312 is not in segment segment123"),
    ],
    ids=["associate", "object", "calculated", "segment"],
)
def test_corpus_agent_hold_catalogue_blocks_run_under_mocks(
    flows: FlowFactory, block: str, mock: dict[str, Any], branch: str, note: str
) -> None:
    # Every block of this catalogue export is unconnected: each run ends on its empty branch.
    started_at(flows, AGENT_HOLD_CATALOGUE, block)
    result = flows.run("agent_hold", mocks={"profiles": {block: mock}})

    assert result.branch(block) == branch
    assert flows.note(result, block) == note
    assert result.ended == "error"
    assert "an unconnected branch" in result.reason or "'$end'" in result.reason
