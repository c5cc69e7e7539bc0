"""Show view (ShowView) answered by mocks.views: the action chosen and $.Views.

FLOW-LANGUAGE.md 5.20; the Flow language reference page "ShowView" (errors TimeLimitExceeded,
NoMatchingCondition, NoMatchingError; inbound and customer queue flows) and the Admin Guide page
"Flow block: Show view" (Task: No).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

VIEW_ID = "8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
VIEW_ARN = f"arn:aws:connect:us-east-1:123456789012:instance/i-1/view/{VIEW_ID}"
ALLOWED_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE")
REFUSED_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER",
                 "AGENT_TRANSFER", "QUEUE_TRANSFER")
READBACK = {"action": "$.Views.Action", "title": "$.Views.ViewResultData.FormData.title",
            "priority": "$.Views.ViewResultData.FormData.priority"}


def show_view(flows: FlowFactory, view: Any = "form", identifier: str = "View",
              errors: dict[str, str] | None = None, **parameters: Any) -> ActionDict:
    params: dict[str, Any] = {"ViewResource": {"Id": view, "Version": "Latest"}, "InvocationTimeLimitSeconds": "300",
                              "ViewData": {"Heading": "Claim for $.Attributes.name", "Sections": [
                                  {"Items": [{"Label": "Phone", "Value": "$.Attributes.phone"}]}]}}
    params.update(parameters)
    return flows.action(identifier, "ShowView", params, next_action="Failed",
                        conditions={"Next": "Save", "Back": "Went back"},
                        errors=errors if errors is not None else {
                            "NoMatchingCondition": "No match", "TimeLimitExceeded": "Too slow",
                            "NoMatchingError": "Failed"})


def view_flow(flows: FlowFactory, *, flow_type: str | None = None, metadata: dict[str, Any] | None = None,
              **kwargs: Any) -> None:
    flows.make("Guide", [show_view(flows, **kwargs), flows.set_attributes("Save", READBACK, "Saved")],
               flow_type=flow_type, action_metadata=metadata)


FORM_ANSWER = {"result": "Next", "data": {"FormData": {"title": "Broken screen", "priority": 2}}}


def test_the_action_chosen_takes_its_condition_and_views_is_written(flows: FlowFactory) -> None:
    view_flow(flows)
    result = flows.run("Guide", mocks={"views": {"View": FORM_ANSWER}})

    assert result.branch("View") == "Next"
    assert result.path == ["View", "Save", "Saved"]
    assert result.attributes == {"action": "Next", "title": "Broken screen", "priority": "2"}
    assert flows.note(result, "View") == "form: Next"


def test_an_unlisted_action_takes_no_matching_condition(flows: FlowFactory) -> None:
    view_flow(flows)
    result = flows.run("Guide", mocks={"views": {"View": "Cancel"}})

    assert result.branch("View") == "NoMatchingCondition"
    assert result.path == ["View", "No match"]
    assert result.contact.data["Views"] == {"Action": "Cancel", "ViewResultData": {}}


@pytest.mark.parametrize(
    ("view", "key", "metadata"),
    [
        ("form", "form", None),
        (VIEW_ARN, VIEW_ARN, None),
        (f"{VIEW_ARN}:$LATEST", VIEW_ARN, None),
        (f"{VIEW_ARN}:3", VIEW_ID, None),
        ("form", "Form", {"View": {"parameters": {"ViewResource": {"Id": {"displayName": "Form"}}}}}),
        ("form", "View", None),
        ("form", "Guide/View", None),
    ],
    ids=["aws-managed-id", "arn", "arn-without-version", "view-id", "console-name", "block", "flow-and-block"],
)
def test_the_answer_is_found_by_block_or_view(
    flows: FlowFactory, view: str, key: str, metadata: dict[str, Any] | None
) -> None:
    view_flow(flows, view=view, metadata=metadata)
    result = flows.run("Guide", mocks={"views": {key: "Back"}})

    assert result.branch("View") == "Back"


def test_the_block_key_wins_over_the_view_key(flows: FlowFactory) -> None:
    view_flow(flows)
    result = flows.run("Guide", mocks={"views": {"form": "Back", "View": "Next"}})

    assert result.branch("View") == "Next"


def test_a_dynamic_view_is_resolved(flows: FlowFactory) -> None:
    view_flow(flows, view="$.Attributes.view")
    result = flows.run("Guide", attributes={"view": VIEW_ARN}, mocks={"views": {VIEW_ID: "Next"}})

    assert result.branch("View") == "Next"
    assert flows.note(result, "View") == f"{VIEW_ARN}: Next"


def test_a_callable_gets_the_view_data_with_references_resolved(flows: FlowFactory) -> None:
    view_flow(flows)
    seen: list[dict[str, Any]] = []

    def agent(request: dict[str, Any]) -> dict[str, Any]:
        seen.append(request)
        return {"result": "Next"}

    flows.run("Guide", attributes={"name": "Ann", "phone": "+15555550123"}, mocks={"views": {"View": agent}})

    assert seen == [{"view": "form", "version": "Latest", "data": {
        "Heading": "Claim for Ann", "Sections": [{"Items": [{"Label": "Phone", "Value": "+15555550123"}]}]}}]


@pytest.mark.parametrize(
    ("answer", "branch", "target", "note"),
    [
        ({"error": "TimeLimitExceeded"}, "TimeLimitExceeded", "Too slow", "form: no action before the time limit"),
        ({"error": True}, "NoMatchingError", "Failed", "form could not be shown"),
    ],
    ids=["timeout", "error"],
)
def test_errors_come_from_the_mock_and_clear_views(
    flows: FlowFactory, answer: dict[str, Any], branch: str, target: str, note: str
) -> None:
    first = flows.action("First", "ShowView", {"ViewResource": {"Id": "confirmation"}}, next_action="View",
                         conditions={"Next": "View"}, errors={"NoMatchingError": "Failed"})
    flows.make("Guide two", [first, show_view(flows)], wrapped=True)
    result = flows.run("Guide two", mocks={"views": {"Guide two/First": FORM_ANSWER, "Guide two/View": answer}})

    assert result.branch("First") == "Next"
    assert result.branch("View") == branch
    assert result.path[-1] == target
    assert flows.note(result, "Guide two/View") == note
    assert result.contact.data["Views"] == {}


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"data": {"FormData": {}}}, "give the action the user chose as result (Next, Back...)"),
        ({"error": "Timeout"}, "error 'Timeout' is not an error of ShowView; use true (NoMatchingError) or "
                               "TimeLimitExceeded"),
    ],
    ids=["no-result", "unknown-error"],
)
def test_a_malformed_answer_fails_the_test(flows: FlowFactory, answer: Any, message: str) -> None:
    view_flow(flows)
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Guide", mocks={"views": {"View": answer}})


def test_a_missing_mock_fails_naming_the_block_and_the_view(flows: FlowFactory) -> None:
    view_flow(flows, view=f"{VIEW_ARN}:$LATEST")
    with pytest.raises(MissingMockError) as info:
        flows.run("Guide")

    message = str(info.value)
    assert "block 'View' (ShowView) of flow 'Guide'" in message
    assert "needs a view (name, ARN) or Show view block answer, which has no mock" in message
    assert f"add mocks.views keyed by one of: View, {VIEW_ARN}:$LATEST, {VIEW_ARN}, {VIEW_ID} (mocked: none)" in message


def test_a_list_answers_one_run_each(flows: FlowFactory) -> None:
    block = show_view(flows)
    block["Transitions"]["Conditions"][1]["NextAction"] = "View"  # Back shows the view again
    flows.make("Guide", [block, flows.set_attributes("Save", READBACK, "Saved")])
    result = flows.run("Guide", mocks={"views": {"View": ["Back", FORM_ANSWER]}})

    assert result.branches("View") == ["Back", "Next"]
    assert result.attributes["title"] == "Broken screen"


@pytest.mark.parametrize(
    ("parameters", "note"),
    [
        ({"ViewResource": {"Id": "$.Attributes.view"}}, "ViewResource.Id '$.Attributes.view' is missing or unset"),
        ({"ViewResource": {"Version": "Latest"}}, "ViewResource.Id None is missing or unset"),
        ({"ViewResource": "form"}, "ViewResource.Id None is missing or unset"),
        ({"InvocationTimeLimitSeconds": "five minutes"},
         "InvocationTimeLimitSeconds 'five minutes' is not a number of seconds"),
        ({"InvocationTimeLimitSeconds": "0"}, "InvocationTimeLimitSeconds 0 is not a positive number of seconds"),
        ({"ViewData": ["Heading"]}, "ViewData must be a map, not ['Heading']"),
    ],
    ids=["unset-view", "no-view-id", "resource-not-a-map", "timeout-not-a-number", "timeout-zero",
         "data-not-a-map"],
)
def test_a_missing_or_malformed_parameter_takes_error(
    flows: FlowFactory, parameters: dict[str, Any], note: str
) -> None:
    view_flow(flows, **parameters)
    result = flows.run("Guide")

    assert result.branch("View") == "NoMatchingError"
    assert result.path == ["View", "Failed"]
    assert flows.note(result, "View") == note


@pytest.mark.parametrize("channel", ["VOICE", "CHAT", "EMAIL"])
def test_voice_chat_and_email_show_views(flows: FlowFactory, channel: str) -> None:
    view_flow(flows)
    result = flows.run("Guide", channel=channel, mocks={"views": {"View": "Next"}})

    assert result.branch("View") == "Next"


def test_a_task_takes_error(flows: FlowFactory) -> None:
    view_flow(flows)
    result = flows.run("Guide", channel="TASK")

    assert result.branch("View") == "NoMatchingError"
    assert flows.note(result, "View") == "ShowView does not work on TASK"


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_inbound_and_customer_queue_flows_show_views(flows: FlowFactory, flow_type: str) -> None:
    view_flow(flows, flow_type=flow_type)
    result = flows.run("Guide", mocks={"views": {"View": "Next"}})

    assert result.branch("View") == "Next"


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_other_flow_types_take_error(flows: FlowFactory, flow_type: str) -> None:
    view_flow(flows, flow_type=flow_type)
    result = flows.run("Guide")

    assert result.branch("View") == "NoMatchingError"
    assert flows.note(result, "View") == f"ShowView is not allowed in a {flow_type} flow"


def test_without_an_error_branch_a_refused_flow_type_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Whisper", [show_view(flows, errors={"TimeLimitExceeded": "Too slow"})], flow_type="AGENT_WHISPER")
    result = flows.run("Whisper")

    assert result.ended == "error"
    assert "took NoMatchingError (ShowView is not allowed in a AGENT_WHISPER flow)" in result.reason


def test_a_yaml_scenario_mocks_views(pytester: pytest.Pytester, flows: FlowFactory) -> None:
    path = flows.make("Claim guide", [show_view(flows), flows.set_attributes("Save", READBACK, "Saved")])
    folder = pytester.mkdir("flows")
    (folder / "guide.json").write_text(Path(path).read_text())
    pytester.makefile(".connectflow.yaml", test_views="""
