"""The instance resources file and the mocks it makes unnecessary: hours schedules against the
clock, Lex bots and prompts by name; Lambda call expectations; unused mocks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flowdefs import action, main_ivr

from pytest_connectflow import MissingMockError, Simulator, load_library

HOURS_ARN = "arn:aws:connect:us-east-1:111122223333:instance/i-1/operating-hours/h-office"

INSTANCE = f"""
queues:
  Sales: {{arn: "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales", hours: Office hours}}
hours:
  Office hours:
    arn: "{HOURS_ARN}"
    time_zone: America/New_York
    schedule:
      monday: ["09:00-17:00"]
      tuesday: ["09:00-17:00"]
    overrides:
      - {{name: Thanksgiving, from: "2026-11-26", closed: true}}
prompts:
  Welcome: {{arn: "arn:aws:connect:us-east-1:111122223333:instance/i-1/prompt/p-1", duration: 4}}
lex_bots:
  OrderBot: {{alias_arn: "arn:aws:lex:us-east-1:111122223333:bot-alias/B1/A1"}}
lambdas:
  lookupCustomer: {{arn: "arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer"}}
"""


def hours_flow() -> dict[str, object]:
    return {
        "Version": "2019-10-30", "StartAction": "Set queue", "Metadata": {"name": "Hours"},
        "Actions": [
            action("Set queue", "UpdateContactTargetQueue",
                   {"QueueId": "arn:aws:connect:us-east-1:111122223333:instance/i-1/queue/q-sales"},
                   "Check hours", errors={"NoMatchingError": "Bye"}),
            {"Identifier": "Check hours", "Type": "CheckHoursOfOperation", "Parameters": {},
             "Transitions": {"NextAction": "Bye", "Conditions": [
                 {"NextAction": "Open", "Condition": {"Operator": "Equals", "Operands": ["True"]}},
                 {"NextAction": "Closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}],
                 "Errors": [{"NextAction": "Bye", "ErrorType": "NoMatchingError"}]}},
            action("Open", "MessageParticipant", {"Text": "We are open"}, "Bye"),
            action("Closed", "MessageParticipant", {"Text": "We are closed"}, "Bye"),
            action("Bye", "DisconnectParticipant", {}),
        ],
    }


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    flows = pytester.mkdir("flows")
    (flows / "hours.json").write_text(json.dumps(hours_flow()))
    (flows / "main.json").write_text(json.dumps(main_ivr()))
    (pytester.path / "connect-instance.yaml").write_text(INSTANCE)
    pytester.makeini("[pytest]\nconnectflow_flows = flows\nconnectflow_instance = connect-instance.yaml\n")
    return pytester


def test_the_queues_weekly_schedule_decides_at_the_clock(project: pytest.Pytester) -> None:
    project.makefile(".connectflow.yaml", test_hours="""
scenarios:
  - name: monday morning in New York
    flow: Hours
    clock: 2026-11-23T09:30:00-05:00
    expect: {branches: {Check hours: "True"}}
  - name: same instant from London
    flow: Hours
    clock: 2026-11-23T14:30:00+00:00
    expect: {branches: {Check hours: "True"}}
  - name: monday evening
    flow: Hours
    clock: 2026-11-23T17:00:00-05:00
    expect: {branches: {Check hours: "False"}}
  - name: thanksgiving override
    flow: Hours
    clock: 2026-11-26T10:00:00-05:00
    expect: {branches: {Check hours: "False"}}
  - name: a mock wins over the schedule
    flow: Hours
    clock: 2026-11-26T10:00:00-05:00
    mocks: {hours: {Office hours: open}}
    expect: {branches: {Check hours: "True"}}
  - name: no clock
    flow: Hours
""")
    result = project.runpytest()
    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(["*checks hours 'Office hours', whose weekly schedule needs the time: set the "
                                 "scenario's clock*"])


def test_clock_in_python(tmp_path: Path) -> None:
    (tmp_path / "hours.json").write_text(json.dumps(hours_flow()))
    from pytest_connectflow.session import load_instance_file

    (tmp_path / "instance.yaml").write_text(INSTANCE)
    instance = load_instance_file(tmp_path / "instance.yaml")
    simulator = Simulator(load_library(tmp_path / "hours.json"), instance=instance)
    assert simulator.run("Hours", clock="2026-11-24T16:59:00-05:00").branch("Check hours") == "True"
    assert simulator.run("Hours", clock="2026-11-24T17:00:00-05:00").branch("Check hours") == "False"
    with pytest.raises(MissingMockError, match="needs the time"):
        simulator.run("Hours")


def test_expect_lambda_calls(project: pytest.Pytester) -> None:
    project.makefile(".connectflow.yaml", test_calls="""
