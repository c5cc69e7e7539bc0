"""Cases block (CreateCase, GetCase, UpdateCase) answered by mocks.cases.

FLOW-LANGUAGE.md 5.27 and section 6; the Flow language reference pages "CreateCase", "GetCase",
"UpdateCase" and the Admin Guide page "Flow block: Cases". The block is allowed on every channel
and in every flow type, so there is no refused flow type to test.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
FLOW_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
              "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER")
TEMPLATE = "9cdd12c6-4a2a-48de-8302-c31e77ea117a"
CASE = {"case_id": "c0ffee00-0000-4000-8000-000000000001", "title": "Broken phone", "status": "open",
        "summary": "Screen cracked", "reference_number": "10042"}
READBACK = {"id": "$.Case.case_id", "title": "$.Case.title", "status": "$.Case.status",
            "summary": "$.Case.summary"}


def case_block(
    flows: FlowFactory, action_type: str, parameters: dict[str, Any], identifier: str = "Case",
    next_action: str = "Save", errors: dict[str, str] | None = None,
) -> ActionDict:
    return flows.action(identifier, action_type, parameters, next_action=next_action, errors=errors or {
        "ContactNotLinked": "Not linked", "MultipleFound": "Several", "NoneFound": "None found",
        "NoMatchingError": "Failed",
    })


def create_case(flows: FlowFactory, identifier: str = "Case", next_action: str = "Save",
                errors: dict[str, str] | None = None, **parameters: Any) -> ActionDict:
    return case_block(flows, "CreateCase", {
        "LinkContactToCase": "true", "CaseTemplateId": TEMPLATE,
        "CaseRequestFields": {"customer_id": "$.Attributes.customer", "status": "open",
                              "title": "Case for $.CustomerEndpoint.Address", "summary": "$.Attributes.unset"},
        **parameters,
    }, identifier, next_action, errors)


def get_case(flows: FlowFactory, identifier: str = "Case", next_action: str = "Save",
             errors: dict[str, str] | None = None, **parameters: Any) -> ActionDict:
    return case_block(flows, "GetCase", {
        "LinkContactToCase": "false", "GetLastUpdatedCase": "false",
        "CaseRequestFields": {"customer_id": "$.Attributes.customer", "status": "open"},
        "CaseResponseFields": ["title", "status"],
        **parameters,
    }, identifier, next_action, errors)


def save(flows: FlowFactory) -> ActionDict:
    return flows.set_attributes("Save", READBACK, "Saved")


# --- CreateCase -----------------------------------------------------------------------------------


def test_create_case_sends_the_fields_with_a_value_and_keeps_the_case(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_case(flows), save(flows)])
    seen: list[dict[str, Any]] = []

    def create(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"data": {"case_id": CASE["case_id"], "title": "Case for +15555550100"}}

    result = flows.run("Inbound", attributes={"customer": "arn:aws:profile:p-1"}, mocks={"cases": {"Case": create}})

    assert seen == [{"action": "CreateCase", "template": TEMPLATE, "link": True, "fields": {
        "customer_id": "arn:aws:profile:p-1", "status": "open", "title": "Case for +15555550100"}}]
    assert result.branch("Case") == "Success"
    assert result.path == ["Case", "Save", "Saved"]
    assert result.attributes == {"customer": "arn:aws:profile:p-1", "id": CASE["case_id"],
                                 "title": "Case for +15555550100", "status": "", "summary": ""}
    assert flows.note(result, "Case") == (f"created case {CASE['case_id']} from template {TEMPLATE}; "
                                          "not sent (unset): summary")


def test_a_case_without_an_id_in_the_mock_gets_a_repeatable_uuid(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_case(flows), save(flows)])
    sim = flows.simulator()
    first = sim.run("Inbound", mocks={"cases": {"Case": {}}})
    second = sim.run("Inbound", mocks={"cases": {TEMPLATE: {}}})  # by the template Id

    assert uuid.UUID(first.attributes["id"])
    assert second.attributes["id"] == first.attributes["id"]


@pytest.mark.parametrize(
    ("parameters", "note"),
    [
        ({"CaseTemplateId": "$.Attributes.template"}, "CaseTemplateId '$.Attributes.template' is missing or unset"),
        ({"CaseTemplateId": ""}, "CaseTemplateId '' is missing or unset"),
        ({"CaseRequestFields": ["title"]}, "CaseRequestFields must be a map of case field → value, not ['title']"),
    ],
    ids=["unset-template", "empty-template", "fields-not-a-map"],
)
def test_create_case_with_a_bad_parameter_takes_error_without_a_mock(
    flows: FlowFactory, parameters: dict[str, Any], note: str
) -> None:
    flows.make("Inbound", [create_case(flows, **parameters), save(flows)])
    result = flows.run("Inbound")

    assert result.branch("Case") == "NoMatchingError"
    assert result.path == ["Case", "Failed"]
    assert flows.note(result, "Case") == note


def test_contact_not_linked_still_keeps_the_case(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_case(flows), flows.set_attributes("Not linked", READBACK, "Saved")])
    result = flows.run("Inbound", mocks={"cases": {"Case": {"error": "ContactNotLinked", "data": CASE}}})

    assert result.branch("Case") == "ContactNotLinked"
    assert result.path == ["Case", "Not linked", "Saved"]
    assert result.attributes["id"] == CASE["case_id"]
    assert flows.note(result, "Case").endswith("; the contact was not linked")


def test_contact_not_linked_needs_the_block_to_link(flows: FlowFactory) -> None:
    flows.make("Inbound", [create_case(flows, LinkContactToCase="false")])
    with pytest.raises(MockError, match="ContactNotLinked happens only when the block links the contact"):
        flows.run("Inbound", mocks={"cases": {"Case": {"error": "ContactNotLinked"}}})


def test_create_case_error_leaves_the_case_namespace_alone(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows, identifier="Find", next_action="Case"), create_case(flows)])
    result = flows.run("Inbound", attributes={"customer": "c-1"},
                       mocks={"cases": {"Find": {"data": CASE}, "Case": {"error": True}}})

    assert result.branch("Case") == "NoMatchingError"
    assert result.contact.data["Case"] == {"case_id": CASE["case_id"], "title": "Broken phone", "status": "open"}


# --- GetCase ------------------------------------------------------------------------------------


def test_get_case_keeps_the_id_and_the_response_fields(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows), save(flows)])
    result = flows.run("Inbound", attributes={"customer": "c-1"}, mocks={"cases": {"Case": {"data": CASE}}})

    assert result.branch("Case") == "Success"
    assert result.attributes == {"customer": "c-1", "id": CASE["case_id"], "title": "Broken phone",
                                 "status": "open", "summary": ""}
    assert flows.note(result, "Case") == (f"found case {CASE['case_id']} (customer_id=c-1, status=open); "
                                          "not in CaseResponseFields: summary, reference_number")


def test_get_case_always_keeps_a_case_id(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows, CaseResponseFields=[]), save(flows)])
    result = flows.run("Inbound", attributes={"customer": "c-1"}, mocks={"cases": {"c-1": {"data": {"title": "x"}}}})

    assert uuid.UUID(result.attributes["id"])
    assert result.attributes["title"] == ""


def test_get_case_by_customer_id(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows, CaseRequestFields={}, CustomerId="$.Attributes.customer"), save(flows)])
    seen: list[dict[str, Any]] = []
    flows.run("Inbound", attributes={"customer": "c-7"},
              mocks={"cases": {"Case": lambda request: seen.append(request) or {"data": CASE}}})

    assert seen[0]["criteria"] == {"customer_id": "c-7"}


@pytest.mark.parametrize(
    ("error", "branch", "target"),
    [("MultipleFound", "MultipleFound", "Several"), ("NoneFound", "NoneFound", "None found"),
     (True, "NoMatchingError", "Failed")],
    ids=["multiple", "none", "error"],
)
def test_get_case_errors_come_from_the_mock(flows: FlowFactory, error: Any, branch: str, target: str) -> None:
    flows.make("Inbound", [get_case(flows), save(flows)])
    result = flows.run("Inbound", attributes={"customer": "c-1"}, mocks={"cases": {"Case": {"error": error}}})

    assert result.branch("Case") == branch
    assert result.path == ["Case", target]
    assert "Case" not in result.contact.data


def test_get_case_without_a_search_criterion_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows, CaseRequestFields={"case_id": "$.Attributes.case"})])
    result = flows.run("Inbound")

    assert result.branch("Case") == "NoMatchingError"
    assert flows.note(result, "Case") == ("Get case needs at least one search criterion with a value; "
                                          "not sent (unset): case_id")


def test_get_case_with_a_bad_response_list_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows, CaseResponseFields="title")])
    result = flows.run("Inbound", attributes={"customer": "c-1"})

    assert result.branch("Case") == "NoMatchingError"
    assert flows.note(result, "Case") == "CaseResponseFields must be a list of case field names, not 'title'"


@pytest.mark.parametrize(
    ("parameters", "answer", "message"),
    [
        ({}, {"error": "NoneFoundError"},
         "error 'NoneFoundError' is not an error of GetCase (Cases spells it NoneFound)"),
        ({"GetLastUpdatedCase": "true"}, {"error": "MultipleFound"},
         "MultipleFound cannot happen with GetLastUpdatedCase true"),
        ({}, "open", "GetCase produces no result to branch on"),
    ],
    ids=["profiles-spelling", "multiple-with-last-updated", "result"],
)
def test_a_malformed_answer_fails_the_test(
    flows: FlowFactory, parameters: dict[str, Any], answer: Any, message: str
) -> None:
    flows.make("Inbound", [get_case(flows, **parameters)])
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Inbound", attributes={"customer": "c-1"}, mocks={"cases": {"Case": answer}})


def test_a_missing_mock_fails_naming_the_block(flows: FlowFactory) -> None:
    flows.make("Inbound", [get_case(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound", attributes={"customer": "c-1"})

    message = str(info.value)
    assert "block 'Case' (GetCase) of flow 'Inbound'" in message
    assert "needs a Cases block answer, which has no mock" in message
    assert "add mocks.cases keyed by one of: Case, c-1, open (mocked: none)" in message


def test_a_list_answers_one_run_each(flows: FlowFactory) -> None:
    flows.make("Again", [flows.action("Loop", "Loop", {"LoopCount": "2"},
                                      conditions={"ContinueLooping": "Case", "DoneLooping": "Done"}),
                         get_case(flows, next_action="Loop", errors={"NoneFound": "Loop"})])
    result = flows.run("Again", attributes={"customer": "c-1"},
                       mocks={"cases": {"Again/Case": [{"data": CASE}, {"error": "NoneFound"}]}})

    assert result.branches("Case") == ["Success", "NoneFound"]


# --- UpdateCase ---------------------------------------------------------------------------------


def test_update_case_updates_without_touching_the_namespace(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        get_case(flows, identifier="Find", next_action="Case"),
        case_block(flows, "UpdateCase", {"LinkContactToCase": "true", "CaseId": "$.Case.case_id",
                                         "CaseRequestFields": {"status": "closed", "case_reason": "$.Attributes.why"}}),
        save(flows),
    ])
    result = flows.run("Inbound", attributes={"customer": "c-1", "why": "abandoned"},
                       mocks={"cases": {"Find": {"data": CASE}, CASE["case_id"]: {}}})

    assert result.branch("Case") == "Success"
    assert flows.note(result, "Case") == f"updated case {CASE['case_id']}: status=closed, case_reason=abandoned"
    assert result.attributes["status"] == "open"  # Update case writes nothing back


@pytest.mark.parametrize(("answer", "branch"), [({"error": "ContactNotLinked"}, "ContactNotLinked"),
                                                ({"error": True}, "NoMatchingError")], ids=["not-linked", "error"])
def test_update_case_errors(flows: FlowFactory, answer: dict[str, Any], branch: str) -> None:
    flows.make("Inbound", [case_block(flows, "UpdateCase", {"LinkContactToCase": "true", "CaseId": "c-1"})])
    result = flows.run("Inbound", mocks={"cases": {"Case": answer}})

    assert result.branch("Case") == branch


def test_update_case_needs_a_case_id(flows: FlowFactory) -> None:
    flows.make("Inbound", [case_block(flows, "UpdateCase", {"CaseId": "$.Attributes.case"})])
    result = flows.run("Inbound")

    assert result.branch("Case") == "NoMatchingError"
    assert flows.note(result, "Case") == "CaseId '$.Attributes.case' is missing or unset"


# --- Channels, flow types, YAML -----------------------------------------------------------------


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_creates_cases(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [create_case(flows), save(flows)])
    result = flows.run("Inbound", channel=channel, mocks={"cases": {"Case": {"data": CASE}}})

    assert result.branch("Case") == "Success"
    assert result.attributes["id"] == CASE["case_id"]


@pytest.mark.parametrize("flow_type", FLOW_TYPES)
def test_every_flow_type_creates_cases(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [create_case(flows), save(flows)], flow_type=flow_type)
    result = flows.run("Flow", mocks={"cases": {"Case": {"data": CASE}}})

    assert result.branch("Case") == "Success"


def test_a_yaml_scenario_mocks_cases(pytester: pytest.Pytester, flows: FlowFactory) -> None:
    path = flows.make("Case IVR", [get_case(flows), save(flows)])
    folder = pytester.mkdir("flows")
    (folder / "ivr.json").write_text(Path(path).read_text())
    pytester.makefile(".connectflow.yaml", test_cases="""
