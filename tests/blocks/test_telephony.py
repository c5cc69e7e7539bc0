"""Transfer to phone number (TransferParticipantToThirdParty), Check call progress
(CheckOutboundCallStatus), Call phone number (CompleteOutboundCall) and Hold customer or agent
(UpdatePreviousContactParticipantState).

Flow language reference pages of each action; Admin Guide block pages "Transfer to phone
number", "Check call progress", "Call phone number"; DESIGN.md "Mocks" and "How a run ends".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from routing_helpers import corpus_copy

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

ALL_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
             "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")
TRANSFER_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "AGENT_TRANSFER", "QUEUE_TRANSFER")
NUMBER = "+14155550123"


def third_party(flows: FlowFactory, continue_flow: str | None = "True", **parameters: Any) -> ActionDict:
    params: dict[str, Any] = {"ThirdPartyPhoneNumber": NUMBER, "ThirdPartyConnectionTimeLimitSeconds": "30"}
    if continue_flow is not None:
        params["ContinueFlowExecution"] = continue_flow
    params.update(parameters)
    return flows.action("Transfer out", "TransferParticipantToThirdParty", params, next_action="After call",
                        errors={"CallFailed": "Call failed", "ConnectionTimeLimitExceeded": "No answer",
                                "NoMatchingError": "Transfer error"})


# --- TransferParticipantToThirdParty -------------------------------------------------------


@pytest.mark.parametrize("continue_flow", ["True", None], ids=["True", "default"])
def test_transfer_and_resume_goes_on_after_the_third_party_hangs_up(
    flows: FlowFactory, continue_flow: str | None
) -> None:
    flows.make("Inbound", [third_party(flows, continue_flow)])
    result = flows.run("Inbound", mocks={"third_party": {"Transfer out": "Success"}})

    assert result.path == ["Transfer out", "After call"]
    assert result.branch("Transfer out") == "Success"
    assert flows.note(result, "Transfer out") == (
        f"talked with {NUMBER}; the third party hung up and the flow resumes"
    )
    assert result.ended == "disconnected"  # After call is an End flow in an inbound flow


def test_transfer_without_resume_ends_the_run_transferred_to_phone(flows: FlowFactory) -> None:
    flows.make("Inbound", [third_party(flows, "False")])
    result = flows.run("Inbound", mocks={"third_party": {NUMBER: {"result": "Success"}}})

    assert result.path == ["Transfer out"]
    assert result.branch("Transfer out") == "Success"
    assert result.ended == "transferred_to_phone"
    assert result.reason == f"transferred to {NUMBER}"


@pytest.mark.parametrize(
    ("answer", "branch", "target"),
    [
        ("CallFailed", "CallFailed", "Call failed"),
        ({"error": "CallFailed"}, "CallFailed", "Call failed"),
        ("ConnectionTimeLimitExceeded", "ConnectionTimeLimitExceeded", "No answer"),
        ({"error": True}, "NoMatchingError", "Transfer error"),
        ("Error", "NoMatchingError", "Transfer error"),
    ],
    ids=["failed", "failed-error-key", "timeout", "error", "console-alias"],
)
def test_dial_outcomes_from_the_mock(flows: FlowFactory, answer: Any, branch: str, target: str) -> None:
    flows.make("Inbound", [third_party(flows)])
    result = flows.run("Inbound", mocks={"third_party": {"Transfer out": answer}})

    assert result.branch("Transfer out") == branch
    assert result.path == ["Transfer out", target]
    assert flows.note(result, "Transfer out") == f"the call to {NUMBER} failed: {branch}"


def test_a_failed_cold_transfer_falls_back_to_error(flows: FlowFactory) -> None:
    # Exports of ContinueFlowExecution False declare only NoMatchingError.
    flows.make("Inbound", [flows.action("Transfer out", "TransferParticipantToThirdParty",
                                        {"ThirdPartyPhoneNumber": NUMBER, "ContinueFlowExecution": "False"},
                                        next_action="Transfer error", errors={"NoMatchingError": "Transfer error"})])
    result = flows.run("Inbound", mocks={"third_party": {"Transfer out": "CallFailed"}})

    assert result.branch("Transfer out") == "NoMatchingError"
    assert result.path == ["Transfer out", "Transfer error"]


def test_the_number_can_come_from_a_reference_and_the_mock_sees_the_request(flows: FlowFactory) -> None:
    seen: list[dict[str, str]] = []

    def dial(request: dict[str, str]) -> dict[str, str]:
        seen.append(request)
        return {"result": "Success"}

    flows.make("Inbound", [third_party(flows, ThirdPartyPhoneNumber="$.Attributes.target",
                                       ThirdPartyDTMFDigits="$.Attributes.digits",
                                       ThirdPartyConnectionTimeLimitSeconds="$.Attributes.wait",
                                       CallerId={"Number": "$.SystemEndpoint.Address", "Name": "Acme"})])
    result = flows.run("Inbound", attributes={"target": "+442079460123", "digits": "12,#", "wait": "45"},
                       mocks={"third_party": {"+442079460123": dial}})

    assert result.branch("Transfer out") == "Success"
    assert seen == [{
        "ContinueFlowExecution": "True", "ThirdPartyPhoneNumber": "+442079460123",
        "ThirdPartyConnectionTimeoutSeconds": "45", "ThirdPartyDTMFDigits": "12,#",
        "CallerIdNumber": "+15555550199", "CallerIdName": "Acme",
    }]
    assert flows.note(result, "Transfer out") == (
        "talked with +442079460123, sent DTMF 12,#; the third party hung up and the flow resumes"
    )


def test_an_unset_dtmf_reference_sends_no_digits(flows: FlowFactory) -> None:
    flows.make("Inbound", [third_party(flows, "False", ThirdPartyDTMFDigits="$.Attributes.digits")])
    result = flows.run("Inbound", mocks={"third_party": {"Transfer out": "Success"}})

    assert result.reason == f"transferred to {NUMBER}"


@pytest.mark.parametrize(
    ("parameters", "attributes", "why"),
    [
        ({"ThirdPartyPhoneNumber": "$.Attributes.target"}, {}, "ThirdPartyPhoneNumber '$.Attributes.target' is unset"),
        ({"ThirdPartyPhoneNumber": ""}, {}, "the block has no ThirdPartyPhoneNumber"),
        ({"ThirdPartyPhoneNumber": "4155550123"}, {},
         "ThirdPartyPhoneNumber '4155550123' is not an E.164 phone number"),
        ({"ThirdPartyConnectionTimeLimitSeconds": "601"}, {},
         "ThirdPartyConnectionTimeLimitSeconds '601' is '601', not a whole number of seconds in 0..600"),
        ({"ThirdPartyConnectionTimeoutSeconds": "$.Attributes.wait"}, {},
         "ThirdPartyConnectionTimeoutSeconds '$.Attributes.wait' is None, not a whole number of seconds in 0..600"),
        ({"ThirdPartyDTMFDigits": "12a"}, {}, "ThirdPartyDTMFDigits '12a' is not up to 50 of 0-9 , * #"),
        ({"ContinueFlowExecution": "Maybe"}, {}, "ContinueFlowExecution 'Maybe' is not True or False"),
        ({"VoiceConnector": {"VoiceConnectorType": "ChimeConnector", "VoiceConnectorArn": "$.Attributes.vc"}}, {},
         "VoiceConnectorArn '$.Attributes.vc' is unset"),
    ],
    ids=["unset", "empty", "not-e164", "timeout-range", "timeout-unset", "dtmf", "continue",
         "voice-connector"],
)
def test_malformed_parameters_take_error_without_dialling(
    flows: FlowFactory, parameters: dict[str, Any], attributes: dict[str, str], why: str
) -> None:
    flows.make("Inbound", [third_party(flows, **parameters)])
    result = flows.run("Inbound", attributes=attributes)  # no mock needed: nothing is dialled

    assert result.branch("Transfer out") == "NoMatchingError"
    assert result.path == ["Transfer out", "Transfer error"]
    assert flows.note(result, "Transfer out") == why


def test_a_voice_connector_transfer_is_keyed_by_its_arn(flows: FlowFactory) -> None:
    arn = "arn:aws:chime:us-east-1:123456789012:vc/abc"
    flows.make("Inbound", [flows.action("Transfer out", "TransferParticipantToThirdParty",
                                        {"VoiceConnector": {"VoiceConnectorType": "ChimeConnector",
                                                            "VoiceConnectorArn": arn}},
                                        next_action="After call")])
    result = flows.run("Inbound", mocks={"third_party": {arn: "Success"}})

    assert result.branch("Transfer out") == "Success"
    assert result.path == ["Transfer out", "After call"]


def test_the_dial_outcome_must_be_mocked(flows: FlowFactory) -> None:
    flows.make("Inbound", [third_party(flows, "False")])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound")

    message = info.value.message
    assert message.startswith("block 'Transfer out' (TransferParticipantToThirdParty) of flow 'Inbound'")
    assert f"add mocks.third_party keyed by one of: Transfer out, {NUMBER} (mocked: none)" in message


def test_list_answers_give_one_outcome_per_run(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        third_party(flows),
        flows.action("Call failed", "Loop", {"LoopCount": "2"},
                     conditions={"ContinueLooping": "Transfer out", "DoneLooping": "Gave up"}),
    ])
    result = flows.run("Inbound", mocks={"third_party": {"Transfer out": ["CallFailed", "Success"]}})

    assert result.branches("Transfer out") == ["CallFailed", "Success"]
    assert result.path == ["Transfer out", "Call failed", "Transfer out", "After call"]


def test_a_list_run_past_its_end_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        third_party(flows),
        flows.action("Call failed", "Loop", {"LoopCount": "3"},
                     conditions={"ContinueLooping": "Transfer out", "DoneLooping": "Gave up"}),
    ])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", mocks={"third_party": {"Transfer out": ["CallFailed"]}})

    assert info.value.message == "mocks.third_party.Transfer out lists 1 answer(s) but 'Transfer out' ran 2 times"


def test_an_unknown_dial_outcome_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [third_party(flows)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", mocks={"third_party": {"Transfer out": "Busy"}})

    assert info.value.message == (
        "mocks.third_party answer for 'Transfer out' is 'Busy'; use one of Success, CallFailed, "
        "ConnectionTimeLimitExceeded, NoMatchingError"
    )


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_transfer_to_phone_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [third_party(flows)])
    result = flows.run("Inbound", channel=channel)  # no mock needed: nothing is dialled

    assert result.branch("Transfer out") == "NoMatchingError"
    assert flows.note(result, "Transfer out") == f"TransferParticipantToThirdParty does not work on {channel}"


@pytest.mark.parametrize("flow_type", TRANSFER_TYPES)
def test_transfer_to_phone_in_inbound_queue_and_transfer_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [third_party(flows, "False")], flow_type=flow_type)
    result = flows.run("Flow", mocks={"third_party": {"Transfer out": "Success"}})

    assert result.ended == "transferred_to_phone"


@pytest.mark.parametrize("flow_type", [t for t in ALL_TYPES if t not in TRANSFER_TYPES])
def test_transfer_to_phone_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [third_party(flows, "False")], flow_type=flow_type)
    result = flows.run("Flow", mocks={"third_party": {"Transfer out": "Success"}})

    assert result.branch("Transfer out") == "NoMatchingError"
    assert flows.note(result, "Transfer out") == (
        f"TransferParticipantToThirdParty is not allowed in a {flow_type} flow"
    )


# --- CheckOutboundCallStatus ---------------------------------------------------------------

PROGRESS = ("CallAnswered", "VoicemailBeep", "VoicemailNoBeep", "NotDetected")


def call_progress(flows: FlowFactory) -> ActionDict:
    return flows.action("Progress", "CheckOutboundCallStatus", {}, next_action="Error out",
                        conditions={p: f"On {p}" for p in PROGRESS}, errors={"NoMatchingError": "Error out"})


@pytest.mark.parametrize("outcome", PROGRESS)
def test_check_call_progress_takes_the_mocked_result(flows: FlowFactory, outcome: str) -> None:
    flows.make("Campaign", [call_progress(flows)], flow_type="CAMPAIGN")
    result = flows.run("Campaign", mocks={"call_progress": {"Progress": outcome}})

    assert result.branch("Progress") == outcome
    assert result.path == ["Progress", f"On {outcome}"]
    assert flows.note(result, "Progress") == f"call progress: {outcome}"


def test_check_call_progress_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [call_progress(flows)])
    result = flows.run("Inbound", mocks={"call_progress": {"Progress": {"error": True}}})

    assert result.branch("Progress") == "NoMatchingError"
    assert result.path == ["Progress", "Error out"]


def test_check_call_progress_must_be_mocked(flows: FlowFactory) -> None:
    flows.make("Inbound", [call_progress(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound")

    assert "needs a Check call progress block answer, which has no mock; add mocks.call_progress" in (
        info.value.message
    )


def test_an_unknown_call_progress_result_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [call_progress(flows)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", mocks={"call_progress": {"Progress": "Busy"}})

    assert "is 'Busy'; use one of CallAnswered, VoicemailBeep, VoicemailNoBeep, NotDetected" in info.value.message


def test_call_progress_per_run_from_a_list(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Progress", "CheckOutboundCallStatus", {}, conditions={
            "NotDetected": "Again", "CallAnswered": "Hello"}, errors={"NoMatchingError": "Error out"}),
        flows.action("Again", "Loop", {"LoopCount": "1"}, conditions={"ContinueLooping": "Progress",
                                                                       "DoneLooping": "Error out"}),
    ])
    result = flows.run("Inbound", mocks={"call_progress": {"Progress": ["NotDetected", "CallAnswered"]}})

    assert result.branches("Progress") == ["NotDetected", "CallAnswered"]
    assert result.path[-1] == "Hello"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_check_call_progress_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [call_progress(flows)])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Progress") == "NoMatchingError"
    assert flows.note(result, "Progress") == f"CheckOutboundCallStatus does not work on {channel}"


@pytest.mark.parametrize("flow_type", ALL_TYPES)
def test_check_call_progress_in_every_flow_type(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [call_progress(flows)], flow_type=flow_type)
    result = flows.run("Flow", mocks={"call_progress": {"Progress": "CallAnswered"}})

    assert result.branch("Progress") == "CallAnswered"


# --- CompleteOutboundCall ------------------------------------------------------------------


def call_out(flows: FlowFactory, parameters: dict[str, Any] | None = None) -> ActionDict:
    return flows.action("Call out", "CompleteOutboundCall", parameters or {}, next_action="Connected",
                        errors={"NoMatchingError": "Call error"})


@pytest.mark.parametrize(
    ("parameters", "note"),
    [
        ({}, "called the customer at +15555550100"),
        ({"CallerId": {"Number": "+15555550111"}}, "called the customer at +15555550100 with caller ID +15555550111"),
        ({"CallerId": {"Number": "$.Attributes.caller"}},
         "called the customer at +15555550100 with caller ID +15555550122"),
    ],
    ids=["queue-caller-id", "static", "reference"],
)
def test_call_phone_number_places_the_outbound_call(flows: FlowFactory, parameters: dict[str, Any], note: str) -> None:
    flows.make("Outbound whisper", [call_out(flows, parameters)], flow_type="OUTBOUND_WHISPER")
    result = flows.run("Outbound whisper", attributes={"caller": "+15555550122"})

    assert result.branch("Call out") == "Success"
    assert result.path == ["Call out", "Connected"]
    assert flows.note(result, "Call out") == note


@pytest.mark.parametrize(
    ("number", "why"),
    [("$.Attributes.missing", "CallerId Number '$.Attributes.missing' is unset"),
     ("555", "CallerId Number '555' is not an E.164 phone number")],
)
def test_call_phone_number_with_a_bad_caller_id_takes_error(flows: FlowFactory, number: str, why: str) -> None:
    flows.make("Outbound whisper", [call_out(flows, {"CallerId": {"Number": number}})], flow_type="OUTBOUND_WHISPER")
    result = flows.run("Outbound whisper")

    assert result.branch("Call out") == "NoMatchingError"
    assert flows.note(result, "Call out") == why


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_call_phone_number_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Outbound whisper", [call_out(flows)], flow_type="OUTBOUND_WHISPER")
    result = flows.run("Outbound whisper", channel=channel)

    assert result.branch("Call out") == "NoMatchingError"


@pytest.mark.parametrize("flow_type", [t for t in ALL_TYPES if t != "OUTBOUND_WHISPER"])
def test_call_phone_number_only_in_outbound_whisper_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [call_out(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Call out") == "NoMatchingError"
    assert flows.note(result, "Call out") == f"CompleteOutboundCall is not allowed in a {flow_type} flow"


# --- UpdatePreviousContactParticipantState --------------------------------------------------


def hold(flows: FlowFactory, state: str) -> ActionDict:
    return flows.action("Hold", "UpdatePreviousContactParticipantState", {"PreviousContactParticipantState": state},
                        next_action="Show", errors={"NoMatchingError": "Hold failed"})


@pytest.mark.parametrize("state", ["AgentOnHold", "CustomerOnHold", "OffHold"])
def test_hold_customer_or_agent_records_the_state(flows: FlowFactory, state: str) -> None:
    flows.make("Transfer", [hold(flows, state),
                            flows.set_attributes("Show", {"held": "$.PreviousContactParticipantState"}, "Done")],
               flow_type="AGENT_TRANSFER")
    result = flows.run("Transfer")

    assert result.branch("Hold") == "Success"
    assert result.attributes == {"held": state}


def test_hold_state_from_a_reference(flows: FlowFactory) -> None:
    flows.make("Transfer", [hold(flows, "$.Attributes.state")], flow_type="QUEUE_TRANSFER")
    result = flows.run("Transfer", attributes={"state": "CustomerOnHold"})

    assert result.contact.data["PreviousContactParticipantState"] == "CustomerOnHold"


@pytest.mark.parametrize("state", ["OnHold", "$.Attributes.missing"])
def test_an_unknown_hold_state_takes_error(flows: FlowFactory, state: str) -> None:
    flows.make("Transfer", [hold(flows, state)], flow_type="QUEUE_TRANSFER")
    result = flows.run("Transfer")

    assert result.branch("Hold") == "NoMatchingError"
    assert flows.note(result, "Hold").startswith(f"PreviousContactParticipantState {state!r} is ")


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_hold_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Transfer", [hold(flows, "AgentOnHold")], flow_type="AGENT_TRANSFER")
    result = flows.run("Transfer", channel=channel)

    assert result.branch("Hold") == "NoMatchingError"


@pytest.mark.parametrize("flow_type", ["CUSTOMER_QUEUE", "CUSTOMER_WHISPER", "AGENT_HOLD"])
def test_hold_outside_inbound_and_transfer_flows_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [hold(flows, "AgentOnHold")], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Hold") == "NoMatchingError"
    assert flows.note(result, "Hold") == f"UpdatePreviousContactParticipantState is not allowed in a {flow_type} flow"


def test_a_block_without_error_branch_where_refused_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Hold", "UpdatePreviousContactParticipantState",
                                     {"PreviousContactParticipantState": "AgentOnHold"}, next_action="Done")],
               flow_type="CUSTOMER_QUEUE")
    result = flows.run("Flow")

    assert result.ended == "error"
    assert "has no Errors entry for it nor a NoMatchingError branch" in result.reason


# --- Real flows from the corpus ------------------------------------------------------------

EXTERNAL_NUMBER = "aws-samples__amazon-connect-rules-engine__rulesengineexternalnumber"
PSTN = "cresta__amazon-connect-pstn-transfer__va-pstn-transfer"
LEX_CHATGPT = "docwho2__java-connect-lex-chatgpt__connect-flow-lex-chatgpt"
EXPERIENCE_DTMF0 = "aws-samples__amazon-connect-experience-builder__contact-flow-dtmf0"
OUTBOUND_CAMPAIGN = "aws-samples__amazon-connect-agentless-outbound-campaign__agentlessoutboundcampaign-english"
AGENT_HOLD_TEMPLATE = "sophyphile__amazon-connect-terraform-flow-templater__agent-hold-sample-input"
PSTN_LAMBDA = "arn:aws:lambda:us-west-2:{ACCOUNT_ID}:function:aws-lambda-connect-pstn-transfer"


@pytest.mark.parametrize(
    ("rule", "answer", "block", "branch", "ended"),
    [
        ({"CurrentRule_resume": "true", "CurrentRule_sendDTMF": "true", "CurrentRule_dtmf": "1234#"},
         "ConnectionTimeLimitExceeded", "cef18357", "ConnectionTimeLimitExceeded", "disconnected"),
        ({"CurrentRule_resume": "true"}, "CallFailed", "77064cb1", "CallFailed", "disconnected"),
        ({"CurrentRule_sendDTMF": "true", "CurrentRule_dtmf": "99"}, "Success", "090868c9", "Success",
         "transferred_to_phone"),
        ({}, "Success", "0e8adb85", "Success", "transferred_to_phone"),
    ],
    ids=["resume-dtmf-timeout", "resume-failed", "dtmf-cold", "cold"],
)
def test_corpus_rules_engine_external_number(
    flows: FlowFactory, rule: dict[str, str], answer: str, block: str, branch: str, ended: str
) -> None:
    # The rules engine sets $.External before Transfer to flow, which keeps it.
    flows.make("Rules", [
        flows.action("Load rule", "InvokeLambdaFunction", {"LambdaFunctionARN": "rules"}, next_action="Go"),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": EXTERNAL_NUMBER}),
    ])
    corpus_copy(flows.root, EXTERNAL_NUMBER, placeholders={"{{contactFlows.RulesEngineError.arn}}": "RulesEngineError",
                                                          "{{contactFlows.RulesEngineMain.arn}}": "RulesEngineMain"})
    result = flows.run("Rules", lambdas={"rules": {**rule, "CurrentRule_externalNumber": "+61255550123"}},
                     mocks={"third_party": {"+61255550123": answer}})

    assert [s.action_type for s in result.steps].count("TransferParticipantToThirdParty") == 1
    assert result.branch(block) == branch
    assert result.ended == ended
    if ended == "disconnected":  # the error flow it transfers to is not loaded: Error, then disconnect
        assert [p[:8] for p in result.path[-3:]] == [block, "ae032090", "76c95b63"]


def test_corpus_pstn_transfer_resumes_after_the_call(flows: FlowFactory) -> None:
    sim = flows.corpus(PSTN)
    result = sim.run("Mathias - VA DTMF + Number test",
                     lambdas={PSTN_LAMBDA: [{"phoneNumber": "+14155550123", "dtmfSequence": "1,2,3"},
                                            {"handoff_transferTarget": "billing"}]},
                     mocks={"third_party": {"572bca25": "Success"}})

    assert result.branch("572bca25") == "Success"
    assert flows.note(result, "572bca25") == (
        "talked with +14155550123, sent DTMF 1,2,3; the third party hung up and the flow resumes"
    )
    assert result.attributes["transferTarget"] == "billing"
    assert [p[:8] for p in result.path[-3:]] == ["60eee377", "df4d930c", "13918deb"]


def test_corpus_pstn_transfer_disconnects_when_the_call_fails(flows: FlowFactory) -> None:
    sim = flows.corpus(PSTN)
    result = sim.run("Mathias - VA DTMF + Number test",
                     lambdas={PSTN_LAMBDA: {"phoneNumber": "+14155550123", "dtmfSequence": "1"}},
                     mocks={"third_party": {"+14155550123": "CallFailed"}})

    assert result.branch("572bca25") == "CallFailed"
    assert result.path[-1].startswith("13918deb")
    assert result.ended == "disconnected"


def test_corpus_lex_chatgpt_transfers_to_the_configured_number(flows: FlowFactory) -> None:
    # The transfer block follows a Lex bot (another family): the copy starts at the transfer, with
    # the CloudFormation parameter ${TRANSFERNUMBER} mapped to a number.
    name = corpus_copy(flows.root, LEX_CHATGPT, "5d88d7d0", placeholders={"${TRANSFERNUMBER}": "+442079460000"})
    seen: list[dict[str, str]] = []
    result = flows.run(name, mocks={"third_party": {"+442079460000": lambda r: seen.append(r) or "Success"}})

    assert result.branch("5d88d7d0") == "Success"
    assert result.ended == "transferred_to_phone"  # ContinueFlowExecution False
    assert seen == [{"ContinueFlowExecution": "False", "ThirdPartyPhoneNumber": "+442079460000",
                     "ThirdPartyConnectionTimeoutSeconds": "30", "CallerIdName": "AWSCONNECT"}]


@pytest.mark.parametrize(("phone", "branch", "ended"), [("4155550123", "Success", "transferred_to_phone"),
                                                        ("555", "NoMatchingError", "disconnected")])
def test_corpus_experience_builder_transfers_to_the_builders_number(
    flows: FlowFactory, phone: str, branch: str, ended: str
) -> None:
    # The template's `+1{{phoneNumber}}` is filled in by the experience builder.
    name = corpus_copy(flows.root, EXPERIENCE_DTMF0, "667cd27c", placeholders={"{{phoneNumber}}": phone})
    result = flows.run(name, mocks={"third_party": {"667cd27c": "Success"}})

    assert result.branch("667cd27c") == branch
    assert result.ended == ended
    if branch == "NoMatchingError":  # +1555 is no E.164 number: not dialled, the Error branch hangs up
        assert flows.note(result, "667cd27c") == "ThirdPartyPhoneNumber '+1555' is not an E.164 phone number"
        assert result.path[-1].startswith("9ec2348f")


@pytest.mark.parametrize(("outcome", "message"), [("CallAnswered", True), ("VoicemailBeep", True),
                                                  ("VoicemailNoBeep", True), ("NotDetected", False)])
def test_corpus_agentless_outbound_campaign_checks_call_progress(
    flows: FlowFactory, outcome: str, message: bool
) -> None:
    sim = flows.corpus(OUTBOUND_CAMPAIGN)
    result = sim.run("AgentlessOutboundCampaign-English", contact=SimulatedContact(initiation="OUTBOUND"),
                     mocks={"call_progress": {"85b65239": outcome}})

    assert result.branch("85b65239") == outcome
    assert any(p.startswith("e098ea70") for p in result.path) is message  # the reminder message
    assert result.ended == "disconnected"


def test_corpus_agent_hold_template_checks_call_progress(flows: FlowFactory) -> None:
    name = corpus_copy(flows.root, AGENT_HOLD_TEMPLATE, "check-call-progress")
    result = flows.run(name, mocks={"call_progress": {"check-call-progress": "VoicemailBeep"}})

    assert result.steps[0].flow_type == "AGENT_HOLD"
    assert result.branch("check-call-progress") == "VoicemailBeep"
    assert result.ended == "error"  # the template leaves every branch unconnected
    assert "took VoicemailBeep, whose NextAction is empty" in result.reason
