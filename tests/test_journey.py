"""The whole contact journey: queue, whisper, hold, transfer and disconnect flows, each run with
its own flow type, one scenario from the inbound flow to the end of the call."""

from __future__ import annotations

from pathlib import Path

import pytest
from journeyflows import all_flows, arn

from pytest_connectflow import Journey, Simulator, load_library

INSTANCE_FILE = """
queues:
  Sales: {arn: "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales"}
  Billing: {arn: "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-billing"}
quick_connects:
  Billing: {queue: Billing, flow: To billing}
  Supervisor: {agent: jane, flow: To supervisor}
"""


@pytest.fixture
def journey_project(pytester: pytest.Pytester) -> pytest.Pytester:
    all_flows(pytester.path / "flows")
    (pytester.path / "instance.yaml").write_text(INSTANCE_FILE)
    pytester.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = instance.yaml\n")
    return pytester


def run(project: pytest.Pytester, body: str) -> pytest.RunResult:
    project.makefile(".connectflow.yaml", test_journey="scenarios:\n" + body)
    return project.runpytest()


def test_queue_wait_runs_the_queue_flow_until_the_agent_answers(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: agent answers after 45 s
    flow: Main IVR
    journey: {agent_answers_after: 45}
    expect:
      flows: [Main IVR, Queue music, Agent whisper, Customer whisper]
      branches:
        # 4 s of greeting, 20 s of music, "Still waiting", 20 s more: the agent answers during
        # the second "Still waiting", which records no branch.
        Music: [MessagesInterrupted, MessagesInterrupted]
        Still waiting: [Success, null]
      media_streaming: stopped
      ended: disconnected
""".replace("null", "~"))
    result.assert_outcomes(passed=1)


def test_customer_hangs_up_in_queue_and_no_disconnect_flow_runs(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: abandoned
    flow: Main IVR
    journey: {customer_hangs_up_after: 30}
    expect:
      flows: [Main IVR, Queue music]
      ended: disconnected
      media_streaming: stopped
""")
    result.assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("stop_in", "flows", "stop_branch"),
    [
        ("Queue music", ["Main IVR", "Queue music", "Agent whisper", "Customer whisper"], "Success"),
        ("Agent whisper", ["Main IVR", "Queue music", "Agent whisper", "Customer whisper"], "Success"),
        ("Customer whisper", ["Main IVR", "Queue music", "Agent whisper", "Customer whisper"], "Success"),
        ("After call", ["Main IVR", "Queue music", "Agent whisper", "Customer whisper", "After call"], "Success"),
    ],
)
def test_a_stop_in_each_allowed_later_flow_type_stops_the_stream(
    tmp_path: Path, stop_in: str, flows: list[str], stop_branch: str
) -> None:
    all_flows(tmp_path, stop_in=stop_in)
    simulator = Simulator(load_library(tmp_path))
    result = simulator.run("Main IVR", journey={"agent_answers_after": 45, "then": "agent_hangs_up"})
    assert result.flows[: len(flows)] == flows
    stop_block = next(s for s in result.steps if s.action_type == "UpdateContactMediaStreamingBehavior"
                      and s.flow == stop_in)
    assert stop_block.branch == stop_branch
    history = result.media_streaming.history
    assert [e.kind for e in history] == ["start", "stop"]
    assert (history[1].flow, history[1].flow_type) == (stop_in, stop_block.flow_type)
    assert result.media_streaming == "stopped"


def test_a_stop_in_a_hold_flow_takes_error_and_the_stream_goes_on(tmp_path: Path) -> None:
    all_flows(tmp_path, stop_in="Customer hold")
    result = Simulator(load_library(tmp_path)).run(
        "Main IVR", journey=Journey(agent_answers_after=10, hold=1, then="agent_hangs_up"))
    assert result.branch("Customer hold/Stop on hold") == "NoMatchingError"
    assert "not allowed in a CUSTOMER_HOLD flow" in result.steps_of("Customer hold/Stop on hold")[0].note
    # Streaming until the disconnect flow's hang-up ended the contact.
    assert [e.kind for e in result.media_streaming.history] == ["start", "disconnect"]


def test_holds_run_the_customer_then_the_agent_hold_flow(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: two holds
    flow: Main IVR
    journey: {agent_answers_after: 5, hold: 2, hold_seconds: 15}
    expect:
      flows: [Main IVR, Queue music, Agent whisper, Customer whisper,
              Customer hold, Agent hold, Customer hold, Agent hold]
      ended: disconnected
""")
    result.assert_outcomes(passed=1)


def test_agent_hangs_up_runs_the_disconnect_flow(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: survey after the call
    flow: Main IVR
    journey: {agent_answers_after: 5, then: agent_hangs_up}
    expect:
      flows: [Main IVR, Queue music, Agent whisper, Customer whisper, After call]
      messages_include: [Please rate your call]
      ended: disconnected
""")
    result.assert_outcomes(passed=1)


