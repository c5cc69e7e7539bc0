"""What the customer hears: messages recorded per block, expect.messages and
expect.messages_include, assert_message_sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flowdefs import action

from pytest_connectflow import ConnectflowAssertionError, Simulator, assert_message_sent, load_library

SSML = "<speak>Press <say-as interpret-as='digits'>1</say-as> &amp; wait<break time='1s'/></speak>"
PROMPT_ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/prompt/p-hold-music"


def talking_flow() -> dict[str, Any]:
    return {
        "Version": "2019-10-30", "StartAction": "Welcome", "Metadata": {"name": "Talk"},
        "Actions": [
            action("Welcome", "MessageParticipant", {"Text": "Hi $.Attributes.first-name, welcome."}, "Tone"),
            action("Tone", "MessageParticipant", {"SSML": SSML}, "Music"),
            action("Music", "MessageParticipant", {"PromptId": PROMPT_ARN}, "Menu"),
            action("Menu", "GetParticipantInput", {"Text": "Press 1 for sales", "StoreInput": "False",
                                                   "InputTimeLimitSeconds": "5"},
                   "Bye", conditions={"1": "Bye"},
                   errors={"InputTimeLimitExceeded": "Bye", "NoMatchingCondition": "Bye", "NoMatchingError": "Bye"}),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


@pytest.fixture
def simulator(tmp_path: Path) -> Simulator:
    (tmp_path / "talk.json").write_text(json.dumps(talking_flow()))
    return Simulator(load_library(tmp_path), instance={"prompts": {"Hold music": {"arn": PROMPT_ARN}}})


def test_messages_are_recorded_in_order_with_references_rendered(simulator: Simulator) -> None:
    from pytest_connectflow import SimulatedContact

    result = simulator.run("Talk", contact=SimulatedContact(attributes={"first-name": "Ana"}), inputs=["1"])
    assert [(m.kind, m.text, m.block) for m in result.messages] == [
        ("text", "Hi Ana, welcome.", "Welcome"),
        ("ssml", "Press 1 & wait", "Tone"),
        ("prompt", "Hold music", "Music"),
        ("text", "Press 1 for sales", "Menu"),
    ]
    assert result.messages[2].content == PROMPT_ARN
    assert all(m.channel == "VOICE" and m.to == "customer" for m in result.messages)


def test_a_task_has_no_one_to_talk_to(simulator: Simulator) -> None:
    from pytest_connectflow import SimulatedContact

    result = simulator.run("Talk", contact=SimulatedContact(channel="TASK"))
    assert result.messages == []


def test_assert_message_sent(simulator: Simulator) -> None:
    result = simulator.run("Talk", inputs=["1"])
    assert_message_sent(result, "Press 1 for sales")
    assert_message_sent(result, contains="welcome")
    assert_message_sent(result, regex=r"^Press \d &")
    assert_message_sent(result, prompt="Hold music")
    assert_message_sent(result, prompt=PROMPT_ARN)
    with pytest.raises(ConnectflowAssertionError, match=r"(?s)message sent.*1\. 'Hi , welcome.'.*"
                                                        r"not sent: contains: 'goodbye'"):
        assert_message_sent(result, contains="goodbye")
    with pytest.raises(TypeError):
        assert_message_sent(result)


SCENARIOS = """
flows: flows
instance:
  prompts: {Hold music: {arn: "PROMPT_ARN"}}
scenarios:
  - name: every message in order
    flow: Talk
    attributes: {first-name: Bo}
    inputs: [1]
    expect:
      messages:
        - Hi Bo, welcome.
        - {contains: "& wait"}
        - {prompt: Hold music}
        - {regex: "^Press 1"}
  - name: some messages in any order
    flow: Talk
    inputs: [1]
    expect:
      messages_include:
        - "Press 1 for sales"
        - {prompt: Hold music}
  - name: wrong order
    flow: Talk
    inputs: [1]
    expect:
      messages:
        - {prompt: Hold music}
        - Hi , welcome.
""".replace("PROMPT_ARN", PROMPT_ARN)


def test_expect_messages_in_scenarios(pytester: pytest.Pytester) -> None:
    flows = pytester.mkdir("flows")
    (flows / "talk.json").write_text(json.dumps(talking_flow()))
    pytester.makefile(".connectflow.yaml", test_talk=SCENARIOS)
    result = pytester.runpytest()
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "test_talk.connectflow.yaml:26: expect.messages",
        "    |       messages:",
        "  expected: ",
        "  1. prompt: 'Hold music'",
        "  2. 'Hi , welcome.'",
        "  actual:   ",
        "  1. 'Hi , welcome.'  (Welcome, text)",
        "  2. 'Press 1 & wait'  (Tone, ssml)",
        "  3. prompt Hold music  (Music, prompt)",
        "  4. 'Press 1 for sales'  (Menu, text)",
        "  first difference at message 1",
    ])
