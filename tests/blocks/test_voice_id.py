"""Check Voice ID (CheckVoiceId) answered by mocks.voice_id, and Set Voice ID (StartVoiceIdStream).

FLOW-LANGUAGE.md 5.27 and section 6; the Flow language reference pages "CheckVoiceId" and
"StartVoiceIdStream" and the Admin Guide page "Flow block: Check Voice ID".
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from pytest_connectflow.errors import MissingMockError, MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

STATUSES = {
    "enrollmentStatus": ("Enrolled", "NotEnrolled", "OptedOut"),
    "voiceAuthentication": ("Authenticated", "NotAuthenticated", "Inconclusive", "NotEnrolled", "OptedOut"),
    "fraudDetection": ("HighRisk", "LowRisk", "Inconclusive"),
}
CHECK_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_WHISPER", "AGENT_WHISPER", "OUTBOUND_WHISPER",
               "AGENT_TRANSFER", "QUEUE_TRANSFER")
HOLD_TYPES = ("CUSTOMER_HOLD", "AGENT_HOLD")


def check(flows: FlowFactory, option: Any = "voiceAuthentication", errors: dict[str, str] | None = None) -> ActionDict:
    parameters = {} if option is None else {"CheckVoiceIdOption": option}
    statuses = STATUSES.get(option, STATUSES["voiceAuthentication"]) if isinstance(option, str) else ()
    return flows.action("Check", "CheckVoiceId", parameters, next_action="Failed",
                        conditions={status: f"On {status}" for status in statuses},
                        errors=errors if errors is not None else {"NoMatchingError": "Failed"})


def start(flows: FlowFactory, errors: dict[str, str] | None = None) -> ActionDict:
    return flows.action("Set Voice ID", "StartVoiceIdStream", {}, next_action="Streaming",
                        errors=errors if errors is not None else {"NoMatchingError": "Failed"})


# --- CheckVoiceId -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "status"),
    [(option, status) for option, statuses in STATUSES.items() for status in statuses],
)
def test_each_status_of_each_option_takes_its_condition(flows: FlowFactory, option: str, status: str) -> None:
    flows.make("Inbound", [check(flows, option)])
    result = flows.run("Inbound", mocks={"voice_id": {"Check": status}})

    assert result.branch("Check") == status
    assert result.path == ["Check", f"On {status}"]
    assert flows.note(result, "Check") == f"{option}: {status}"


def test_the_option_names_the_mock_too(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows, "fraudDetection")])
    result = flows.run("Inbound", mocks={"voice_id": {"fraudDetection": "HighRisk", "enrollmentStatus": "Enrolled"}})

    assert result.branch("Check") == "HighRisk"


def test_the_mocks_data_is_kept_under_voice_id(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows),
                           flows.set_attributes("On Authenticated", {"score": "$.VoiceId.Score"}, "Done")])
    result = flows.run("Inbound", mocks={"voice_id": {"Check": {"result": "Authenticated", "data": {"Score": 97}}}})

    assert result.attributes == {"score": "97"}


def test_a_dynamic_option_is_resolved(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows, "$.Attributes.check",
                                 errors={"NoMatchingCondition": "No match", "NoMatchingError": "Failed"})])
    result = flows.run("Inbound", attributes={"check": "enrollmentStatus"},
                       mocks={"voice_id": {"Check": "Enrolled"}})

    assert result.branch("Check") == "NoMatchingCondition"  # the block lists voiceAuthentication statuses
    assert flows.note(result, "Check") == "enrollmentStatus: Enrolled"


@pytest.mark.parametrize(
    ("option", "note"),
    [("voiceprint", "CheckVoiceIdOption 'voiceprint' is not one of enrollmentStatus, voiceAuthentication, "
                    "fraudDetection"),
     (None, "CheckVoiceIdOption None is not one of enrollmentStatus, voiceAuthentication, fraudDetection")],
    ids=["unknown", "missing"],
)
def test_a_bad_option_takes_error_without_a_mock(flows: FlowFactory, option: Any, note: str) -> None:
    flows.make("Inbound", [check(flows, option)])
    result = flows.run("Inbound")

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check") == note


def test_a_voice_id_failure_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows)])
    result = flows.run("Inbound", mocks={"voice_id": {"Check": {"error": True}}})

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check") == "Voice ID gave no voiceAuthentication result"


@pytest.mark.parametrize(
    ("answer", "message"),
    [("HighRisk", "result 'HighRisk' is not a voiceAuthentication status; use one of Authenticated, "
                  "NotAuthenticated, Inconclusive, NotEnrolled, OptedOut"),
     ({"error": "Timeout"}, "error 'Timeout' is not an error of CheckVoiceId; use error: true")],
    ids=["wrong-status", "unknown-error"],
)
def test_a_malformed_answer_fails_the_test(flows: FlowFactory, answer: Any, message: str) -> None:
    flows.make("Inbound", [check(flows)])
    with pytest.raises(MockError, match=re.escape(message)):
        flows.run("Inbound", mocks={"voice_id": {"Check": answer}})


def test_a_missing_mock_fails_naming_the_block(flows: FlowFactory) -> None:
    flows.make("Inbound", [check(flows)])
    with pytest.raises(MissingMockError) as info:
        flows.run("Inbound")

    message = str(info.value)
    assert "block 'Check' (CheckVoiceId) of flow 'Inbound'" in message
    assert "add mocks.voice_id keyed by one of: Check, voiceAuthentication (mocked: none)" in message


def test_a_list_answers_one_run_each(flows: FlowFactory) -> None:
    block = check(flows)
    block["Transitions"]["Conditions"][2]["NextAction"] = "Check"  # Inconclusive: ask again
    flows.make("Inbound", [block])
    result = flows.run("Inbound", mocks={"voice_id": {"Check": ["Inconclusive", "Authenticated"]}})

    assert result.branches("Check") == ["Inconclusive", "Authenticated"]
    assert result.path == ["Check", "Check", "On Authenticated"]


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_check_voice_id_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [check(flows)])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check") == f"CheckVoiceId does not work on {channel}"


@pytest.mark.parametrize("flow_type", CHECK_TYPES)
def test_check_voice_id_runs_outside_hold_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [check(flows)], flow_type=flow_type)
    result = flows.run("Flow", mocks={"voice_id": {"Check": "Authenticated"}})

    assert result.branch("Check") == "Authenticated"


@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_check_voice_id_in_a_hold_flow_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [check(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Check") == "NoMatchingError"
    assert flows.note(result, "Check") == f"CheckVoiceId is not allowed in a {flow_type} flow"


def test_check_voice_id_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Hold", [check(flows, errors={})], flow_type="CUSTOMER_HOLD")
    result = flows.run("Hold")

    assert result.ended == "error"
    assert "took NoMatchingError (CheckVoiceId is not allowed in a CUSTOMER_HOLD flow)" in result.reason


# --- StartVoiceIdStream -------------------------------------------------------------------------


def test_set_voice_id_starts_streaming_without_a_mock(flows: FlowFactory) -> None:
    flows.make("Inbound", [start(flows)])
    result = flows.run("Inbound")

    assert result.branch("Set Voice ID") == "Success"
    assert result.path == ["Set Voice ID", "Streaming"]
    assert flows.note(result, "Set Voice ID") == "the caller's audio streams to Voice ID"


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_set_voice_id_is_voice_only(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [start(flows)])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Set Voice ID") == "NoMatchingError"
    assert result.path == ["Set Voice ID", "Failed"]


@pytest.mark.parametrize("flow_type", [*CHECK_TYPES, "CAMPAIGN"])
def test_set_voice_id_runs_outside_hold_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [start(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set Voice ID") == "Success"


@pytest.mark.parametrize("flow_type", HOLD_TYPES)
def test_set_voice_id_in_a_hold_flow_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [start(flows)], flow_type=flow_type)
    result = flows.run("Flow")

    assert result.branch("Set Voice ID") == "NoMatchingError"
    assert flows.note(result, "Set Voice ID") == f"StartVoiceIdStream is not allowed in a {flow_type} flow"


def test_set_voice_id_without_an_error_branch_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Hold", [start(flows, errors={})], flow_type="AGENT_HOLD")
    result = flows.run("Hold")

    assert result.ended == "error"
    assert result.path == ["Set Voice ID"]


# --- Real flows from the corpus -------------------------------------------------------------------

SBS_GUIDE = "aws-samples__amazon-connect-step-by-step-guides-module-library__agentworkspace-guide"
SBS_HANDLER = "aws-samples__amazon-connect-step-by-step-guides-module-library__agentworkspace-handler"


def test_corpus_agent_workspace_guide_rechecks_voice_id_on_refresh(flows: FlowFactory) -> None:
    sim = flows.corpus(SBS_GUIDE)
    result = sim.run("SBSGuides_Example_AgentWorkspace_Guide",
                     contact=SimulatedContact(attributes={"PhoneNumber": "+15555550100",
                                                          "CaseIdFromOriginalContact": "case-1"}),
                     mocks={
                         "profiles": {"e7b54b1d": {"data": {"ProfileId": "p-1", "FirstName": "Ann"}}},
                         "cases": {"case-1": {"data": {"case_id": "case-1", "title": "Claim"}}},
                         "voice_id": {"voiceAuthentication": ["Authenticated", "NotEnrolled"]},
                         "views": {"e424488d": [{"result": "ActionSelected", "data": {"actionName": "Refresh View"}},
                                                {"error": "TimeLimitExceeded"}]},
                     })

    assert result.branch("e7b54b1d") == "Success"
    assert result.branch("509ff02e") == "Success"
    assert result.branches("483bf7b2") == ["Authenticated", "NotEnrolled"]
    assert result.branches("e424488d") == ["ActionSelected", "TimeLimitExceeded"]
    assert result.branch("1269a85d") == "Refresh View"
    assert result.attributes["VoiceIDStatus"] == "Not enrolled"
    assert result.ended == "disconnected"


def test_corpus_agent_workspace_handler_sets_voice_id_before_queueing(flows: FlowFactory) -> None:
    sim = flows.corpus(SBS_HANDLER)
    queue = "arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q-claims"
    result = sim.run("SBSGuides_Example_AgentWorkspace_Handler",
                     contact=SimulatedContact(attributes={"WorkingQueue": queue}), mocks={
                         "profiles": {"7290d274": {"error": "NoneFoundError"},
                                      "2c893167": {"data": {"ProfileId": "p-new"}}},
                         "cases": {"870c9d43": {"data": {"case_id": "case-1"}}},
                     })

    assert result.branch("7290d274") == "NoneFoundError"
    assert flows.note(result, "2c893167") == "created profile p-new"
    assert result.branch("870c9d43") == "Success"
    assert result.branch("85638449") == "Success"
    assert flows.note(result, "85638449") == "the caller's audio streams to Voice ID"
    assert result.attributes["CaseIdFromOriginalContact"] == "case-1"
    assert result.ended == "transferred_to_queue"