def test_transfer_by_queue_quick_connect_ends_in_that_queue(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: to billing
    flow: Main IVR
    journey: {agent_answers_after: 5, then: {transfer: Billing}}
    expect:
      flows: [Main IVR, Queue music, Agent whisper, Customer whisper, To billing]
      ended: transferred_to_queue
      queue: Billing
      media_streaming: stopped
  - name: to billing by queue name
    flow: Main IVR
    journey: {agent_answers_after: 5, then: {transfer: {queue: Billing}}}
    expect:
      ended: transferred_to_queue
      queue: Billing
""")
    result.assert_outcomes(passed=2)


def test_transfer_by_agent_quick_connect(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: to the supervisor
    flow: Main IVR
    journey: {agent_answers_after: 5, then: {transfer: {agent: jane}}}
    expect:
      flows: [Main IVR, Queue music, Agent whisper, Customer whisper, To supervisor]
      ended: transferred_to_agent
""")
    result.assert_outcomes(passed=1)


def test_flow_types_are_those_of_each_event(tmp_path: Path) -> None:
    all_flows(tmp_path)
    result = Simulator(load_library(tmp_path)).run(
        "Main IVR", journey=Journey(agent_answers_after=5, hold=1, then="agent_hangs_up"))
    types = {s.flow: s.flow_type for s in result.steps}
    assert types == {"Main IVR": "CONTACT_FLOW", "Queue music": "CUSTOMER_QUEUE", "Agent whisper": "AGENT_WHISPER",
                     "Customer whisper": "CUSTOMER_WHISPER", "Customer hold": "CUSTOMER_HOLD",
                     "Agent hold": "AGENT_HOLD", "After call": "CONTACT_FLOW"}
    agent_heard = [m.text for m in result.trace.messages if m.to == "agent"]
    assert agent_heard == ["Caller from Main IVR", "Please hold"]
    assert "Caller from Main IVR" not in [m.text for m in result.messages]


def test_defaults_run_when_no_hook_is_set_and_a_disabled_hook_runs_nothing(tmp_path: Path) -> None:
    all_flows(tmp_path, hooks={"AgentWhisper": arn("Agent whisper")})
    instance = {"default_flows": {"customer_queue": "Queue music", "customer_whisper": "Customer whisper"}}
    simulator = Simulator(load_library(tmp_path), instance=instance)
    result = simulator.run("Main IVR", journey=Journey(agent_answers_after=5))
    assert result.flows == ["Main IVR", "Queue music", "Agent whisper", "Customer whisper"]
    bare = Simulator(load_library(tmp_path)).run("Main IVR", journey=Journey(agent_answers_after=5))
    assert bare.flows == ["Main IVR", "Agent whisper"]
    assert "0 s: no CUSTOMER_QUEUE flow: no CustomerQueue hook and no default" in bare.events


def test_a_whisper_longer_than_two_minutes_drops_the_contact(tmp_path: Path) -> None:
    all_flows(tmp_path)
    long_text = " ".join(["word"] * 400)  # 400 words at 150 per minute: 160 s
    whisper = (tmp_path / "agent-whisper.json")
    whisper.write_text(whisper.read_text().replace("Caller from Main IVR", long_text))
    result = Simulator(load_library(tmp_path)).run("Main IVR", journey=Journey(agent_answers_after=5))
    assert result.ended == "disconnected"
    assert "was still running after two minutes" in result.reason


def test_unknown_default_or_quick_connect_flow_is_a_configuration_error(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: default names no flow
    flow: Main IVR
    contact: {initiation: OUTBOUND}
    instance:
      default_flows: {outbound_whisper: Nowhere}
    journey: {agent_answers_after: 5}
  - name: unknown quick connect
    flow: Main IVR
    journey: {agent_answers_after: 5, then: {transfer: Payroll}}
""")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(["*default_flows.outbound_whisper names the flow 'Nowhere', which is not loaded*"])
    result.stdout.fnmatch_lines(["*quick connect 'Payroll', which the instance does not list*"])


def test_a_journey_needs_an_event(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: nothing happens
    flow: Main IVR
    journey: {hold: 1}
""")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*journey*"])


def test_without_a_journey_the_run_ends_in_the_queue(tmp_path: Path) -> None:
    all_flows(tmp_path)
    result = Simulator(load_library(tmp_path)).run("Main IVR")
    assert result.ended == "transferred_to_queue"
    assert result.flows == ["Main IVR"]
    assert result.media_streaming == "streaming"
    assert result.events == []


def test_an_interrupted_block_is_expected_as_null(journey_project: pytest.Pytester) -> None:
    result = run(journey_project, """
  - name: interrupted
    flow: Main IVR
    journey: {agent_answers_after: 45}
    expect:
      branches: {Still waiting: ~}
  - name: wrong
    flow: Main IVR
    journey: {agent_answers_after: 45}
    expect:
      branches: {Still waiting: Success}
""")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["  expected: Success", "  actual:   (interrupted, no branch)",
                                 "journey: 0 s: the contact entered the queue Sales; 45 s: the agent answered*"])
