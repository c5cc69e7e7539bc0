"""Amazon Q in Connect (CreateWisdomSession): a session ARN in $.Wisdom.SessionArn, with an
optional mocks.wisdom.

FLOW-LANGUAGE.md 5.27 and section 6; the Flow language reference page "CreateWisdomSession" and the
Admin Guide page "Supported channels for flow blocks" (Amazon Q in Connect: Task → Error branch).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MockError

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

ASSISTANT_ID = "3b5c1e2a-8f1d-4c3e-9a7b-1d2e3f4a5b6c"
ASSISTANT = f"arn:aws:wisdom:eu-west-2:210987654321:assistant/{ASSISTANT_ID}"
ALLOWED_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER")
REFUSED_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER", "AGENT_WHISPER")
SESSION_RE = re.compile(rf"arn:aws:wisdom:eu-west-2:210987654321:session/{ASSISTANT_ID}/[0-9a-f-]{{36}}")


def session(flows: FlowFactory, assistant: Any = ASSISTANT, errors: dict[str, str] | None = None) -> ActionDict:
    return flows.action("Q", "CreateWisdomSession", {"WisdomAssistantArn": assistant}, next_action="Save",
                        errors=errors if errors is not None else {"NoMatchingError": "Failed"})


def session_flow(flows: FlowFactory, assistant: Any = ASSISTANT, **kwargs: Any) -> None:
    flows.make("Inbound", [session(flows, assistant), flows.set_attributes("Save", {"session": "$.Wisdom.SessionArn"},
                                                                           "Saved")], **kwargs)


def test_a_session_is_created_without_a_mock(flows: FlowFactory) -> None:
    session_flow(flows)
    sim = flows.simulator()
    first = sim.run("Inbound")
    second = sim.run("Inbound")

    assert first.branch("Q") == "Success"
    assert first.path == ["Q", "Save", "Saved"]
    assert SESSION_RE.fullmatch(first.attributes["session"])
    assert second.attributes["session"] == first.attributes["session"]  # repeatable
    assert flows.note(first, "Q") == f"session {first.attributes['session']}"


def test_a_dynamic_assistant_is_resolved(flows: FlowFactory) -> None:
    session_flow(flows, "$.Attributes.assistant")
    result = flows.run("Inbound", attributes={"assistant": ASSISTANT})

    assert SESSION_RE.fullmatch(result.attributes["session"])


def test_update_contact_data_reads_the_session(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        session(flows),
        flows.action("Save", "UpdateContactData", {"WisdomSessionArn": "$.Wisdom.SessionArn"}, next_action="Done",
                     errors={"NoMatchingError": "Failed"}),
    ])
    result = flows.run("Inbound", mocks={"wisdom": {ASSISTANT: {"data": {"SessionArn": "arn:aws:wisdom:s-1"}}}})

    assert result.branch("Save") == "Success"
    assert result.contact.data["Wisdom"] == {"SessionArn": "arn:aws:wisdom:s-1"}
    assert "arn:aws:wisdom:s-1" in flows.note(result, "Save")


@pytest.mark.parametrize("key", ["Q", ASSISTANT, ASSISTANT_ID], ids=["block", "assistant-arn", "assistant-id"])
def test_an_optional_mock_gives_the_session_arn(flows: FlowFactory, key: str) -> None:
    session_flow(flows)
    result = flows.run("Inbound", mocks={"wisdom": {key: {"data": {"SessionArn": "arn:aws:wisdom:given"}}}})

    assert result.attributes["session"] == "arn:aws:wisdom:given"


def test_an_error_mock_takes_error(flows: FlowFactory) -> None:
    session_flow(flows)
    result = flows.run("Inbound", mocks={"wisdom": {"Q": {"error": True}}})

    assert result.branch("Q") == "NoMatchingError"
    assert result.path == ["Q", "Failed"]
    assert flows.note(result, "Q") == f"no session was created for assistant {ASSISTANT}"
    assert "Wisdom" not in result.contact.data


def test_a_list_answers_one_run_each(flows: FlowFactory) -> None:
    flows.make("Inbound", [session(flows, errors={"NoMatchingError": "Q"}),
                           flows.set_attributes("Save", {"session": "$.Wisdom.SessionArn"}, "Saved")])
    result = flows.run("Inbound", mocks={"wisdom": {"Q": [{"error": True}, {}]}})

    assert result.branches("Q") == ["NoMatchingError", "Success"]
    assert SESSION_RE.fullmatch(result.attributes["session"])


@pytest.mark.parametrize(
    ("answer", "message"),
    [({"error": "Throttled"}, "error 'Throttled' is not an error of CreateWisdomSession; use error: true"),
     ("arn:aws:wisdom:s", "CreateWisdomSession produces no result; give data: {SessionArn: ...}")],
    ids=["unknown-error", "result"],
)
def test_a_malformed_mock_fails_the_test(flows: FlowFactory, answer: Any, message: str) -> None:
    session_flow(flows)
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Inbound", mocks={"wisdom": {"Q": answer}})


@pytest.mark.parametrize(
    ("assistant", "note"),
    [
        ("$.Attributes.assistant", "WisdomAssistantArn '$.Attributes.assistant' is missing or unset"),
        ("", "WisdomAssistantArn '' is missing or unset"),
        (None, "WisdomAssistantArn None is missing or unset"),
        ("my-assistant", "WisdomAssistantArn 'my-assistant' is not an Amazon Q in Connect assistant ARN"),
    ],
    ids=["unset", "empty", "missing", "not-an-arn"],
)
def test_a_missing_or_malformed_assistant_takes_error(flows: FlowFactory, assistant: Any, note: str) -> None:
    session_flow(flows, assistant)
    result = flows.run("Inbound")

    assert result.branch("Q") == "NoMatchingError"
    assert flows.note(result, "Q") == note


@pytest.mark.parametrize("channel", ["VOICE", "CHAT", "EMAIL"])
def test_voice_chat_and_email_get_a_session(flows: FlowFactory, channel: str) -> None:
    session_flow(flows)
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Q") == "Success"


def test_a_task_takes_error(flows: FlowFactory) -> None:
    session_flow(flows)
    result = flows.run("Inbound", channel="TASK")

    assert result.branch("Q") == "NoMatchingError"
    assert flows.note(result, "Q") == "CreateWisdomSession does not work on TASK"


@pytest.mark.parametrize("flow_type", ALLOWED_TYPES)
def test_inbound_queue_outbound_whisper_and_transfer_flows_get_a_session(flows: FlowFactory, flow_type: str) -> None:
    session_flow(flows, flow_type=flow_type)
    result = flows.run("Inbound")

    assert result.branch("Q") == "Success"


@pytest.mark.parametrize("flow_type", REFUSED_TYPES)
def test_hold_and_other_whisper_flows_take_error(flows: FlowFactory, flow_type: str) -> None:
    session_flow(flows, flow_type=flow_type)
    result = flows.run("Inbound")

    assert result.branch("Q") == "NoMatchingError"
    assert flows.note(result, "Q") == f"CreateWisdomSession is not allowed in a {flow_type} flow"


def test_without_an_error_branch_a_refused_flow_type_ends_in_error(flows: FlowFactory) -> None:
    flows.make("Hold", [session(flows, errors={})], flow_type="CUSTOMER_HOLD")
    result = flows.run("Hold")

    assert result.ended == "error"
    assert result.path == ["Q"]
    assert "took NoMatchingError (CreateWisdomSession is not allowed in a CUSTOMER_HOLD flow)" in result.reason


def test_a_module_starts_without_the_callers_session(flows: FlowFactory) -> None:
    flows.make("Module", [flows.set_attributes("Read", {"inside": "$.Wisdom.SessionArn"}, "Return"),
                          flows.action("Return", "EndFlowModuleExecution")], module=True)
    flows.make("Inbound", [
        session(flows, errors={"NoMatchingError": "Failed"}),
        flows.action("Save", "InvokeFlowModule", {"FlowModuleId": flows.flow_arn("Module", module=True)},
                     next_action="After", errors={"NoMatchingError": "Failed"}),
        flows.set_attributes("After", {"after": "$.Wisdom.SessionArn"}, "Done"),
    ])
    result = flows.run("Inbound")

    assert result.attributes["inside"] == ""
    assert SESSION_RE.fullmatch(result.attributes["after"])


# --- Real flows from the corpus -------------------------------------------------------------------

JP_MAIN = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__maincontactflow"
JP_OUTBOUND = "aws-samples__sample-amazon-connect-customer-starter-kit-japan__outboundflow"
SMB_SELF_SERVICE = "aws-samples__sample-amazon-connect-smb-starter-kit-japan__selfservicecontactflow"
CDK_INBOUND = "aws-samples__sample-cdk-constructs-for-amazon-connect__inbound-contact-flow"
QUEUE_ARN = "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/queue/q-support"
HOURS_ARN = "arn:aws:connect:ap-northeast-1:123456789012:instance/i-1/operating-hours/h-1"


def test_corpus_japan_main_flow_opens_a_session_then_finds_the_caller(flows: FlowFactory) -> None:
    flows.deployed(JP_MAIN, {"QiCDomainArn": ASSISTANT, "QueueArn": QUEUE_ARN, "OperatingHoursArn": HOURS_ARN,
                              "CaseTemplateId": "tpl-1"})
    result = flows.run(JP_MAIN, hours={HOURS_ARN: "open"}, mocks={
        "queues": {QUEUE_ARN: {"contacts_in_queue": 1, "agents_online": 3}},
        "profiles": {"772f897d": {"error": "NoneFoundError"}, "4e42285b": {"data": {"ProfileId": "p-new"}}},
        "cases": {"7d088db1": {"data": {"case_id": "case-7"}}, "case-7": {}},
    })

    assert result.branch("f126fd7d") == "Success"
    assert SESSION_RE.fullmatch(result.contact.data["Wisdom"]["SessionArn"])
    assert result.branch("16efb5f2") == "Success"
    assert result.branch("772f897d") == "NoneFoundError"
    assert result.branch("4e42285b") == "Success"
    assert result.branch("7d088db1") == "Success"
    assert result.branch("df816858") == "Success"
    assert result.attributes["var_CaseID"] == "case-7"
    assert result.ended == "transferred_to_queue"


def test_corpus_outbound_whisper_opens_a_session(flows: FlowFactory) -> None:
    flows.deployed(JP_OUTBOUND, {"QiCDomainArn": ASSISTANT})
    result = flows.run(JP_OUTBOUND, simulator={"instance": {"flow_types": {JP_OUTBOUND: "OUTBOUND_WHISPER"}}},
                       mocks={"wisdom": {ASSISTANT: {"data": {"SessionArn": "arn:aws:wisdom:s-outbound"}}}})

    assert result.branch("47b631eb") == "Success"
    assert result.branch("5c68b5b7") == "Success"
    assert result.contact.data["Wisdom"] == {"SessionArn": "arn:aws:wisdom:s-outbound"}
    assert result.attributes["var_CaseID"] == "-"
    assert result.ended == "flow_ended"


def test_corpus_smb_self_service_chat_times_out_after_the_session(flows: FlowFactory) -> None:
    flows.deployed(SMB_SELF_SERVICE, {"QiCDomainArn": ASSISTANT})
    lex_arn = "arn:aws:lex:ap-northeast-1:AwsAccountId:bot-alias/LexBotId/TSTALIASID"
    result = flows.run(SMB_SELF_SERVICE, channel="CHAT", mocks={"lex": {lex_arn: {"timeout": True}}})

    assert result.branch("bab192bc") == "NoMatchingError"  # its flow module is not loaded here
    assert result.branch("aa5dff96") == "Success"
    assert result.branch("f5e1a722") == "InputTimeLimitExceeded"
    assert result.path[-2:] == ["a38eef87-554a-4089-8183-3597f7073aaf", "e2cf9a83-ac24-42cf-b9aa-4bd3e96c9cb6"]
    assert result.ended == "disconnected"


def test_corpus_cdk_inbound_flow_queues_the_call_with_a_session(flows: FlowFactory) -> None:
    flows.deployed(CDK_INBOUND, {"QconnectAssistantArn": ASSISTANT, "TextToSpeechVoice": "Joanna",
                                  "LangCode": "en-US", "QueueArn": QUEUE_ARN})
    result = flows.run("ImmediateInboundContactFlow")

    assert result.branch("fb3373b8") == "Success"
    assert result.branch("c1bc3260") == "Success"
    assert SESSION_RE.fullmatch(result.contact.data["Wisdom"]["SessionArn"])
    assert result.ended == "transferred_to_queue"