flows: flows
scenarios:
  - name: the open case is found
    flow: Case IVR
    attributes: {customer: c-1}
    mocks:
      cases:
        Case: {data: {case_id: "0007", title: Broken phone, status: open}}
    expect:
      branches: {Case: Success}
      attributes: {id: "0007", title: Broken phone, status: open}
  - name: no case
    flow: Case IVR
    attributes: {customer: c-1}
    mocks:
      cases:
        Case: {error: NoneFound}
    expect:
      path: [Case, None found]
""")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# --- Real flows from the corpus -------------------------------------------------------------------

JP_WHISPER = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__agentwhisperflow"
JP_SELF_SERVICE = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__selfserviceagentcontactflow"
QUEUE_ARN = "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/queue/q-support"


@pytest.mark.parametrize(
    ("case_id", "branches", "path_end"),
    [("case-1", ["Success", "Success"], "1d05fa82"), ("-", [], "1d05fa82")],
    ids=["case-reopened-and-assigned", "no-case"],
)
def test_corpus_agent_whisper_reopens_and_assigns_the_case(
    flows: FlowFactory, case_id: str, branches: list[str], path_end: str
) -> None:
    sim = flows.corpus(JP_WHISPER, instance={"flow_types": {JP_WHISPER: "AGENT_WHISPER"}})
    seen: list[dict[str, Any]] = []
    result = sim.run(JP_WHISPER, contact=SimulatedContact(attributes={"var_CaseID": case_id}),
                     mocks={"cases": {"case-1": lambda request: seen.append(request) or {}}})

    assert [result.branch("2ee57a16"), result.branch("482223a9")] == (branches or [None, None])
    assert [r["fields"] for r in seen] == ([{"status": "open"}, {"case_reason": "問い合わせ"}] if branches else [])
    assert result.path[-1].startswith(path_end)
    assert result.ended == "flow_ended"


def test_corpus_self_service_agent_escalates_with_a_new_case(flows: FlowFactory) -> None:
    lex_arn = "arn:aws:lex:Region:AwsAccountId:bot-alias/LexBotId/LexBotAliasId"
    flows.deployed(JP_SELF_SERVICE, {"QueueArn": QUEUE_ARN, "CaseTemplateId": TEMPLATE,
                                      "QiCDomainArn": "arn:aws:wisdom:ap-northeast-1:123456789012:assistant/a-1"})
    result = flows.run(JP_SELF_SERVICE, inputs=["カードを止めたい"], mocks={
        "lex": {lex_arn: {"intent": "QInConnectIntent", "session_attributes": {
            "Tool": "Escalate", "escalationReason": "card lost", "escalationSummary": "lost card",
            "customerIntent": "block card", "sentiment": "NEGATIVE"}}},
        "profiles": {"170b8012": {"data": {"ProfileId": "p-1", "PhoneNumber": "+15555550100"}}},
        "cases": {"d9ffdec5": {"data": {"case_id": "case-9"}}},
    })

    assert result.branch("bab192bc") == "NoMatchingError"  # the flow module is not loaded here
    assert result.branch("7ee43b18") == "NoMatchingCondition"
    assert result.branch("17af5c40") == "Escalate"
    assert result.branch("170b8012") == "Success"
    assert result.branch("d9ffdec5") == "Success"
    assert result.attributes["escalationReason"] == "card lost"
    assert result.attributes["var_CaseID"] == "case-9"
    assert result.ended == "transferred_to_queue"
    assert result.contact.queue is not None and result.contact.queue.arn == QUEUE_ARN