scenarios:
  - name: the caller's number is sent
    flow: Main IVR
    inputs: [1]
    mocks: {lambdas: {lookupCustomer: {tier: gold}}}
    expect:
      lambda_calls:
        - {function: lookupCustomer, parameters: {phone: "+15555550100"}}
  - name: wrong parameter
    flow: Main IVR
    inputs: [1]
    mocks: {lambdas: {"arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer": {}}}
    expect:
      lambda_calls:
        - {function: lookupCustomer, parameters: {phone: "+1999"}}
""")
    result = project.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "test_calls.connectflow.yaml:14: expect.lambda_calls",
        "  expected: [[]lookupCustomer(phone='+1999')[]]",
        "  actual:   [[]arn:aws:lambda:us-east-1:111122223333:function:lookupCustomer(phone='+15555550100')[]]",
        "  call 1 at 'Lookup'",
    ])


UNUSED = """
scenarios:
  - name: chat never calls the Lambda
    flow: Main IVR
    channel: CHAT
    mocks:
      lambdas: {lookupCustomer: {tier: gold}, neverCalled: {}}
      hours: {Office hours: open}
"""


def test_unused_mocks_are_a_warning(project: pytest.Pytester) -> None:
    project.makefile(".connectflow.yaml", test_unused=UNUSED)
    result = project.runpytest()
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(["*ConnectflowWarning: test_unused.connectflow.yaml:2: scenario 'chat never calls "
                                 "the Lambda' declares mocks no block used: mocks.lambdas.neverCalled, "
                                 "mocks.hours.Office hours*"])


def test_unused_mocks_fail_with_strict_mocks(project: pytest.Pytester) -> None:
    project.makefile(".connectflow.yaml", test_unused=UNUSED)
    result = project.runpytest("--connectflow-strict-mocks")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["test_unused.connectflow.yaml:2: mocks no block used (strict mocks)",
                                 "  expected: every mock used",
                                 "  actual:   mocks.lambdas.neverCalled, mocks.hours.Office hours"])


def test_bad_schedule_in_the_instance_file_is_a_clear_failure(project: pytest.Pytester) -> None:
    (project.path / "connect-instance.yaml").write_text(
        "hours:\n  Office hours:\n    time_zone: Mars/Base\n    schedule: {monday: ['09:00-17:00']}\n")
    project.makefile(".connectflow.yaml", test_bad="scenarios:\n  - name: a\n    flow: Hours\n")
    result = project.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*instance hours 'Office hours': unknown time zone 'Mars/Base'*"])


def test_lex_bots_are_mocked_by_their_name_in_the_instance_file(tmp_path: Path) -> None:
    flow = {
        "Version": "2019-10-30", "StartAction": "Ask", "Metadata": {"name": "Bot"},
        "Actions": [
            {"Identifier": "Ask", "Type": "ConnectParticipantWithLexBot",
             "Parameters": {"Text": "How can I help?",
                            "LexV2Bot": {"AliasArn": "arn:aws:lex:us-east-1:111122223333:bot-alias/B1/A1"}},
             "Transitions": {"NextAction": "Bye", "Conditions": [
                 {"NextAction": "Bye", "Condition": {"Operator": "Equals", "Operands": ["OrderPizza"]}}],
                 "Errors": [{"NextAction": "Bye", "ErrorType": "NoMatchingCondition"},
                            {"NextAction": "Bye", "ErrorType": "NoMatchingError"}]}},
            action("Bye", "DisconnectParticipant", {}),
        ],
    }
    (tmp_path / "bot.json").write_text(json.dumps(flow))
    from pytest_connectflow.session import load_instance_file

    (tmp_path / "instance.yaml").write_text(INSTANCE)
    simulator = Simulator(load_library(tmp_path / "bot.json"), instance=load_instance_file(tmp_path / "instance.yaml"))
    result = simulator.run("Bot", inputs=["a large pizza"], mocks={"lex": {"OrderBot": {"intent": "OrderPizza"}}})
    assert result.branch("Ask") == "OrderPizza"
    assert result.contact.lex["IntentName"] == "OrderPizza"
