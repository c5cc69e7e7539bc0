"""Wait.

Flow language reference page "Wait" (TimeoutSeconds, Events CustomerReturned and
BotParticipantDisconnected, results WaitCompleted or the event); Admin Guide block page "Wait"
(channels, flow types); FLOW-LANGUAGE.md 5.27.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from routing_helpers import corpus_copy, corpus_simulator

from pytest_connectflow.errors import MockError
from pytest_connectflow.simulator import SimulatedContact

if TYPE_CHECKING:
    from conftest import ActionDict, FlowFactory

ALL_TYPES = ("CONTACT_FLOW", "CUSTOMER_QUEUE", "CUSTOMER_HOLD", "AGENT_HOLD", "CUSTOMER_WHISPER",
             "AGENT_WHISPER", "OUTBOUND_WHISPER", "AGENT_TRANSFER", "QUEUE_TRANSFER", "CAMPAIGN")


def wait(flows: FlowFactory, seconds: Any = "900", events: list[str] | None = None,
         name: str = "TimeLimitSeconds") -> ActionDict:
    parameters: dict[str, Any] = {} if seconds is None else {name: seconds}
    if events is not None:
        parameters["Events"] = events
    return flows.action("Wait", "Wait", parameters, next_action="Wait error",
                        conditions={"CustomerReturned": "Returned", "WaitCompleted": "Expired"},
                        errors={"NoMatchingError": "Wait error"})


@pytest.mark.parametrize("channel", ["CHAT", "TASK", "EMAIL"])
def test_without_a_mock_the_time_simply_passes(flows: FlowFactory, channel: str) -> None:
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    result = flows.run("Inbound", channel=channel)

    assert result.branch("Wait") == "WaitCompleted"
    assert result.path == ["Wait", "Expired"]
    assert flows.note(result, "Wait") == "waited 900 s"


def test_the_customer_returns_when_the_mock_says_so(flows: FlowFactory) -> None:
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    result = flows.run("Inbound", channel="CHAT", mocks={"wait": {"Wait": "CustomerReturned"}})

    assert result.branch("Wait") == "CustomerReturned"
    assert result.path == ["Wait", "Returned"]
    assert flows.note(result, "Wait") == "CustomerReturned before 900 s passed"


@pytest.mark.parametrize(
    ("answer", "branch", "target"),
    [
        ({"result": "WaitCompleted"}, "WaitCompleted", "Expired"),
        ({"error": True}, "NoMatchingError", "Wait error"),
        ({"error": "ParticipantNotFound"}, "NoMatchingError", "Wait error"),  # not declared: falls back
    ],
    ids=["completed", "error", "participant-not-found"],
)
def test_other_mocked_outcomes(flows: FlowFactory, answer: dict[str, Any], branch: str, target: str) -> None:
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    result = flows.run("Inbound", channel="CHAT", mocks={"wait": {"Wait": answer}})

    assert result.branch("Wait") == branch
    assert result.path == ["Wait", target]


def test_one_answer_per_run_from_a_list(flows: FlowFactory) -> None:
    flows.make("Inbound", [
        flows.action("Wait", "Wait", {"TimeLimitSeconds": "300", "Events": ["CustomerReturned"]},
                     conditions={"CustomerReturned": "Reply", "WaitCompleted": "Expired"}),
        flows.message("Reply", "Thanks, one more thing?", "Wait"),
    ])
    result = flows.run("Inbound", channel="CHAT",
                       mocks={"wait": {"Wait": ["CustomerReturned", "CustomerReturned", "WaitCompleted"]}})

    assert result.branches("Wait") == ["CustomerReturned", "CustomerReturned", "WaitCompleted"]
    assert result.path == ["Wait", "Reply", "Wait", "Reply", "Wait", "Expired"]


@pytest.mark.parametrize(
    ("seconds", "attributes", "note"),
    [
        ("$.Attributes.wait", {"wait": "45"}, "waited 45 s"),
        ("604800", {}, "waited 604800 s"),
        ("1", {}, "waited 1 s"),
    ],
    ids=["reference", "seven-days", "one-second"],
)
def test_time_limit_static_or_reference(
    flows: FlowFactory, seconds: str, attributes: dict[str, str], note: str
) -> None:
    flows.make("Inbound", [wait(flows, seconds)])
    result = flows.run("Inbound", channel="CHAT", attributes=attributes)

    assert result.branch("Wait") == "WaitCompleted"
    assert flows.note(result, "Wait") == note


def test_the_reference_page_spelling_timeout_seconds(flows: FlowFactory) -> None:
    flows.make("Inbound", [wait(flows, "60", name="TimeoutSeconds")])
    result = flows.run("Inbound", channel="CHAT")

    assert flows.note(result, "Wait") == "waited 60 s"


@pytest.mark.parametrize(
    ("seconds", "events", "why"),
    [
        (None, None, "the block has no TimeLimitSeconds"),
        ("0", None, "TimeLimitSeconds '0' is '0', not a whole number of seconds in 1..604800"),
        ("604801", None, "TimeLimitSeconds '604801' is '604801', not a whole number of seconds in 1..604800"),
        ("1.5", None, "TimeLimitSeconds '1.5' is '1.5', not a whole number of seconds in 1..604800"),
        ("$.Attributes.missing", None,
         "TimeLimitSeconds '$.Attributes.missing' is None, not a whole number of seconds in 1..604800"),
        ("60", ["CustomerLeft"],
         "Events ['CustomerLeft'] must be a list of CustomerReturned, BotParticipantDisconnected"),
    ],
    ids=["missing", "zero", "too-long", "fraction", "unset", "unknown-event"],
)
def test_malformed_parameters_take_error(flows: FlowFactory, seconds: Any, events: list[str] | None, why: str) -> None:
    flows.make("Inbound", [wait(flows, seconds, events)])
    result = flows.run("Inbound", channel="CHAT")

    assert result.branch("Wait") == "NoMatchingError"
    assert result.path == ["Wait", "Wait error"]
    assert flows.note(result, "Wait") == why


def test_an_event_the_block_does_not_wait_for_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [wait(flows, events=None)])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", channel="CHAT", mocks={"wait": {"Wait": "CustomerReturned"}})

    assert info.value.message == (
        "mocks.wait answers CustomerReturned for 'Wait', but the block does not wait for that event (Events: none)"
    )


def test_an_unknown_wait_outcome_fails_the_test(flows: FlowFactory) -> None:
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", channel="CHAT", mocks={"wait": {"Wait": "Timeout"}})

    assert "is 'Timeout'; use WaitCompleted or one of CustomerReturned, BotParticipantDisconnected" in (
        info.value.message
    )


def test_a_task_never_takes_customer_returned(flows: FlowFactory) -> None:
    # The block page: on a task it "always branches to Time Expired or Error".
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    with pytest.raises(MockError) as info:
        flows.run("Inbound", channel="TASK", mocks={"wait": {"Wait": "CustomerReturned"}})

    assert "a task contact only completes the wait or takes Error" in info.value.message


def test_wait_on_voice_takes_error(flows: FlowFactory) -> None:
    flows.make("Inbound", [wait(flows, events=["CustomerReturned"])])
    result = flows.run("Inbound", channel="VOICE", mocks={"wait": {"Wait": "CustomerReturned"}})

    assert result.branch("Wait") == "NoMatchingError"
    assert flows.note(result, "Wait") == "Wait does not work on VOICE"


@pytest.mark.parametrize("flow_type", ["CONTACT_FLOW", "CUSTOMER_QUEUE"])
def test_wait_in_inbound_and_customer_queue_flows(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [wait(flows)], flow_type=flow_type)
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Wait") == "WaitCompleted"


@pytest.mark.parametrize("flow_type", [t for t in ALL_TYPES if t not in ("CONTACT_FLOW", "CUSTOMER_QUEUE")])
def test_wait_elsewhere_takes_error(flows: FlowFactory, flow_type: str) -> None:
    flows.make("Flow", [wait(flows)], flow_type=flow_type)
    result = flows.run("Flow", channel="CHAT")

    assert result.branch("Wait") == "NoMatchingError"
    assert flows.note(result, "Wait") == f"Wait is not allowed in a {flow_type} flow"


def test_wait_without_an_error_branch_where_refused_ends_the_run_in_error(flows: FlowFactory) -> None:
    flows.make("Flow", [flows.action("Wait", "Wait", {"TimeLimitSeconds": "5"},
                                     conditions={"WaitCompleted": "Expired"})], flow_type="AGENT_WHISPER")
    result = flows.run("Flow", channel="CHAT")

    assert result.ended == "error"
    assert "took NoMatchingError (Wait is not allowed in a AGENT_WHISPER flow)" in result.reason


# --- Real flows from the corpus ------------------------------------------------------------

RULES_DISCONNECT = "aws-samples__amazon-connect-rules-engine__rulesenginedisconnect"
RULES_WAIT = "aws-samples__amazon-connect-rules-engine__rulesenginewait"
MODULES_CASES = "aws-samples__amazon-connect-step-by-step-guides-module-library__modules-cases"
RULES_ENGINE_PLACEHOLDERS = {  # as the rules engine's deployment maps them
    "{{lambdaFunctions.connectupdatestate.arn}}": "arn:aws:lambda:us-east-1:1:function:connectupdatestate",
    "{{contactFlows.RulesEngineError.arn}}": "RulesEngineError",
    "{{contactFlows.RulesEngineMain.arn}}": "RulesEngineMain",
}


def test_corpus_rules_engine_disconnect_requeues_a_returning_chat_customer(flows: FlowFactory) -> None:
    sim = corpus_simulator(RULES_DISCONNECT, placeholders=RULES_ENGINE_PLACEHOLDERS)
    returned = sim.run(RULES_DISCONNECT, contact=SimulatedContact(channel="CHAT", queue="Chat"),
                       mocks={"wait": {"cc927fd6": "CustomerReturned"}})
    expired = sim.run(RULES_DISCONNECT, contact=SimulatedContact(channel="CHAT", queue="Chat"))

    assert returned.branch("cc927fd6") == "CustomerReturned"
    assert [p[:8] for p in returned.path[-3:]] == ["cc927fd6", "088df29e", "616f94d7"]
    assert returned.ended == "transferred_to_queue"
    assert expired.branch("cc927fd6") == "WaitCompleted"  # "Your session has expired, good-bye."
    assert [p[:8] for p in expired.path[-3:]] == ["cc927fd6", "8b170d37", "8e32b3b8"]
    assert expired.ended == "disconnected"


@pytest.mark.parametrize(("answer", "branch"), [("WaitCompleted", "WaitCompleted"),
                                                ("CustomerReturned", "CustomerReturned")])
def test_corpus_rules_engine_wait_takes_its_time_limit_from_external(
    flows: FlowFactory, answer: str, branch: str
) -> None:
    flows.make("Rules", [
        flows.action("Load rule", "InvokeLambdaFunction", {"LambdaFunctionARN": "rules"}, next_action="Go"),
        flows.action("Go", "TransferToFlow", {"ContactFlowId": RULES_WAIT}),
    ])
    corpus_copy(flows.root, RULES_WAIT, placeholders=RULES_ENGINE_PLACEHOLDERS)
    result = flows.run("Rules", channel="CHAT",
                       lambdas={"rules": {"CurrentRule_waitTimeSeconds": "120"}, "connectupdatestate": {}},
                       mocks={"wait": {"2ecb7822": answer}})

    assert result.branch("525d3fb5") == "CHAT"
    assert result.branch("2ecb7822") == branch
    assert flows.note(result, "2ecb7822") == (
        "waited 120 s" if branch == "WaitCompleted" else "CustomerReturned before 120 s passed"
    )


def test_corpus_rules_engine_wait_on_voice_skips_the_wait(flows: FlowFactory) -> None:
    sim = corpus_simulator(RULES_WAIT, placeholders=RULES_ENGINE_PLACEHOLDERS)
    result = sim.run(RULES_WAIT)

    assert result.branch("525d3fb5") == "NoMatchingCondition"  # Compare $.Channel: VOICE is not CHAT
    assert not result.steps_of("2ecb7822")


def test_corpus_modules_cases_waits_five_seconds(flows: FlowFactory) -> None:
    # The flow reaches the Wait after Cases and Customer Profiles blocks (other families); the
    # copy starts at the Wait, with the flow's own parameters.
    name = corpus_copy(flows.root, MODULES_CASES, "b4ae85c6")
    result = flows.run(name, channel="CHAT")

    assert result.branch("b4ae85c6") == "WaitCompleted"
    assert flows.note(result, "b4ae85c6") == "waited 5 s"
    assert result.path[1].startswith("5d7d0ddb")