flows: flows
scenarios:
  - name: the agent submits the form
    flow: Claim guide
    mocks:
      views:
        form: {result: Next, data: {FormData: {title: Broken screen, priority: 02}}}
    expect:
      branches: {View: Next}
      attributes: {action: Next, title: Broken screen, priority: "02"}
  - name: the agent walks away
    flow: Claim guide
    mocks:
      views:
        View: {error: TimeLimitExceeded}
    expect:
      path: [View, Too slow]
""")
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


# --- Real flows from the corpus -------------------------------------------------------------------

MODULES_CASES = "aws-samples__amazon-connect-step-by-step-guides-module-library__modules-cases"
FINANCE = "aws-samples__amazon-connect-step-by-step-guides-module-library__financial-guide"
VMX_GUIDE = "amazon-connect__voicemail-express-amazon-connect__vmxexampleguidedtaskagentflow"
DIALER = "aws-samples__amazon-connect-power-dialer__view-dialer-dispositioncodes"
CREATE_TASKS = "aws-samples__amazon-connect-step-by-step-guides-module-library__createandreviewtasks-create"
WHATSAPP = "aws-samples__sample-whatsapp-end-user-messaging-connect-chat__send-whatsapp-guide-flow"


def test_corpus_cases_module_creates_then_shows_the_case(flows: FlowFactory) -> None:
    sim = flows.corpus(MODULES_CASES)
    result = sim.run("SBSGuides_Modules_Cases", contact=SimulatedContact(channel="CHAT"), mocks={
        "profiles": {"2dbf5688": {"data": {"ProfileId": "p-1"}}},
        "views": {"Form": {"result": "Next", "data": {"FormData": {"caseTitle": "Broken", "caseSummary": "Cracked"}}},
                  "Detail": {"error": "TimeLimitExceeded"}},
        "cases": {"de7817e3": {"data": {"case_id": "c-1"}},
                  "5d7d0ddb": {"data": {"case_id": "c-1", "title": "Broken", "reference_number": "77"}}},
    }, lambdas={"ENTER LAMBDA HERE": {"CaseTitle": "Broken", "CaseSummary": "Cracked"}})

    assert result.branch("0f41b813") == "Next"
    assert flows.note(result, "0f41b813") == "Form: Next"
    assert result.lambda_calls[0].parameters["dataFromViews"] == (
        '{"Action":"Next","ViewResultData":{"FormData":{"caseTitle":"Broken","caseSummary":"Cracked"}}}')
    assert result.branch("de7817e3") == "Success"
    assert result.branch("5d7d0ddb") == "Success"
    assert result.branch("16cdb412") == "TimeLimitExceeded"
    assert result.contact.data["Case"] == {"case_id": "c-1", "reference_number": "77", "title": "Broken"}
    assert result.ended == "disconnected"


def test_corpus_finance_guide_walks_the_replacement_forms(flows: FlowFactory) -> None:
    sim = flows.corpus(FINANCE)
    result = sim.run("SBSGuides.Finance", contact=SimulatedContact(attributes={
        "cardType": "Debit card", "customerPhoneNumber": "+15555550123"}), mocks={
        "profiles": {"bcd2dc6c": {"data": {"ProfileId": "p-1", "FirstName": "Ann", "LastName": "Lee",
                                           "EmailAddress": "ann@example.com"}}},
        "views": {"dffdf5f8": {"result": "ActionSelected", "data": {"actionName": "Start replacement process"}},
                  "2c383a61": "Next", "aab2937c": {"error": "TimeLimitExceeded"}},
    })

    assert result.branch("bcd2dc6c") == "Success"
    assert result.attributes["customerFullName"] == "Ann Lee"
    assert result.branch("dffdf5f8") == "ActionSelected"
    assert result.attributes["actionName"] == "Start replacement process"
    assert result.branch("ec289ffe") == "Start replacement process"
    assert result.branch("2c383a61") == "Next"
    assert result.branch("aab2937c") == "TimeLimitExceeded"
    assert result.path[-1].startswith("5c6489dc")


def test_corpus_voicemail_guided_task_shows_the_player(flows: FlowFactory) -> None:
    flows.deployed(VMX_GUIDE, {"VMPLAYERVIEWARN": VIEW_ARN, "VMGUIDEDFLOWPRESIGNER": "presigner"})
    seen: list[dict[str, Any]] = []
    result = flows.run(VMX_GUIDE, channel="CHAT", attributes={"vmx3_transcript": "Please call me back"},
                       lambdas={"presigner": {"vmx3_presigned_url": "https://s3/vm.wav"}},
                       mocks={"views": {VIEW_ARN: lambda request: seen.append(request) or {"result": "Close"}}})

    assert result.branch("Show VMX Guided Task view") == "NoMatchingCondition"
    assert seen[0]["data"]["transcript_box"] == {"TemplateString": "<div>Please call me back</div>"}
    assert "src=https://s3/vm.wav" in seen[0]["data"]["media_player"]["TemplateString"]
    assert result.ended == "disconnected"


@pytest.mark.parametrize(
    ("answers", "code", "dialer_calls"),
    [([{"result": "ActionSelected", "data": {"Id": "pago-comprometido"}}], "pago-comprometido", 1),
     ([{"error": "TimeLimitExceeded"}], None, 0)],
    ids=["code-chosen", "agent-walked-away"],
)
def test_corpus_power_dialer_records_the_disposition_code(
    flows: FlowFactory, answers: list[dict[str, Any]], code: str | None, dialer_calls: int
) -> None:
    sim = flows.corpus(DIALER)
    lambda_arn = "arn:aws:lambda:us-west-2:111122223333:function:power-dialer-sb-SetDispositionCode-OlUhjKcktIGr"
    result = sim.run(DIALER, contact=SimulatedContact(channel="CHAT"), lambdas={lambda_arn: {}},
                     mocks={"views": {"List": answers, "Confirmation": "Next"}})

    assert result.branch("6480b731") == answers[0].get("result", "TimeLimitExceeded")
    assert result.attributes.get("dispositionCode") == code
    assert len(result.lambda_calls) == dialer_calls
    assert result.ended == "disconnected"


def test_corpus_create_task_guide_shows_the_form_on_chat(flows: FlowFactory) -> None:
    sim = flows.corpus(CREATE_TASKS)
    result = sim.run(sim.library.flows[0].name, contact=SimulatedContact(channel="CHAT"),
                     mocks={"views": {"1224f589": ["Back", {"error": "TimeLimitExceeded"}]}})

    # Not a task: the guide shows its form; Back goes to the channel check again, then the form.
    assert result.branches("6ebc3eb5") == ["NoMatchingCondition", "NoMatchingCondition"]
    assert result.branches("1224f589") == ["Back", "TimeLimitExceeded"]
    assert result.path[-1].startswith("5d2253fd")
    assert result.ended == "disconnected"


def test_corpus_whatsapp_guide_sends_the_form_values(flows: FlowFactory) -> None:
    sim = flows.corpus(WHATSAPP)
    answer = {"result": "enviarWhatsapp", "data": {"whatsapp": "+5491155550000", "fullName": "Ana",
                                                   "input1": "a", "input2": "b", "input3": "c", "input4": "d"}}
    result = sim.run(WHATSAPP, contact=SimulatedContact(channel="CHAT"), lambdas={
        "GET_CUSTOMER_DATA_FUNCTION_ARN": {"fullName": "Ana", "phoneNumber": "+5491155550000"},
        "SEND_WHATSAPP_FUNCTION_ARN": {"result": "sent"},
    }, mocks={"views": {"WHATSAPP_FORM": answer}})

    assert result.branch("7cb36cf2") == "enviarWhatsapp"
    assert result.attributes["whatsapp"] == "+5491155550000"
    assert result.attributes["fullName"] == "Ana"
    assert flows.note(result, "29f37d9a") == "Lambda Invocada : sent"
    assert result.ended == "disconnected"
